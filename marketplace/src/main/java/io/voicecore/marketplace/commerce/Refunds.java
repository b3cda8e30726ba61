package io.voicecore.marketplace.commerce;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.installs.Installs;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.Money;

/**
 * Refunds of purchases, full or partial: a tenant admin within the refund window, the platform admin at any time. Stripe
 * refunds with an idempotency key derived from the refund; the ledger reverses the purchase's split proportionally. A
 * purchase refunded in full is uninstalled.
 */
public final class Refunds {
    private final Database database;
    private final Ledger ledger;
    private final StripeGate stripe;
    private final Installs installs;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration window;

    public Refunds(Database database, Ledger ledger, StripeGate stripe, Installs installs, AuditLog audit, Clock clock, Duration window) {
        this.database = database;
        this.ledger = ledger;
        this.stripe = stripe;
        this.installs = installs;
        this.audit = audit;
        this.clock = clock;
        this.window = window;
    }

    private record Paid(UUID tenantId, String pluginId, long amount, String currency, String paymentIntent, java.time.Instant completedAt,
                        long refunded) {
    }

    /**
     * Refunds {@code amount} (all that is left when empty) of a purchase.
     *
     * @throws MarketplaceRefusal {@code purchase-not-found}, {@code refund-window-closed} (403), {@code refund-too-large} (422),
     *                            {@code payment-unavailable} (503: repeat with the same Idempotency-Key)
     */
    public Map<String, Object> refund(UUID tenantId, UUID purchaseId, Optional<Long> amount, String idempotencyKey, Principal actor) {
        Paid paid = database.inTenant(tenantId, tx -> tx.get("SELECT p.tenant_id, p.plugin_id, p.amount, p.currency, p.payment_intent, "
                + "p.completed_at, coalesce((SELECT sum(r.amount) FROM marketplace.refunds r WHERE r.purchase_id = p.id AND "
                + "r.idempotency_key <> ?), 0) AS refunded FROM marketplace.purchases p WHERE p.id = ? AND p.tenant_id = ? "
                + "AND p.state = 'succeeded'", idempotencyKey, purchaseId, tenantId)
                .map(row -> new Paid(Database.uuid(row, "tenant_id"), Database.text(row, "plugin_id"), row.column("amount").get(Long.class),
                        Database.text(row, "currency"), Database.text(row, "payment_intent"), Database.instant(row, "completed_at"),
                        ((Number) row.column("refunded").get(Object.class)).longValue())))
                .orElseThrow(() -> Purchases.notFound(purchaseId));
        if (database.inPlatform(tx -> tx.get("SELECT 1 FROM marketplace.disputes WHERE purchase_id = ?", purchaseId).isPresent())) {
            throw MarketplaceRefusal.conflict("purchase-disputed", "The purchase is disputed with the card's bank: the dispute's"
                    + " outcome decides what is given back, not a refund.");
        }
        if (!actor.isPlatformAdmin() && paid.completedAt().plus(window).isBefore(clock.instant())) {
            throw MarketplaceRefusal.forbidden("refund-window-closed", "Purchases are refunded by the tenant within " + window.toDays()
                    + " days; this one was paid at " + paid.completedAt() + ". Ask the platform administrator.");
        }
        long left = paid.amount() - paid.refunded();
        long asked = amount.orElse(left);
        if (asked < 1 || asked > left) {
            throw MarketplaceRefusal.invalid("refund-too-large", "At most " + left + " (minor units of " + paid.currency()
                    + ") of this purchase is left to refund; asked " + asked + ".");
        }
        UUID refundId = database.inTenant(tenantId, tx -> {
            Optional<UUID> existing = tx.get("SELECT id FROM marketplace.refunds WHERE purchase_id = ? AND idempotency_key = ?",
                                             purchaseId, idempotencyKey).map(row -> Database.uuid(row, "id"));
            if (existing.isPresent()) {
                return existing.get();
            }
            UUID id = UUID.randomUUID();
            tx.dml("INSERT INTO marketplace.refunds (id, purchase_id, tenant_id, idempotency_key, amount, currency, state, created_by) "
                   + "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)", id, purchaseId, tenantId, idempotencyKey, asked, paid.currency(), actor.actorId());
            return id;
        });
        Map<String, Object> state = refundRow(tenantId, refundId);
        if ("succeeded".equals(state.get("state"))) {
            return state;
        }
        long refundAmount = ((Number) state.get("amount")).longValue();
        String stripeRefund;
        try {
            stripeRefund = stripe.payments().refund(paid.paymentIntent(), refundAmount, "vc-refund-" + refundId);
        } catch (IllegalStateException refused) {
            throw new MarketplaceRefusal(409, "refund-refused", "Refund refused", "Stripe refused the refund: " + refused.getMessage(),
                    Map.of("refund", refundId.toString()));
        } catch (StripePayments.Unavailable unavailable) {
            throw new MarketplaceRefusal(503, "payment-unavailable", "Refund unavailable", "Stripe did not answer; repeat the request"
                    + " with the same Idempotency-Key: it is refunded at most once.", Map.of("refund", refundId.toString()));
        }
        boolean whole = paid.refunded() + refundAmount == paid.amount();
        database.inPlatform(tx -> {
            ledger.refund(tx, refundId.toString(), purchaseId, Money.of(refundAmount, paid.currency()));
            tx.dml("UPDATE marketplace.refunds SET state = 'succeeded', stripe_refund = ? WHERE id = ? AND state = 'pending'", stripeRefund,
                   refundId);
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.refund", "purchase:" + purchaseId,
                    Map.of("amount", refundAmount, "currency", paid.currency(), "whole", whole)));
            return null;
        });
        if (whole) {
            try {
                installs.uninstall(tenantId, paid.pluginId(), actor);
            } catch (MarketplaceRefusal notInstalled) {
                // uninstalled by the tenant already
            }
        }
        return refundRow(tenantId, refundId);
    }

    private Map<String, Object> refundRow(UUID tenantId, UUID refundId) {
        return database.inTenant(tenantId, tx -> tx.get("SELECT id, purchase_id, amount, currency, state, stripe_refund, created_at "
                + "FROM marketplace.refunds WHERE id = ?", refundId).map(row -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("id", Database.uuid(row, "id"));
                    view.put("purchase", Database.uuid(row, "purchase_id"));
                    view.put("amount", row.column("amount").get(Long.class));
                    view.put("currency", Database.text(row, "currency"));
                    view.put("state", Database.text(row, "state"));
                    view.put("createdAt", Database.instant(row, "created_at"));
                    return view;
                }).orElseThrow());
    }
}
