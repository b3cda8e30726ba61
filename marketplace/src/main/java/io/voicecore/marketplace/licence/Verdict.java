package io.voicecore.marketplace.licence;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link LicenceVerifier#verify(String)} says of a token. {@link Invalid} means the token is not an authentic,
 * readable licence; every other verdict carries the authentic licence and says where the verifier's clock stands
 * against its dates. With {@code now} the clock's instant and {@code grace} the verifier's grace period:
 *
 * <ul>
 *   <li>{@link NotYetStarted}: {@code now < startsAt};</li>
 *   <li>{@link Valid}: {@code startsAt <= now < expiresAt}, or {@code startsAt <= now} when it never expires;</li>
 *   <li>{@link InGrace}: {@code expiresAt <= now < expiresAt + grace};</li>
 *   <li>{@link Expired}: {@code expiresAt + grace <= now}.</li>
 * </ul>
 *
 * <p>A verdict does not say whether the licence is for the tenant and plugin at hand: the caller compares
 * {@link Licence#tenantId()} and {@link Licence#pluginId()} with its call.
 */
public sealed interface Verdict {

    /**
     * The licence is authentic and in force.
     *
     * @param licence the licence the token carries
     */
    record Valid(Licence licence) implements Verdict {
        /** Refuses a null licence; {@link NullPointerException} if so. */
        public Valid {
            Objects.requireNonNull(licence, "licence");
        }
    }

    /**
     * The licence is authentic and has expired, but the grace period has not run out: use may continue while the
     * tenant renews.
     *
     * @param licence      the licence the token carries
     * @param graceEndsAt  the instant from which the licence is {@link Expired}: its expiry plus the grace period
     */
    record InGrace(Licence licence, Instant graceEndsAt) implements Verdict {
        /** Refuses null arguments; {@link NullPointerException} if so. */
        public InGrace {
            Objects.requireNonNull(licence, "licence");
            Objects.requireNonNull(graceEndsAt, "graceEndsAt");
        }
    }

    /**
     * The licence is authentic, but it has expired and its grace period has run out.
     *
     * @param licence the licence the token carries
     */
    record Expired(Licence licence) implements Verdict {
        /** Refuses a null licence; {@link NullPointerException} if so. */
        public Expired {
            Objects.requireNonNull(licence, "licence");
        }
    }

    /**
     * The licence is authentic, but its start lies in the future. A verdict of its own rather than {@link Invalid},
     * because the token is genuine and the caller can say when it starts; it grants no use yet.
     *
     * @param licence the licence the token carries
     */
    record NotYetStarted(Licence licence) implements Verdict {
        /** Refuses a null licence; {@link NullPointerException} if so. */
        public NotYetStarted {
            Objects.requireNonNull(licence, "licence");
        }
    }

    /**
     * The token is not an authentic licence this verifier can read; it tells nothing about any licence.
     *
     * @param reason why
     */
    record Invalid(Reason reason) implements Verdict {
        /** Why a token is invalid. */
        public enum Reason {
            /** Longer than the verifier reads at all; refused before any decoding. */
            TOO_LONG,
            /** Null, empty, not three dot-separated parts, a part not canonical base64url, a signature of the wrong length. */
            MALFORMED,
            /** A version prefix other than {@code vcl1}, e.g. {@code vcl2}. */
            UNSUPPORTED_VERSION,
            /** The payload is not a licence's canonical JSON. */
            UNREADABLE_PAYLOAD,
            /** The payload names a key id the verifier does not trust. */
            UNKNOWN_KEY,
            /** The signature does not verify with the trusted key of that key id. */
            BAD_SIGNATURE
        }

        /** Refuses a null reason; {@link NullPointerException} if so. */
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
