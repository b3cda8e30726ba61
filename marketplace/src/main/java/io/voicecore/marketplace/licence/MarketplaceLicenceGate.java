package io.voicecore.marketplace.licence;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import io.voicecore.kernel.plugins.licence.LicenceGate;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.kernel.plugins.licence.LicenceStanding.Kind;

/**
 * The marketplace's {@link LicenceGate}: judges the token attached to a tenant's enablement of a plugin with a
 * {@link LicenceVerifier}, offline and from its cache of verified tokens, on every plugin call. Plugged into the kernel
 * with {@code TenantEnablement.useLicenceGate}.
 *
 * <ul>
 *   <li>no token: {@linkplain LicenceStanding#unlicensed() unlicensed} for a plugin the marketplace does not manage
 *       (installed by the platform administrator), {@link Kind#REQUIRED} for one it does;</li>
 *   <li>a token that is not an authentic licence, or is one of another tenant or another plugin: {@link Kind#INVALID};</li>
 *   <li>{@link Verdict.Valid}: serving, with the licence's view; {@link Verdict.InGrace}: in grace, naming the expiry
 *       and the end of grace; {@link Verdict.Expired}: {@link Kind#EXPIRED}, naming the expiry;
 *       {@link Verdict.NotYetStarted}: {@link Kind#INVALID}, naming the start.</li>
 * </ul>
 *
 * <p>Thread-safe, as its verifier is.
 */
public final class MarketplaceLicenceGate implements LicenceGate {
    private final LicenceVerifier verifier;
    private final Predicate<String> requiresLicence;

    /**
     * @param verifier        judges tokens with the marketplace's keys, clock and grace period
     * @param requiresLicence whether a plugin id is one the marketplace manages, so that it needs a licence
     */
    public MarketplaceLicenceGate(LicenceVerifier verifier, Predicate<String> requiresLicence) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.requiresLicence = Objects.requireNonNull(requiresLicence, "requiresLicence");
    }

    @Override
    public LicenceStanding standing(UUID tenantId, String pluginId, Optional<String> token) {
        if (token.isEmpty()) {
            return requiresLicence.test(pluginId)
                    ? LicenceStanding.refused(Kind.REQUIRED, "plugin '" + pluginId + "' is sold in the marketplace and this tenant"
                                                             + " has no licence of it")
                    : LicenceStanding.unlicensed();
        }
        return switch (verifier.verify(token.get())) {
            case Verdict.Invalid invalid -> LicenceStanding.refused(Kind.INVALID, why(invalid.reason()));
            case Verdict.Valid valid -> notTheirs(valid.licence(), tenantId, pluginId)
                    .orElseGet(() -> LicenceStanding.serving(view(valid.licence(), false)));
            case Verdict.InGrace grace -> notTheirs(grace.licence(), tenantId, pluginId)
                    .orElseGet(() -> LicenceStanding.inGrace(view(grace.licence(), true), "the licence expired at "
                            + grace.licence().expiresAt().orElseThrow() + "; it is served in its grace period until "
                            + grace.graceEndsAt()));
            case Verdict.Expired expired -> notTheirs(expired.licence(), tenantId, pluginId)
                    .orElseGet(() -> LicenceStanding.refused(Kind.EXPIRED, "the licence expired at "
                            + expired.licence().expiresAt().orElseThrow() + " and its grace period has ended"));
            case Verdict.NotYetStarted notYet -> notTheirs(notYet.licence(), tenantId, pluginId)
                    .orElseGet(() -> LicenceStanding.refused(Kind.INVALID, "the licence starts only at " + notYet.licence().startsAt()));
        };
    }

    /** The refusal of an authentic licence of another tenant or another plugin; empty when it is this call's. */
    private static Optional<LicenceStanding> notTheirs(Licence licence, UUID tenantId, String pluginId) {
        if (!licence.tenantId().equals(tenantId)) {
            return Optional.of(LicenceStanding.refused(Kind.INVALID, "the licence attached is for another tenant"));
        }
        if (!licence.pluginId().equals(pluginId)) {
            return Optional.of(LicenceStanding.refused(Kind.INVALID, "the licence attached is for plugin '" + licence.pluginId() + "'"));
        }
        return Optional.empty();
    }

    /** What plugin code reads of a licence: its terms, never its ids or key. */
    static io.voicecore.sdk.Licence view(Licence licence, boolean inGrace) {
        return new io.voicecore.sdk.Licence(licence.planId(), licence.seats(), licence.usageLimits(), licence.startsAt(),
                                            licence.expiresAt(), licence.trial(), inGrace);
    }

    private static String why(Verdict.Invalid.Reason reason) {
        return switch (reason) {
            case TOO_LONG -> "the token attached is longer than any licence token";
            case MALFORMED -> "the token attached is not a licence token";
            case UNSUPPORTED_VERSION -> "the token attached is of a licence format this kernel does not read";
            case UNREADABLE_PAYLOAD -> "the token attached does not carry a readable licence";
            case UNKNOWN_KEY -> "the token attached is signed with a key this kernel does not trust";
            case BAD_SIGNATURE -> "the token attached is not signed by the marketplace (its signature does not verify)";
        };
    }
}
