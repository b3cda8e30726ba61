package io.voicecore.marketplace.commerce;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.usage.UsageMeter;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.installs.Installs;
import io.voicecore.marketplace.installs.LicenceIssuer;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.Money;
import io.voicecore.marketplace.ledger.Resale;

/**
 * Recurring plans after their purchase: each subscription renews at the end of its period by {@link #renewDue}, run by a
 * scheduled job, charging the Stripe customer its payment method was saved to. A renewal that is declined is tried again
 * on days {@link #DUNNING_DAYS} after the period's end, the tenant keeping the plugin meanwhile; after the last attempt
 * the subscription lapses and its licence runs into the marketplace's grace period. Per-seat plans change seats with
 * proration; usage plans are charged at the period's end for what the plugin metered, never more than the spend cap.
 *
 * <p>Every charge is a row of {@code marketplace.purchases}, written before Stripe is asked and charged with an
 * idempotency key derived from it, so a renewal repeated after a timeout or a crash charges once; the ledger, the new
 * licence and the subscription's new period are committed together.
 */
public final class Subscriptions {
    private static final Logger LOG = Logger.getLogger(Subscriptions.class.getName());
    /** Days after a period's end on which a declined renewal is tried again; after the last it lapses. */
    public static final List<Integer> DUNNING_DAYS = List.of(1, 3, 7);
    private static final Principal RENEWALS = new Principal("marketplace:renewals", Role.PLATFORM_ADMIN, Optional.empty(),
                                                            "marketplace:renewals", false);
    private static final String COLUMNS = "id, tenant_id, plugin_id, plan_id, publisher_id, kind, customer, payment_method, unit_amount, "
            + "currency, billing_interval, seats, meter, spend_cap, credit, carried, period_start, period_end, trial, state, cancel_at_period_end, "
            + "failed_attempts, next_attempt_at, created_at";

