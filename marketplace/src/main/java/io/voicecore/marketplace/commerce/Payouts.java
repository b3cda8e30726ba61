package io.voicecore.marketplace.commerce;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.Money;
import io.voicecore.marketplace.publishers.Publisher;

/**
 * Payouts to publishers and resellers through Stripe Connect. A run first releases purchases past the holding period
 * (pending to available, the developer's part and a reseller's), then pays each connected publisher's and reseller's
 * available balance per currency above the minimum. Each payout is
 * written before Stripe is asked and carries the transfer's idempotency key, so a run repeated after a crash at any step
 * finishes the payout in flight instead of paying again.
 */
public final class Payouts {
    private static final Logger LOG = Logger.getLogger(Payouts.class.getName());

    private final Database database;
    private final Ledger ledger;
    private final StripeGate stripe;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration hold;
    private final long minimum;

    /**
     * @param hold    how long a purchase's developer share stays pending before it can be paid (refunds and disputes)
     * @param minimum the smallest payout, in minor units
     */
    public Payouts(Database database, Ledger ledger, StripeGate stripe, AuditLog audit, Clock clock, Duration hold, long minimum) {
        this.database = database;
        this.ledger = ledger;
        this.stripe = stripe;
        this.audit = audit;
        this.clock = clock;
        this.hold = hold;
        this.minimum = minimum;
    }

    /** Connects a publisher to a new Stripe Connect account (once; later calls answer the same account). */
    public Map<String, Object> connect(Publisher publisher, Principal actor) {
        return connect("publisher", publisher.id(), publisher.email(), "vc-account-" + publisher.id(), actor);
    }

    /** Connects a reseller to a new Stripe Connect account (once; later calls answer the same account). */
    public Map<String, Object> connectReseller(UUID resellerId, Optional<String> email, Principal actor) {
        return connect("reseller", resellerId, email.orElse(null), "vc-account-reseller-" + resellerId, actor);
    }

