package io.voicecore.marketplace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.http.ApiException;

/**
 * Something the marketplace refuses to do, with what the caller can do about it. The marketplace's services throw it
 * and know nothing of HTTP; {@link #problemFor} turns it into the problem+json the API answers with (registered as the
 * marketplace extension's problem mapper).
 */
public final class MarketplaceRefusal extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions;

    /**
     * @param status     the HTTP status of the problem
     * @param type       the problem type's last segment, e.g. {@code signature-refused}
     * @param detail     what is wrong and how to fix it; never a secret
     * @param extensions further members of the problem body, e.g. the reason code
     */
    public MarketplaceRefusal(int status, String type, String title, String detail, Map<String, ?> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public static MarketplaceRefusal notFound(String type, String detail) {
        return new MarketplaceRefusal(404, type, "Not found", detail, Map.of());
    }

    public static MarketplaceRefusal forbidden(String type, String detail) {
        return new MarketplaceRefusal(403, type, "Forbidden", detail, Map.of());
    }

    public static MarketplaceRefusal conflict(String type, String detail) {
        return new MarketplaceRefusal(409, type, "Conflict", detail, Map.of());
    }

    public static MarketplaceRefusal invalid(String type, String detail) {
        return new MarketplaceRefusal(422, type, "Unprocessable request", detail, Map.of());
    }

    public int status() {
        return status;
    }

    /** The problem type's last segment. */
    public String type() {
        return type;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    /** The problem for a marketplace refusal; empty for anything else. */
    public static Optional<ApiException> problemFor(Throwable failure, String requestId) {
        if (failure instanceof io.voicecore.marketplace.commerce.StripePayments.Unavailable) {
            // Wherever Stripe was not reached (connecting a payout account, saving a card, changing seats), the caller may repeat.
            return Optional.of(new ApiException.Custom("urn:voicecore:problem:payment-unavailable", 503, "Payment unavailable",
                    "Stripe could not be reached now. Repeat the request (with the same Idempotency-Key where it has one); nothing"
                    + " is done twice.", Map.of()));
        }
        return failure instanceof MarketplaceRefusal refusal
                ? Optional.of(new ApiException.Custom("urn:voicecore:problem:" + refusal.type, refusal.status, refusal.title,
                                                      refusal.getMessage(), refusal.extensions))
                : Optional.empty();
    }
}
