package io.voicecore.marketplace.commerce;

import java.util.Map;
import java.util.Optional;

import io.voicecore.marketplace.MarketplaceRefusal;

/** Stripe if the operator configured it; otherwise a clear refusal of whatever needs it, while the rest works. */
public final class StripeGate {
    private final Optional<StripePayments> payments;

    public StripeGate(StripeSettings settings) {
        this.payments = settings.secretKey().map(key -> new StripePayments(settings));
    }

    /** @throws MarketplaceRefusal {@code payments-not-configured} (503) without a Stripe secret key */
    public StripePayments payments() {
        return payments.orElseThrow(() -> new MarketplaceRefusal(503, "payments-not-configured", "Payments unavailable",
                "Paid plans need Stripe, which this platform is not configured for (VOICECORE_STRIPE_SECRET_KEY); free plans and"
                + " trials work.", Map.of()));
    }
}