    /**
     * The payee's Connect account, made once: {@code payee} is {@code publisher} or {@code reseller}, whose table
     * ({@code marketplace.<payee>s}) keeps the account and whose audit action names it.
     */
    private Map<String, Object> connect(String payee, UUID id, String email, String idempotencyKey, Principal actor) {
        String table = "marketplace." + payee + "s";
        String existing = database.inPlatform(tx -> tx.get("SELECT stripe_account FROM " + table + " WHERE id = ?", id)
                .map(row -> Database.text(row, "stripe_account")).orElse(null));
        String account = existing != null ? existing : stripe.payments().createAccount(email, idempotencyKey);
        if (existing == null) {
            database.inPlatform(tx -> {
                tx.dml("UPDATE " + table + " SET stripe_account = ? WHERE id = ? AND stripe_account IS NULL", account, id);
                audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace." + payee + ".connect", payee + ":" + id,
                                                    Map.of("account", account)));
                return null;
            });
        }
        return Map.of("account", account, "connected", true);
    }

    /** One payout run: releases what is due, then pays. Answers what it paid. */
    public Map<String, Object> run(Principal actor) {
        Actors.requirePlatformAdmin(actor, "run payouts");
        int released = releaseDue(clock.instant().minus(hold));
        List<Map<String, Object>> paid = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        // Payouts a crashed run left in flight first, with their own idempotency keys; then new ones.
        List<UUID> pending = database.inPlatform(tx -> Database.list(tx, row -> Database.uuid(row, "id"),
                "SELECT id FROM marketplace.payouts WHERE state = 'pending' ORDER BY created_at"));
        for (UUID payout : pending) {
            pay(payout, actor, paid, failed);
        }
        record Due(UUID publisherId, UUID resellerId, String account, String currency, long available) {
        }
        List<Due> due = new ArrayList<>();
        database.inPlatform(tx -> Database.list(tx, row -> Map.entry(Database.uuid(row, "id"), Database.text(row, "stripe_account")),
                "SELECT id, stripe_account FROM marketplace.publishers WHERE stripe_account IS NOT NULL ORDER BY id"))
                .forEach(publisher -> ledger.balances(publisher.getKey()).balances().forEach(balance -> {
                    if (balance.available() >= minimum) {
                        due.add(new Due(publisher.getKey(), null, publisher.getValue(), balance.currency().getCurrencyCode(), balance.available()));
                    }
                }));
        database.inPlatform(tx -> Database.list(tx, row -> Map.entry(Database.uuid(row, "id"), Database.text(row, "stripe_account")),
                "SELECT id, stripe_account FROM marketplace.resellers WHERE stripe_account IS NOT NULL ORDER BY id"))
                .forEach(reseller -> ledger.resellerBalances(reseller.getKey()).balances().forEach(balance -> {
                    if (balance.available() >= minimum) {
                        due.add(new Due(null, reseller.getKey(), reseller.getValue(), balance.currency().getCurrencyCode(), balance.available()));
                    }
                }));
        for (Due d : due) {
            UUID id = UUID.randomUUID();
            boolean created = database.inPlatform(tx -> {
                try {
                    tx.dml("INSERT INTO marketplace.payouts (id, publisher_id, reseller_id, amount, currency, destination, state) "
                           + "VALUES (?, ?::uuid, ?::uuid, ?, ?, ?, 'pending')", id, text(d.publisherId()), text(d.resellerId()),
                           d.available(), d.currency(), d.account());
                    return true;
                } catch (RuntimeException inFlight) {
                    if (Database.isUniqueViolation(inFlight)) {
                        return false; // another run has one in flight for this payee and currency
                    }
                    throw inFlight;
                }
            });
            if (created) {
                pay(id, actor, paid, failed);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("released", released);
        result.put("paid", paid);
        result.put("failed", failed);
        return result;
    }

    /**
     * Makes available the developer's share of each purchase whose holding period ended by {@code cutoff}: its share less
     * what refunds and disputes took back, never more than the publisher still has pending. Each purchase is released
     * once (its release is recorded under an id derived from the purchase).
     *
     * @return how many purchases were released
     */
    int releaseDue(java.time.Instant cutoff) {
        record DuePurchase(UUID id, UUID publisherId, String currency) {
        }
        List<DuePurchase> due = database.inPlatform(tx -> Database.list(tx, row -> new DuePurchase(Database.uuid(row, "id"),
                Database.uuid(row, "publisher_id"), Database.text(row, "currency")),
                "SELECT id, publisher_id, currency FROM marketplace.purchases WHERE state = 'succeeded' AND released_at IS NULL "
                + "AND completed_at <= ? ORDER BY completed_at", Database.timestamp(cutoff)));
        for (DuePurchase purchase : due) {
            database.inPlatform(tx -> {
                long share = ledger.developerShareLeft(tx, purchase.id());
                Money pending = ledger.balances(tx, purchase.publisherId()).in(Money.currency(purchase.currency())).pendingMoney();
                long release = Math.min(share, pending.amount());
                if (release > 0) {
                    ledger.release(tx, UUID.nameUUIDFromBytes(("release:" + purchase.id()).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                   purchase.publisherId(), Money.of(release, purchase.currency()));
                }
                ledger.resellerShareLeft(tx, purchase.id()).ifPresent(margin -> {
                    Money held = ledger.resellerBalances(tx, margin.getKey()).in(Money.currency(purchase.currency())).pendingMoney();
                    long releaseMargin = Math.min(margin.getValue(), held.amount());
                    if (releaseMargin > 0) {
                        ledger.resellerRelease(tx, UUID.nameUUIDFromBytes(("reseller-release:" + purchase.id())
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), margin.getKey(), Money.of(releaseMargin, purchase.currency()));
                    }
                });
                tx.dml("UPDATE marketplace.purchases SET released_at = ? WHERE id = ?", Database.timestamp(clock.instant()), purchase.id());
                return null;
            });
        }
        return due.size();
    }

    private void pay(UUID payoutId, Principal actor, List<Map<String, Object>> paid, List<Map<String, Object>> failed) {
        Map<String, Object> payout = database.inPlatform(tx -> tx.get("SELECT id, publisher_id, reseller_id, amount, currency, destination "
                + "FROM marketplace.payouts WHERE id = ? AND state = 'pending'", payoutId).map(row -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("id", Database.uuid(row, "id"));
                    UUID reseller = Database.uuid(row, "reseller_id");
                    if (reseller == null) {
                        view.put("publisher", Database.uuid(row, "publisher_id"));
                    } else {
                        view.put("reseller", reseller);
                    }
                    view.put("amount", row.column("amount").get(Long.class));
                    view.put("currency", Database.text(row, "currency"));
                    view.put("destination", Database.text(row, "destination"));
                    return view;
                }).orElse(null));
        if (payout == null) {
            return;
        }
        long amount = (Long) payout.get("amount");
        String currency = (String) payout.get("currency");
        UUID publisherId = (UUID) payout.get("publisher");
        UUID resellerId = (UUID) payout.get("reseller");
        String payee = publisherId != null ? "publisher" : "reseller";
        String payeeId = String.valueOf(publisherId != null ? publisherId : resellerId);
        String transfer;
        try {
            transfer = stripe.payments().transfer(amount, currency, (String) payout.get("destination"), "vc-payout-" + payoutId,
                                                  Map.of("payout", payoutId.toString(), payee, payeeId));
        } catch (StripePayments.Unavailable | MarketplaceRefusal | IllegalStateException failure) {
            LOG.warning("Payout " + payoutId + " not transferred now; the next run finishes it: " + failure.getMessage());
            Map<String, Object> why = new LinkedHashMap<>(payout);
            why.put("reason", failure.getMessage());
            failed.add(why);
            return;
        }
        database.inPlatform(tx -> {
            if (publisherId != null) {
                ledger.payout(tx, payoutId, publisherId, Money.of(amount, currency));
            } else {
                ledger.resellerPayout(tx, payoutId, resellerId, Money.of(amount, currency));
            }
            tx.dml("UPDATE marketplace.payouts SET state = 'paid', stripe_transfer = ?, paid_at = ? WHERE id = ? AND state = 'pending'",
                   transfer, Database.timestamp(clock.instant()), payoutId);
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.payout", "payout:" + payoutId,
                    Map.of(payee, payeeId, "amount", amount, "currency", currency, "transfer", transfer)));
            return null;
        });
        Map<String, Object> done = new LinkedHashMap<>(payout);
        done.put("transfer", transfer);
        paid.add(done);
    }

    private static String text(UUID id) {
        return id == null ? null : id.toString();
    }
}
