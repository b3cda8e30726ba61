package io.voicecore.kernel.plugins.licence;

import java.util.Objects;
import java.util.Optional;

import io.voicecore.sdk.Licence;

/**
 * Where a tenant's licence of a plugin stands for one call, as a {@link LicenceGate} judged it: whether the call is
 * served, the licence view plugin code reads ({@code PluginContext.licence()}), and a detail for the tenant admin.
 *
 * <p>The view's {@link Licence#inGrace()} always agrees with the kind: the constructor sets it for
 * {@link Kind#IN_GRACE} and clears it otherwise.
 *
 * @param kind    where it stands
 * @param licence the view plugin code gets; empty when the plugin runs unlicensed, and for every refused standing
 * @param detail  what the standing means for the tenant, e.g. {@code "the licence expired at 2027-12-01T00:00:00Z"}:
 *                a refusal quotes it to the caller, so it names no secret (never the token)
 */
public record LicenceStanding(Kind kind, Optional<Licence> licence, String detail) {

    /** Where a licence stands: {@link #SERVING} and {@link #IN_GRACE} serve, the others refuse. */
    public enum Kind {
        /** Licensed and in force, or no licence needed. */
        SERVING,
        /** Expired, but inside the grace period: served while the tenant renews. */
        IN_GRACE,
        /** Expired and past the grace period. */
        EXPIRED,
        /** A token that is not an authentic licence of this tenant and plugin, or not yet in force. */
        INVALID,
        /** No token, for a plugin that needs a licence. */
        REQUIRED;

        /** Whether a call with this standing is served. */
        public boolean serves() {
            return this == SERVING || this == IN_GRACE;
        }
    }

    private static final LicenceStanding UNLICENSED = new LicenceStanding(Kind.SERVING, Optional.empty(), "runs without a licence");

    /**
     * Checks the components and aligns the view's {@link Licence#inGrace()} with the kind.
     *
     * @throws NullPointerException     when a component is null
     * @throws IllegalArgumentException when an {@link Kind#IN_GRACE} standing has no licence, a refused one carries
     *                                  a licence, or a refused one has a blank detail
     */
    public LicenceStanding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(licence, "licence");
        Objects.requireNonNull(detail, "detail");
        if (kind == Kind.IN_GRACE && licence.isEmpty()) {
            throw new IllegalArgumentException("a standing in grace carries the licence it serves");
        }
        if (!kind.serves() && licence.isPresent()) {
            throw new IllegalArgumentException("a refused standing (" + kind + ") gives plugin code no licence");
        }
        if (!kind.serves() && detail.isBlank()) {
            throw new IllegalArgumentException("a refused standing (" + kind + ") says why");
        }
        boolean inGrace = kind == Kind.IN_GRACE;
        licence = licence.map(view -> view.inGrace() == inGrace ? view : new Licence(view.plan(), view.seats(), view.usageLimits(),
                view.startsAt(), view.expiresAt(), view.trial(), inGrace));
    }

    /** Served with no licence: a plugin that needs none (installed outside the marketplace). */
    public static LicenceStanding unlicensed() {
        return UNLICENSED;
    }

    /** Served under a licence in force. */
    public static LicenceStanding serving(Licence licence) {
        return new LicenceStanding(Kind.SERVING, Optional.of(licence), "licensed on plan " + licence.plan());
    }

    /**
     * Served under an expired licence inside its grace period.
     *
     * @param detail e.g. when the licence expired and when its grace period ends
     */
    public static LicenceStanding inGrace(Licence licence, String detail) {
        return new LicenceStanding(Kind.IN_GRACE, Optional.of(licence), detail);
    }

    /**
     * Refused.
     *
     * @param kind   {@link Kind#EXPIRED}, {@link Kind#INVALID} or {@link Kind#REQUIRED}
     * @param detail why, for the tenant admin, e.g. {@code "the licence expired at 2027-12-01T00:00:00Z"}
     * @throws IllegalArgumentException when {@code kind} serves
     */
    public static LicenceStanding refused(Kind kind, String detail) {
        if (Objects.requireNonNull(kind, "kind").serves()) {
            throw new IllegalArgumentException(kind + " is not a refusal");
        }
        return new LicenceStanding(kind, Optional.empty(), detail);
    }

    /** Whether a call with this standing is served. */
    public boolean serves() {
        return kind.serves();
    }
}