    /** One subscription as stored. */
    public record Subscription(UUID id, UUID tenantId, String pluginId, String planId, UUID publisherId, String kind, String customer,
                               String paymentMethod, long unitAmount, String currency, String interval, Integer seats, String meter,
                               Long spendCap, long credit, long carried, Instant periodStart, Instant periodEnd, boolean trial, String state,
                               boolean cancelAtPeriodEnd, int failedAttempts, Instant nextAttemptAt, Instant createdAt) {

        boolean live() {
            return state.equals("active") || state.equals("past-due");
        }

        Map<String, Long> usageLimits() {
            return Subscriptions.usageLimits(kind, meter, spendCap, unitAmount);
        }

        OptionalInt licensedSeats() {
            return seats == null ? OptionalInt.empty() : OptionalInt.of(seats);
        }

        public Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", id);
            view.put("listing", pluginId);
            view.put("plan", planId);
            view.put("kind", kind);
            view.put("state", state);
            view.put("amount", unitAmount);
            view.put("currency", currency);
            view.put("interval", interval);
            if (seats != null) {
                view.put("seats", seats);
            }
            if (meter != null) {
                view.put("meter", meter);
                view.put("spendCap", spendCap);
            }
            view.put("credit", credit);
            view.put("carried", carried);
            view.put("trial", trial);
            view.put("currentPeriodStart", periodStart);
            view.put("currentPeriodEnd", periodEnd);
            view.put("cancelAtPeriodEnd", cancelAtPeriodEnd);
            view.put("failedAttempts", failedAttempts);
            view.put("nextAttemptAt", nextAttemptAt);
            return view;
        }
    }

    /** What a purchase starts: the plan's terms, the saved payment method and the first period. */
    public record Start(UUID tenantId, String pluginId, String planId, UUID publisherId, String kind, StripePayments.Customer customer,
                        long unitAmount, String currency, String interval, Integer seats, String meter, Long spendCap,
                        Instant periodStart, Instant periodEnd, boolean trial) {
    }

    private final Database database;
    private final Installs installs;
    private final PluginRuntime plugins;
    private final LicenceIssuer issuer;
    private final Ledger ledger;
    private final StripeGate stripe;
    private final UsageMeter usage;
    private final AuditLog audit;
    private final Clock clock;

    public Subscriptions(Database database, Installs installs, PluginRuntime plugins, LicenceIssuer issuer, Ledger ledger, StripeGate stripe,
                         UsageMeter usage, AuditLog audit, Clock clock) {
        this.database = database;
        this.installs = installs;
        this.plugins = plugins;
        this.issuer = issuer;
        this.ledger = ledger;
        this.stripe = stripe;
        this.usage = usage;
        this.audit = audit;
        this.clock = clock;
    }

    /** The end of a period of {@code interval} ({@code month} or {@code year}) from {@code start}, in calendar terms. */
    public static Instant periodEnd(Instant start, String interval) {
        var utc = start.atOffset(ZoneOffset.UTC);
        return ("year".equals(interval) ? utc.plusYears(1) : utc.plusMonths(1)).toInstant();
    }

    /** Records a new subscription in the caller's transaction; answers its id. */
    public UUID start(DbExecute tx, Start start) {
        UUID id = UUID.randomUUID();
        tx.dml("INSERT INTO marketplace.subscriptions (id, tenant_id, plugin_id, plan_id, publisher_id, kind, customer, payment_method, "
               + "unit_amount, currency, billing_interval, seats, meter, spend_cap, period_start, period_end, trial, state) "
               + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')",
               id, start.tenantId(), start.pluginId(), start.planId(), start.publisherId(), start.kind(), start.customer().id(),
               start.customer().paymentMethod(), start.unitAmount(), start.currency(), start.interval(), start.seats(), start.meter(),
               start.spendCap(), Database.timestamp(start.periodStart()), Database.timestamp(start.periodEnd()), start.trial());
        return id;
    }

    /** The tenant's subscriptions, newest first. */
    public List<Map<String, Object>> list(UUID tenantId) {
        return database.inTenant(tenantId, tx -> Database.list(tx, Subscriptions::map, "SELECT " + COLUMNS
                + " FROM marketplace.subscriptions WHERE tenant_id = ? ORDER BY created_at DESC", tenantId))
                .stream().map(Subscription::view).toList();
    }

    /** One of the tenant's subscriptions, or 404. */
    public Subscription read(UUID tenantId, UUID subscriptionId) {
        return database.inTenant(tenantId, tx -> Database.first(tx, Subscriptions::map, "SELECT " + COLUMNS
                + " FROM marketplace.subscriptions WHERE id = ? AND tenant_id = ?", subscriptionId, tenantId))
                .orElseThrow(() -> notFound(subscriptionId));
    }

    /**
     * Renews every subscription whose period has ended (or whose next dunning attempt is due), each on its own; one that
     * Stripe cannot be reached for stays due and is renewed by a later run with the same idempotency key.
     *
     * @return how many were renewed, failed, lapsed or ended
     */
    public Map<String, Integer> renewDue() {
        Instant now = clock.instant();
        List<UUID> due = database.inPlatform(tx -> Database.list(tx, row -> Database.uuid(row, "id"),
                "SELECT id FROM marketplace.subscriptions WHERE (state = 'active' AND period_end <= ?) "
                + "OR (state = 'past-due' AND next_attempt_at <= ?) ORDER BY period_end", Database.timestamp(now), Database.timestamp(now)));
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (String outcome : List.of("renewed", "failed", "lapsed", "ended", "unavailable")) {
            outcomes.put(outcome, 0);
        }
        for (UUID id : due) {
            String outcome;
            try {
                outcome = renewIfDue(id);
            } catch (StripePayments.Unavailable | IllegalStateException stillFailing) {
                LOG.log(Level.WARNING, "Subscription " + id + " not renewed now; a later run renews it", stillFailing);
                outcome = "unavailable";
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        return outcomes;
    }

    /**
     * Renews one subscription if it is due, as {@link #renewDue} does for all.
     *
     * @return {@code renewed}, {@code failed} (declined, to be retried), {@code lapsed}, {@code ended} or {@code not-due}
     * @throws StripePayments.Unavailable when Stripe did not answer; a later run repeats it with the same idempotency key
     */
    public String renewIfDue(UUID subscriptionId) {
        Subscription sub = byId(subscriptionId).orElseThrow(() -> notFound(subscriptionId));
        Instant now = clock.instant();
        boolean due = sub.state().equals("active") ? !sub.periodEnd().isAfter(now)
                : sub.state().equals("past-due") && sub.nextAttemptAt() != null && !sub.nextAttemptAt().isAfter(now);
        if (!due) {
            return "not-due";
        }
        if (sub.cancelAtPeriodEnd() || installs.installedPlan(sub.tenantId(), sub.pluginId()).isEmpty()) {
            end(sub, "cancelled", sub.cancelAtPeriodEnd() ? "cancelled by the tenant" : "the plugin was uninstalled");
            return "ended";
        }
        String key = "renewal:" + sub.id() + ":" + sub.periodEnd().getEpochSecond() + ":" + sub.failedAttempts();
        Charge charge = chargeRow(sub, key, "renewal", () -> renewalAmount(sub));
        if (charge.state().equals("succeeded")) {
            return "renewed"; // recorded by an earlier run that stopped before it could say so
        }
        if (charge.amount() == 0) {
            advance(sub, charge, Optional.empty());
            return "renewed";
        }
        StripePayments.Charged charged;
        try {
            charged = stripe.payments().charge(charge.amount(), sub.currency(), Optional.of(sub.customer()), sub.paymentMethod(),
                                               "vc-purchase-" + charge.id(), Map.of("purchase", charge.id().toString(),
                                                       "subscription", sub.id().toString(), "tenant", sub.tenantId().toString(),
                                                       "plugin", sub.pluginId(), "plan", sub.planId()));
        } catch (StripePayments.Declined declined) {
            return declined(sub, charge, declined);
        }
        advance(sub, charge, Optional.of(charged));
        return "renewed";
    }

    /** A charge of a subscription, as a purchases row. */
    private record Charge(UUID id, long amount, long creditUsed, long carry, Long usageQuantity, String state) {
    }

    /**
     * What a charge of the subscription comes to: its gross (with what earlier periods carried), less the credit the
     * subscription holds. Less than Stripe's smallest charge is not charged but carried to the next renewal, as Stripe
     * Billing does.
     */
    private record Due(long gross, long creditUsed, Long usageQuantity) {
        long net() {
            return gross - creditUsed;
        }
    }

    private Due renewalAmount(Subscription sub) {
        long gross;
        Long quantity = null;
        if (sub.kind().equals("usage")) {
            if (sub.trial()) {
                gross = 0;
            } else {
                quantity = usage.totals(sub.tenantId(), sub.periodStart(), sub.periodEnd()).stream()
                        .filter(total -> total.pluginId().equals(sub.pluginId()) && total.meter().equals(sub.meter()))
                        .map(UsageMeter.Total::quantity).reduce(BigInteger.ZERO, BigInteger::add).longValueExact();
                gross = usageCharge(quantity, sub.unitAmount(), sub.spendCap());
            }
        } else {
            gross = Math.multiplyExact(sub.unitAmount(), sub.seats() == null ? 1 : sub.seats());
        }
        gross = Math.addExact(gross, sub.carried());
        long creditUsed = Math.min(sub.credit(), gross);
        return new Due(gross, creditUsed, quantity);
    }

    /** What a plan's licence allows of its meter: the spend cap in whole units; none without a cap, or for other kinds. */
    static Map<String, Long> usageLimits(String kind, String meter, Long spendCap, long unitAmount) {
        return kind.equals("usage") && spendCap != null ? Map.of(meter, spendCap / unitAmount) : Map.of();
    }

    /** A period's usage charge: units at the unit price, never more than the spend cap. */
    public static long usageCharge(long units, long unitAmount, Long spendCap) {
        BigInteger charge = BigInteger.valueOf(units).multiply(BigInteger.valueOf(unitAmount));
        if (spendCap != null) {
            charge = charge.min(BigInteger.valueOf(spendCap));
        }
        return charge.longValueExact();
    }

    /** The row of this charge: the one an earlier attempt wrote under the same key, or a new pending one. */
    private Charge chargeRow(Subscription sub, String key, String purpose, java.util.function.Supplier<Due> amount) {
        Optional<Charge> existing = database.inTenant(sub.tenantId(), tx -> tx.get("SELECT id, amount, usage_quantity, state, "
                + "(answer ->> 'creditUsed')::bigint AS credit_used, (answer ->> 'carried')::bigint AS carry FROM marketplace.purchases "
                + "WHERE tenant_id = ? AND idempotency_key = ?",
                sub.tenantId(), key).map(Subscriptions::charge));
        if (existing.isPresent()) {
            return existing.get();
        }
        Due due = amount.get();
        UUID id = UUID.randomUUID();
        long carry = due.net() > 0 && due.net() < StripePayments.minimumCharge(sub.currency()) ? due.net() : 0;
        long charged = due.net() - carry;
        database.inTenant(sub.tenantId(), tx -> tx.dml("INSERT INTO marketplace.purchases (id, tenant_id, plugin_id, plan_id, "
                + "publisher_id, idempotency_key, request_sha256, seats, payment_method, granted, amount, currency, state, created_by, "
                + "purpose, subscription_id, customer, saved_method, usage_quantity, answer) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?::json)",
                id, sub.tenantId(), sub.pluginId(), sub.planId(), sub.publisherId(), key, key, sub.seats(), sub.paymentMethod(),
                charged, sub.currency(), RENEWALS.actorId(), purpose, sub.id(), sub.customer(), sub.paymentMethod(), due.usageQuantity(),
                Json.writeString(Map.of("creditUsed", due.creditUsed(), "carried", carry))));
        return new Charge(id, charged, due.creditUsed(), carry, due.usageQuantity(), "pending");
    }

    private static Charge charge(DbRow row) {
        Long credit = row.column("credit_used").get(Long.class);
        Long carry = row.column("carry").get(Long.class);
        return new Charge(Database.uuid(row, "id"), row.column("amount").get(Long.class), credit == null ? 0 : credit, carry == null ? 0 : carry,
                          row.column("usage_quantity").get(Long.class), Database.text(row, "state"));
    }

    /** The renewal is paid (or cost nothing): the ledger, the next period and its licence, together. */
    private void advance(Subscription sub, Charge charge, Optional<StripePayments.Charged> charged) {
        Instant start = sub.periodEnd();
        Instant end = periodEnd(start, sub.interval());
        LicenceIssuer.Issued licence = issuer.issue(sub.tenantId(), sub.pluginId(), sub.planId(), false, sub.licensedSeats(),
                                                    sub.usageLimits(), start, end);
        database.inPlatform(tx -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("subscription", sub.id());
            answer.put("amount", charge.amount());
            answer.put("currency", sub.currency());
            answer.put("creditUsed", charge.creditUsed());
            answer.put("carried", charge.carry());
            answer.put("periodStart", start);
            answer.put("periodEnd", end);
            if (charged.isPresent()) {
                var money = ledger.purchase(tx, charge.id(), sub.publisherId(), Money.of(charge.amount(), sub.currency()),
                                            Money.of(charged.get().fee(), sub.currency()), resale(tx, sub, charge.amount()));
                answer.put("split", money.posting().split().orElseThrow().view());
            }
            ChargeRows.paid(tx, charge.id(), charged, false, licence.licence().licenceId(), answer, clock.instant());
            long updated = tx.dml("UPDATE marketplace.subscriptions SET period_start = ?, period_end = ?, trial = false, state = 'active', "
                   + "failed_attempts = 0, next_attempt_at = NULL, credit = credit - ?, carried = ? WHERE id = ? AND period_end = ? "
                   + "AND state IN ('active', 'past-due')", Database.timestamp(start), Database.timestamp(end), charge.creditUsed(),
                   charge.carry(), sub.id(), Database.timestamp(sub.periodEnd()));
            if (updated != 1) {
                throw new IllegalStateException("subscription " + sub.id() + " changed while it was renewed; the next run sees it");
            }
            installs.relicense(tx, licence, RENEWALS, sub.trial() ? "marketplace.subscription.convert" : "marketplace.subscription.renew",
                    Map.of("subscription", sub.id().toString(), "amount", charge.amount(), "currency", sub.currency(), "periodEnd", end.toString()));
            return null;
        });
        plugins.enablement().attachLicence(sub.tenantId(), sub.pluginId(), licence.token(), RENEWALS);
    }

    /**
     * A declined renewal: tried again on the next dunning day, the tenant keeping the plugin until the last one; after it
     * the subscription lapses and the licence, which ends with the last attempt, runs into the grace period.
     */
    private String declined(Subscription sub, Charge charge, StripePayments.Declined declined) {
        int attempts = sub.failedAttempts() + 1;
        boolean lapses = attempts > DUNNING_DAYS.size();
        Instant lastAttempt = sub.periodEnd().plus(Duration.ofDays(DUNNING_DAYS.getLast()));
        Optional<LicenceIssuer.Issued> dunningLicence = attempts == 1
                ? Optional.of(issuer.issue(sub.tenantId(), sub.pluginId(), sub.planId(), false, sub.licensedSeats(), sub.usageLimits(),
                                           sub.periodEnd(), lastAttempt))
                : Optional.empty();
        database.inPlatform(tx -> {
            ChargeRows.declined(tx, charge.id(), ChargeRows.declinedProblem(declined.code(), charge.id(), "The renewal was declined ("
                    + declined.code() + ")."), clock.instant());
            if (lapses) {
                tx.dml("UPDATE marketplace.subscriptions SET state = 'lapsed', failed_attempts = ?, next_attempt_at = NULL, ended_at = ? "
                       + "WHERE id = ?", attempts, Database.timestamp(clock.instant()), sub.id());
            } else {
                tx.dml("UPDATE marketplace.subscriptions SET state = 'past-due', failed_attempts = ?, next_attempt_at = ? WHERE id = ?",
                       attempts, Database.timestamp(sub.periodEnd().plus(Duration.ofDays(DUNNING_DAYS.get(attempts - 1)))), sub.id());
            }
            dunningLicence.ifPresent(licence -> installs.relicense(tx, licence, RENEWALS, "marketplace.subscription.past-due",
                    Map.of("subscription", sub.id().toString(), "until", lastAttempt.toString())));
            audit.append(tx, new AuditEvent(sub.tenantId(), RENEWALS.actorId(), "marketplace.subscription.renewal", "subscription:" + sub.id(),
                    "failed", Map.of("declineCode", declined.code(), "attempt", attempts, "lapsed", lapses)));
            return null;
        });
        dunningLicence.ifPresent(licence -> plugins.enablement().attachLicence(sub.tenantId(), sub.pluginId(), licence.token(), RENEWALS));
        return lapses ? "lapsed" : "failed";
    }

    private void end(Subscription sub, String state, String why) {
        database.inPlatform(tx -> {
            tx.dml("UPDATE marketplace.subscriptions SET state = ?, next_attempt_at = NULL, ended_at = ? WHERE id = ?", state,
                   Database.timestamp(clock.instant()), sub.id());
            audit.append(tx, AuditEvent.success(sub.tenantId(), RENEWALS.actorId(), "marketplace.subscription.end", "subscription:" + sub.id(),
                    Map.of("state", state, "why", why)));
            return null;
        });
    }

    /**
     * Cancels at the period's end: the licence serves until then and nothing more is charged. A subscription whose
     * renewal is being retried ends at once.
     */
    public Map<String, Object> cancel(UUID tenantId, UUID subscriptionId, Principal actor) {
        Subscription sub = live(tenantId, subscriptionId);
        database.inTenant(tenantId, tx -> {
            if (sub.state().equals("past-due")) {
                tx.dml("UPDATE marketplace.subscriptions SET state = 'cancelled', next_attempt_at = NULL, cancel_at_period_end = true, "
                       + "ended_at = ? WHERE id = ?", Database.timestamp(clock.instant()), sub.id());
            } else {
                tx.dml("UPDATE marketplace.subscriptions SET cancel_at_period_end = true WHERE id = ?", sub.id());
            }
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.subscription.cancel", "subscription:" + sub.id(),
                    Map.of("endsAt", sub.periodEnd().toString())));
            return null;
        });
        return read(tenantId, subscriptionId).view();
    }

    /**
     * Saves another payment method for the renewals; a subscription whose renewal is being retried is tried again at
     * once with it.
     */
    public Map<String, Object> changePaymentMethod(UUID tenantId, UUID subscriptionId, String paymentMethod, Principal actor) {
        Subscription sub = live(tenantId, subscriptionId);
        String saved;
        try {
            saved = stripe.payments().attach(sub.customer(), paymentMethod);
        } catch (StripePayments.Declined declined) {
            throw new MarketplaceRefusal(402, "payment-declined", "Payment method declined", "Stripe declined the payment method ("
                    + declined.code() + "); the subscription keeps its current one.", Map.of("declineCode", declined.code()));
        }
        database.inTenant(tenantId, tx -> {
            tx.dml("UPDATE marketplace.subscriptions SET payment_method = ? WHERE id = ?", saved, sub.id());
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.subscription.payment-method", "subscription:" + sub.id(),
                    Map.of()));
            return null;
        });
        if (sub.state().equals("past-due")) {
            database.inTenant(tenantId, tx -> tx.dml("UPDATE marketplace.subscriptions SET next_attempt_at = ? WHERE id = ?",
                    Database.timestamp(clock.instant()), sub.id()));
            renewIfDue(sub.id());
        }
        return read(tenantId, subscriptionId).view();
    }

    /**
     * Changes a per-seat subscription's seats. Added seats are charged at once for what is left of the period (rounded
     * down to the minor unit); removed seats leave a credit for what is left of the period, taken off the next
     * renewals. The licence carries the new seats at once. The request's {@code Idempotency-Key} makes a repeat answer
     * the same and charge once.
     *
     * @throws MarketplaceRefusal {@code subscription-not-found}, {@code seats-not-priced}, {@code seats-invalid},
     *                            {@code idempotency-key-reused}, {@code payment-unavailable} (503)
     */
    public SeatChange changeSeats(UUID tenantId, UUID subscriptionId, int seats, String idempotencyKey, Principal actor) {
        Optional<SeatChange> earlier = database.inTenant(tenantId, tx -> tx.get("SELECT seats_to, answer_status, answer::text AS answer "
                + "FROM marketplace.seat_changes WHERE subscription_id = ? AND idempotency_key = ?", subscriptionId, idempotencyKey)
                .flatMap(row -> {
                    if (row.column("seats_to").get(Integer.class) != seats) {
                        throw MarketplaceRefusal.invalid("idempotency-key-reused", "The Idempotency-Key '" + idempotencyKey + "' was used"
                                + " for another seat change; use a new key for a new request.");
                    }
                    Integer status = row.column("answer_status").get(Integer.class);
                    return status == null ? Optional.empty() : Optional.of(new SeatChange(status, readJson(Database.text(row, "answer"))));
                }));
        if (earlier.isPresent()) {
            return earlier.get();
        }
        Subscription sub = live(tenantId, subscriptionId);
        if (!sub.kind().equals("per-seat")) {
            throw MarketplaceRefusal.invalid("seats-not-priced", "Only a per-seat subscription changes seats; this one is " + sub.kind() + ".");
        }
        if (seats < 1 || seats > 100_000) {
            throw MarketplaceRefusal.invalid("seats-invalid", "seats must be a whole number from 1 to 100000.");
        }
        Instant now = clock.instant();
        long remaining = Math.max(0, Duration.between(now, sub.periodEnd()).toSeconds());
        long length = Duration.between(sub.periodStart(), sub.periodEnd()).toSeconds();
        int delta = seats - sub.seats();
        long prorated = sub.trial() ? 0 : prorate(sub.unitAmount(), Math.abs(delta), remaining, length);
        long added = delta > 0 ? prorated : 0;
        // Less than Stripe's smallest charge is carried to the next renewal instead.
        long carry = added < StripePayments.minimumCharge(sub.currency()) ? added : 0;
        // What an earlier attempt with this key worked out (and may have charged) holds, not what the clock says now.
        long[] terms = database.inTenant(tenantId, tx -> {
            tx.dml("INSERT INTO marketplace.seat_changes (subscription_id, tenant_id, idempotency_key, seats_from, seats_to, charged, "
                   + "credited, carried) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", sub.id(), tenantId, idempotencyKey,
                   sub.seats(), seats, added - carry, delta < 0 ? prorated : 0, carry);
            return tx.get("SELECT charged, credited, carried FROM marketplace.seat_changes WHERE subscription_id = ? AND idempotency_key = ?",
                          sub.id(), idempotencyKey).map(row -> new long[] {row.column("charged").get(Long.class),
                    row.column("credited").get(Long.class), row.column("carried").get(Long.class)}).orElseThrow();
        });
        long charged = terms[0];
        long credited = terms[1];
        long carried = terms[2];
        String key = "seats:" + sub.id() + ":" + idempotencyKey;
        Optional<StripePayments.Charged> payment = Optional.empty();
        Charge charge = null;
        if (charged > 0) {
            charge = chargeRow(sub, key, "seats", () -> new Due(charged, 0, null));
            if (!charge.state().equals("succeeded")) {
                try {
                    payment = Optional.of(stripe.payments().charge(charge.amount(), sub.currency(), Optional.of(sub.customer()),
                            sub.paymentMethod(), "vc-purchase-" + charge.id(), Map.of("purchase", charge.id().toString(),
                                    "subscription", sub.id().toString(), "seats", String.valueOf(seats))));
                } catch (StripePayments.Declined declined) {
                    Map<String, Object> problem = ChargeRows.declinedProblem(declined.code(), charge.id(), "Adding seats was declined (" + declined.code()
                            + "): the subscription keeps " + sub.seats() + " seats.");
                    UUID chargeId = charge.id();
                    database.inTenant(tenantId, tx -> {
                        ChargeRows.declined(tx, chargeId, problem, clock.instant());
                        tx.dml("UPDATE marketplace.seat_changes SET answer_status = 402, answer = ?::json, purchase_id = ? "
                               + "WHERE subscription_id = ? AND idempotency_key = ?", Json.writeString(problem), chargeId, sub.id(), idempotencyKey);
                        return null;
                    });
                    return new SeatChange(402, Json.MAPPER.valueToTree(problem));
                }
            }
        }
        LicenceIssuer.Issued licence = issuer.issue(tenantId, sub.pluginId(), sub.planId(), sub.trial(), OptionalInt.of(seats),
                                                    sub.usageLimits(), sub.periodStart(), sub.periodEnd());
        Charge paidCharge = charge;
        Optional<StripePayments.Charged> paid = payment;
        Map<String, Object> answer = database.inPlatform(tx -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("subscription", sub.id());
            body.put("seatsFrom", sub.seats());
            body.put("seats", seats);
            body.put("charged", charged);
            body.put("carried", carried);
            body.put("credited", credited);
            body.put("currency", sub.currency());
            if (paidCharge != null) {
                body.put("purchase", paidCharge.id());
                if (paid.isPresent()) {
                    var money = ledger.purchase(tx, paidCharge.id(), sub.publisherId(), Money.of(charged, sub.currency()),
                                                Money.of(paid.get().fee(), sub.currency()), resale(tx, sub, charged));
                    body.put("split", money.posting().split().orElseThrow().view());
                    ChargeRows.paid(tx, paidCharge.id(), paid, false, licence.licence().licenceId(), body, clock.instant());
                }
            }
            tx.dml("UPDATE marketplace.subscriptions SET seats = ?, credit = credit + ?, carried = carried + ? WHERE id = ?", seats, credited,
                   carried, sub.id());
            installs.relicense(tx, licence, actor, "marketplace.subscription.seats", Map.of("subscription", sub.id().toString(),
                    "from", sub.seats(), "to", seats, "charged", charged, "credited", credited));
            tx.dml("UPDATE marketplace.seat_changes SET answer_status = 200, answer = ?::json, purchase_id = ? "
                   + "WHERE subscription_id = ? AND idempotency_key = ?", Json.writeString(body), paidCharge == null ? null : paidCharge.id(),
                   sub.id(), idempotencyKey);
            return body;
        });
        plugins.enablement().attachLicence(tenantId, sub.pluginId(), licence.token(), actor);
        return new SeatChange(200, Json.MAPPER.valueToTree(answer));
    }

    private static JsonNode readJson(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored seat change answer is not JSON", e);
        }
    }

    /** The answer to a seat change, kept so a repeat gets the same. */
    public record SeatChange(int status, JsonNode body) {
    }

    /**
     * What {@code seats} seats cost for {@code remaining} of a period of {@code length} seconds: rounded down to the
     * minor unit, so the tenant never pays for time it does not get.
     */
    public static long prorate(long unitAmount, long seats, long remaining, long length) {
        if (length <= 0 || remaining <= 0 || seats == 0) {
            return 0;
        }
        return BigInteger.valueOf(unitAmount).multiply(BigInteger.valueOf(seats)).multiply(BigInteger.valueOf(Math.min(remaining, length)))
                .divide(BigInteger.valueOf(length)).longValueExact();
    }

    /** Renewals due now, for the platform admin (the scheduled job does the same every minute). */
    public Map<String, Integer> renewNow(Principal actor) {
        Actors.requirePlatformAdmin(actor, "run renewals");
        return renewDue();
    }

    private Subscription live(UUID tenantId, UUID subscriptionId) {
        Subscription sub = read(tenantId, subscriptionId);
        if (!sub.live()) {
            throw MarketplaceRefusal.conflict("subscription-ended", "The subscription is " + sub.state() + "; buy the plan again to"
                    + " subscribe anew.");
        }
        return sub;
    }

    static MarketplaceRefusal notFound(UUID id) {
        return MarketplaceRefusal.notFound("subscription-not-found", "No subscription " + id + " of this tenant.");
    }

    /**
     * For a subscription a reseller's sub-tenant bought at retail, the resale of a charge of {@code charged}: its
     * wholesale in proportion to the retail ({@link Resale#wholesaleOf}). Renewals, trials converting, usage months and
     * added seats alike.
     */
    private static Optional<Resale> resale(DbExecute tx, Subscription sub, long charged) {
        return tx.get("SELECT reseller_id, wholesale_unit_amount FROM marketplace.subscriptions WHERE id = ? AND reseller_id IS NOT NULL",
                      sub.id()).map(row -> new Resale(Database.uuid(row, "reseller_id"), Money.of(Resale.wholesaleOf(charged,
                              sub.unitAmount(), row.column("wholesale_unit_amount").get(Long.class)), sub.currency())));
    }

    Optional<Subscription> byId(UUID id) {
        return database.inPlatform(tx -> Database.first(tx, Subscriptions::map, "SELECT " + COLUMNS
                + " FROM marketplace.subscriptions WHERE id = ?", id));
    }

    private static Subscription map(DbRow row) {
        return new Subscription(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"), Database.text(row, "plugin_id"),
                Database.text(row, "plan_id"), Database.uuid(row, "publisher_id"), Database.text(row, "kind"), Database.text(row, "customer"),
                Database.text(row, "payment_method"), row.column("unit_amount").get(Long.class), Database.text(row, "currency"),
                Database.text(row, "billing_interval"), row.column("seats").get(Integer.class), Database.text(row, "meter"),
                row.column("spend_cap").get(Long.class), row.column("credit").get(Long.class), row.column("carried").get(Long.class),
                Database.instant(row, "period_start"),
                Database.instant(row, "period_end"), row.column("trial").get(Boolean.class), Database.text(row, "state"),
                row.column("cancel_at_period_end").get(Boolean.class), row.column("failed_attempts").get(Integer.class),
                Database.instant(row, "next_attempt_at"), Database.instant(row, "created_at"));
    }
}
