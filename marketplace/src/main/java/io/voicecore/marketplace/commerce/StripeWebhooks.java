package io.voicecore.marketplace.commerce;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.net.Webhook;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.Money;

/**
 * Stripe's events: verified with stripe-java's {@link Webhook#constructEvent} (the signature over timestamp and body with
 * the webhook secret, at most 300 s old), each processed once by its id. A dispute opened on a charge reverses that
 * purchase's split in the ledger, as a refund does.
 */
public final class StripeWebhooks {
    private static final Logger LOG = Logger.getLogger(StripeWebhooks.class.getName());
    /** How old an event's signature may be: Stripe's own default, against replays. */
    public static final long TOLERANCE_SECONDS = 300;

    private final Database database;
    private final Ledger ledger;
    private final Optional<String> secret;
    private final AuditLog audit;
    private final Clock clock;

    public StripeWebhooks(Database database, Ledger ledger, Optional<String> secret, AuditLog audit, Clock clock) {
        this.database = database;
        this.ledger = ledger;
        this.secret = secret;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Handles one delivery.
     *
     * @return whether the event was new (false: processed before, nothing done)
     * @throws MarketplaceRefusal {@code webhook-signature-invalid} (400) for an unsigned, altered or stale event;
     *                            {@code webhooks-not-configured} (503)
     */
    public boolean receive(String payload, Optional<String> signature) {
        String key = secret.orElseThrow(() -> new MarketplaceRefusal(503, "webhooks-not-configured", "Webhooks not configured",
                "This platform has no Stripe webhook secret (VOICECORE_STRIPE_WEBHOOK_SECRET).", Map.of()));
        Event event;
        try {
            event = Webhook.constructEvent(payload, signature.orElse(""), key, TOLERANCE_SECONDS, clock);
        } catch (SignatureVerificationException refused) {
            throw new MarketplaceRefusal(400, "webhook-signature-invalid", "Signature invalid", "The event's Stripe-Signature does not"
                    + " verify: " + refused.getMessage(), Map.of());
        } catch (RuntimeException unreadable) {
            throw new MarketplaceRefusal(400, "webhook-payload-invalid", "Payload invalid", "The event is not a Stripe event.", Map.of());
        }
        return database.inPlatform(tx -> {
            if (tx.dml("INSERT INTO marketplace.stripe_events (id, type) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", event.getId(),
                       event.getType()) == 0) {
                return false;
            }
            if ("charge.dispute.created".equals(event.getType())) {
                Optional<StripeObject> object = event.getDataObjectDeserializer().getObject();
                Dispute dispute = (Dispute) object.orElseGet(() -> {
                    try {
                        return event.getDataObjectDeserializer().deserializeUnsafe();
                    } catch (com.stripe.exception.EventDataObjectDeserializationException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Optional<Map.Entry<UUID, String>> purchase = tx.get("SELECT id, currency FROM marketplace.purchases WHERE charge = ? AND "
                        + "state = 'succeeded'", dispute.getCharge()).map(row -> Map.entry(Database.uuid(row, "id"),
                        Database.text(row, "currency")));
                if (purchase.isEmpty()) {
                    LOG.warning("Stripe dispute " + dispute.getId() + " is on charge " + dispute.getCharge() + ", which is no purchase here");
                    return true;
                }
                tx.dml("INSERT INTO marketplace.disputes (id, purchase_id, amount, currency) VALUES (?, ?, ?, ?)", dispute.getId(),
                       purchase.get().getKey(), dispute.getAmount(), purchase.get().getValue());
                ledger.dispute(tx, dispute.getId(), purchase.get().getKey(), Money.of(dispute.getAmount(), purchase.get().getValue()));
                audit.append(tx, AuditEvent.success(null, "stripe", "marketplace.dispute", "purchase:" + purchase.get().getKey(),
                        Map.of("dispute", dispute.getId(), "amount", dispute.getAmount())));
            }
            return true;
        });
    }
}
