package io.voicecore.marketplace;

import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;

/** Who a marketplace caller is: the API key behind a principal, and the roles the marketplace's actions need. */
public final class Actors {
    private static final String API_KEY_ACTOR = "api-key:";

    private Actors() {
    }

    /** The id of the API key a principal authenticated with; empty for the admin token and sessions. */
    public static Optional<UUID> apiKeyId(Principal principal) {
        String actor = principal.actorId();
        if (!actor.startsWith(API_KEY_ACTOR)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(actor.substring(API_KEY_ACTOR.length())));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    /** Requires a reviewer, or the platform admin (who may do what a reviewer does). */
    public static void requireReviewer(Principal principal) {
        if (!principal.isPlatformAdmin() && principal.role() != Role.REVIEWER) {
            throw MarketplaceRefusal.forbidden("role-required", "Only a marketplace reviewer or the platform administrator may"
                    + " review submissions; your credential has role '" + principal.role().wireName() + "'.");
        }
    }

    public static void requirePlatformAdmin(Principal principal, String what) {
        if (!principal.isPlatformAdmin()) {
            throw MarketplaceRefusal.forbidden("role-required", "Only the platform administrator may " + what + ".");
        }
    }

    /** The principal that acts when nobody is signed in yet: a publisher signing up. */
    public static Principal signUp() {
        return new Principal("marketplace:sign-up", Role.DEVELOPER, Optional.empty(), "marketplace:sign-up", false);
    }
}
