package io.voicecore.marketplace.commerce;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.installs.Installs;
import io.voicecore.marketplace.installs.LicenceIssuer;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.LedgerTransaction;
import io.voicecore.marketplace.ledger.Money;
import io.voicecore.marketplace.ledger.Resale;
import io.voicecore.marketplace.listings.Listing;
import io.voicecore.marketplace.listings.ListingRoutes;
import io.voicecore.marketplace.listings.Listings;

/**
 * A tenant admin buys a paid plan: the attempt is recorded, Stripe charges the payment method (with an idempotency key
 * derived from the purchase, so a repeat charges once), and then, in one transaction, the ledger records the money and
 * its split and the install gets its licence. The request's {@code Idempotency-Key} makes a repeat (a retry, a double
 * click) answer what the first answered; after a timeout or a crash between Stripe's answer and our commit, repeating the
 * request completes the same purchase.
 */
public final class Purchases {
    private static final String COLUMNS = "id, tenant_id, plugin_id, plan_id, publisher_id, request_sha256, seats, amount, currency, state, "
            + "payment_intent, charge, fee, answer_status, answer::text AS answer, created_at, purpose, customer, saved_method, reseller_id, wholesale";

    /** What a purchase request asks for. */
    public record Request(String listing, String plan, String paymentMethod, Set<String> grantedPermissions, Optional<Integer> seats) {
        String sha256(UUID tenantId) {
            return Sha256.hex(Json.writeString(List.of(tenantId.toString(), listing, plan, paymentMethod,
                                                       new TreeSet<>(grantedPermissions), seats.map(String::valueOf).orElse(""))));
        }
    }

    /** The answer to a purchase request: its status and body, kept so a repeat gets the same. */
    public record Answer(int status, JsonNode body) {
    }

    private record Row(UUID id, UUID tenantId, String pluginId, String planId, UUID publisherId, String requestSha256, Integer seats,
                       long amount, String currency, String state, String paymentIntent, String charge, Long fee, Integer answerStatus,
                       JsonNode answer, Instant createdAt, String purpose, String customer, String savedMethod, UUID resellerId, Long wholesale) {
        boolean converts() {
            return purpose.equals("conversion");
        }
    }

    private final Database database;
    private final Listings listings;
    private final Installs installs;
    private final PluginRuntime plugins;
    private final LicenceIssuer issuer;
    private final Ledger ledger;
    private final StripeGate stripe;
    private final Subscriptions subscriptions;
    private final ResalePrices resale;
    private final AuditLog audit;
    private final Clock clock;

    public Purchases(Database database, Listings listings, Installs installs, PluginRuntime plugins, LicenceIssuer issuer, Ledger ledger,
                     StripeGate stripe, Subscriptions subscriptions, ResalePrices resale, AuditLog audit, Clock clock) {
        this.database = database;
        this.listings = listings;
        this.installs = installs;
        this.plugins = plugins;
        this.issuer = issuer;
        this.ledger = ledger;
        this.stripe = stripe;
        this.subscriptions = subscriptions;
        this.resale = resale;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Buys a plan for a tenant.
     *
     * @throws MarketplaceRefusal {@code idempotency-key-reused} (422) for the same key with another request;
     *                            {@code payment-unavailable} (503) when Stripe did not answer (repeat the request);
     *                            refusals of the listing, plan, consent or install
     */
    public Answer purchase(UUID tenantId, String idempotencyKey, Request request, Principal actor) {
        String sha = request.sha256(tenantId);
        Optional<Row> earlier = byKey(tenantId, idempotencyKey);
        if (earlier.isPresent()) {
            Row row = earlier.get();
            if (!row.requestSha256().equals(sha)) {
                throw MarketplaceRefusal.invalid("idempotency-key-reused", "The Idempotency-Key '" + idempotencyKey + "' was used for"
                        + " another purchase request; use a new key for a new request.");
            }
            if (row.answerStatus() != null) {
                reattachIfMissing(row);
                return new Answer(row.answerStatus(), row.answer());
            }
            return complete(row, request, actor);
        }
        Listing listing = listings.get(request.listing()).orElseThrow(() -> ListingRoutes.notFound(request.listing()));
        Map<String, Object> plan = listing.plan(request.plan()).orElseThrow(() -> MarketplaceRefusal.invalid("plan-unknown", "'"
                + listing.id() + "' has no plan '" + request.plan() + "'; its plans are "
                + listing.plans().stream().map(p -> p.get("id")).toList() + "."));
        if (plan.get("amount") == null) {
            throw MarketplaceRefusal.invalid("plan-not-paid", "The plan '" + request.plan() + "' is not paid: install it with POST"
                    + " /api/v1/tenants/{tenant}/marketplace/installs.");
        }
        String kind = (String) plan.get("kind");
        int seats = request.seats().orElse(1);
        if (!kind.equals("per-seat") && request.seats().isPresent()) {
            throw MarketplaceRefusal.invalid("seats-not-priced", "Only a per-seat plan is bought by the seat.");
        }
        if (seats < 1 || seats > 100_000) {
            throw MarketplaceRefusal.invalid("seats-invalid", "seats must be a whole number from 1 to 100000.");
        }
        // A tenant on a trial plan buys a paid plan to convert: the install stays, its licence becomes the paid one.
        boolean converts = installs.installedPlan(tenantId, listing.id()).flatMap(listing::plan)
                .map(installed -> "trial".equals(installed.get("kind"))).orElse(false);
        if (!converts) {
            installs.requireNotInstalled(tenantId, listing.id());
        }
        installs.installableVersion(listing.id());
        // A usage plan is charged at the end of each month for what was metered; a plan with a trial at its end.
        // A reseller's sub-tenant pays the retail price its bundle sets; the wholesale of what it pays is kept with the charge.
        Optional<ResalePrices.Resold> resold = resale.resold(tenantId, listing.id(), request.plan());
        long unitPrice = resold.map(ResalePrices.Resold::retailUnit).orElse(((Number) plan.get("amount")).longValue());
        long amount = kind.equals("usage") ? 0 : Math.multiplyExact(unitPrice, seats);
        Long wholesale = resold.map(r -> kind.equals("usage") ? 0 : Math.multiplyExact(r.wholesaleUnit(), seats)).orElse(null);
        // Consent first: grants that are not exactly the declared permissions are refused before anything is charged. A
        // listed plugin serves nobody without a licence, so enabling it before it is paid for gives nothing away.
        plugins.enablement().enable(tenantId, listing.id(), request.grantedPermissions(), actor);
        UUID id = UUID.randomUUID();
        try {
            database.inTenant(tenantId, tx -> tx.dml("INSERT INTO marketplace.purchases (id, tenant_id, plugin_id, plan_id, publisher_id, "
                    + "idempotency_key, request_sha256, seats, payment_method, granted, amount, currency, state, created_by, purpose, "
                    + "reseller_id, wholesale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?::uuid, ?)",
                    id, tenantId, listing.id(), request.plan(), listing.publisher().id(), idempotencyKey, sha,
                    kind.equals("per-seat") ? seats : null, request.paymentMethod(), String.join(",", new TreeSet<>(request.grantedPermissions())),
                    amount, plan.get("currency"), actor.actorId(), converts ? "conversion" : "purchase",
                    resold.map(r -> r.resellerId().toString()).orElse(null), wholesale));
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                // The same key raced in: answer as a repeat would.
                return purchase(tenantId, idempotencyKey, request, actor);
            }
            throw e;
        }
        return complete(byId(id).orElseThrow(), request, actor);
    }

    /**
     * Completes the purchases a stopped node left pending (Stripe may have charged them before our commit): each is
     * charged again with its own idempotency key, which Stripe answers with the first answer, and recorded. Nothing is
     * charged twice and nothing paid for is lost, whether or not the tenant repeats its request.
     *
     * @return how many it completed
     */
    public int resumePending(java.time.Duration olderThan) {
        record Pending(UUID id, Request request, String actor) {
        }
        List<Pending> pending = database.inPlatform(tx -> Database.list(tx, row -> new Pending(Database.uuid(row, "id"),
                new Request(Database.text(row, "plugin_id"), Database.text(row, "plan_id"), Database.text(row, "payment_method"),
                            Database.text(row, "granted").isEmpty() ? Set.of() : Set.of(Database.text(row, "granted").split(",")),
                            Optional.ofNullable(row.column("seats").get(Integer.class))), Database.text(row, "created_by")),
                "SELECT id, plugin_id, plan_id, payment_method, granted, seats, created_by FROM marketplace.purchases "
                + "WHERE state = 'pending' AND purpose IN ('purchase', 'conversion') AND created_at <= ? ORDER BY created_at", Database.timestamp(clock.instant().minus(olderThan))));
        int completed = 0;
        for (Pending purchase : pending) {
            try {
                complete(byId(purchase.id()).orElseThrow(), purchase.request(), new Principal(purchase.actor(),
                        io.voicecore.kernel.access.Role.TENANT_ADMIN, Optional.empty(), purchase.actor(), false));
                completed++;
            } catch (RuntimeException stillFailing) {
                java.util.logging.Logger.getLogger(Purchases.class.getName()).log(java.util.logging.Level.WARNING,
                        "Purchase " + purchase.id() + " is still pending; the next attempt completes it", stillFailing);
            }
        }
        return completed;
    }

    /** A paid plan's terms, as the listing has them now. */
    private record Terms(String kind, String interval, Integer trialDays, String meter, Long spendCap, long unitAmount) {
        boolean recurring() {
            return kind.equals("subscription") || kind.equals("per-seat") || kind.equals("usage");
        }

        /** Whether nothing is charged at purchase: a usage plan is charged for each month at its end, a trial at the trial's end. */
        boolean deferred() {
            return kind.equals("usage") || trialDays != null;
        }
    }

    private Terms terms(Row row) {
        Map<String, Object> plan = listings.get(row.pluginId()).flatMap(l -> l.plan(row.planId())).orElseThrow(() ->
                MarketplaceRefusal.invalid("plan-unknown", "'" + row.pluginId() + "' no longer has the plan '" + row.planId() + "'."));
        return new Terms((String) plan.get("kind"), (String) plan.get("interval"), plan.get("trialDays") == null ? null : ((Number) plan.get("trialDays")).intValue(), (String) plan.get("meter"),
                         plan.get("spendCap") == null ? null : ((Number) plan.get("spendCap")).longValue(), ((Number) plan.get("amount")).longValue());
    }

    /** Charges (again, with the same Stripe idempotency keys, so at most once) and records the outcome. */
    private Answer complete(Row row, Request request, Principal actor) {
        Terms terms = terms(row);
        try {
            Optional<StripePayments.Customer> customer = terms.recurring() ? Optional.of(savedCustomer(row, request)) : Optional.empty();
            if (terms.deferred()) {
                return record(row, terms, customer, Optional.empty(), request, actor);
            }
            StripePayments.Charged charged = stripe.payments().charge(row.amount(), row.currency(), customer.map(StripePayments.Customer::id),
                    customer.map(StripePayments.Customer::paymentMethod).orElse(request.paymentMethod()), "vc-purchase-" + row.id(),
                    Map.of("purchase", row.id().toString(), "tenant", row.tenantId().toString(), "plugin", row.pluginId(), "plan", row.planId()));
            return record(row, terms, customer, Optional.of(charged), request, actor);
        } catch (StripePayments.Declined declined) {
            return declined(row, declined, actor);
        } catch (IllegalStateException refused) {
            // Stripe refused the request itself (not the card): repeating it cannot help, so the attempt ends here.
            return declined(row, new StripePayments.Declined("stripe_refused", refused.getMessage()), actor);
        } catch (StripePayments.Unavailable unavailable) {
            throw new MarketplaceRefusal(503, "payment-unavailable", "Payment unavailable", "The payment could not be completed now: "
                    + "Stripe did not answer. Repeat the request with the same Idempotency-Key; it is charged at most once.",
                    Map.of("purchase", row.id().toString()));
        }
    }

    /** The Stripe customer a recurring plan's payment method is saved to, made once per purchase. */
    private StripePayments.Customer savedCustomer(Row row, Request request) {
        if (row.customer() != null) {
            return new StripePayments.Customer(row.customer(), row.savedMethod());
        }
        StripePayments.Customer customer = stripe.payments().saveCustomer(request.paymentMethod(), "VoiceCore tenant " + row.tenantId(),
                "vc-customer-" + row.id(), Map.of("tenant", row.tenantId().toString(), "purchase", row.id().toString()));
        database.inTenant(row.tenantId(), tx -> tx.dml("UPDATE marketplace.purchases SET customer = ?, saved_method = ? WHERE id = ?",
                customer.id(), customer.paymentMethod(), row.id()));
        return customer;
    }

    private Answer declined(Row row, StripePayments.Declined declined, Principal actor) {
        Map<String, Object> problem = ChargeRows.declinedProblem(declined.code(), row.id(), "The card was declined (" + declined.code()
                + "): nothing was charged and no licence issued. Try another payment method with a new Idempotency-Key.");
        database.inTenant(row.tenantId(), tx -> {
            ChargeRows.declined(tx, row.id(), problem, clock.instant());
            audit.append(tx, new AuditEvent(row.tenantId(), actor.actorId(), "marketplace.purchase", "purchase:" + row.id(), "failed",
                    Map.of("plugin", row.pluginId(), "plan", row.planId(), "declineCode", declined.code())));
            return null;
        });
        // Consent was given for this purchase only: a declined purchase leaves the plugin as it was, not enabled (a
        // trial being converted stays as it was too).
        if (!row.converts()) {
            try {
                plugins.enablement().disable(row.tenantId(), row.pluginId(), actor);
            } catch (io.voicecore.kernel.plugins.PluginRefusal notEnabled) {
                // disabled meanwhile
            }
        }
        return byId(row.id()).map(r -> new Answer(r.answerStatus(), r.answer())).orElseThrow();
    }

    /**
     * The charge went through (or nothing is charged yet): the ledger, the subscription, the licence and the install are
     * recorded together, then the licence attached.
     */
    private Answer record(Row row, Terms terms, Optional<StripePayments.Customer> customer, Optional<StripePayments.Charged> charged,
                          Request request, Principal actor) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        OptionalInt seats = row.seats() == null ? OptionalInt.empty() : OptionalInt.of(row.seats());
        Optional<Instant> periodEnd = !terms.recurring() ? Optional.empty() : Optional.of(terms.trialDays() != null
                ? now.plus(Duration.ofDays(terms.trialDays())) : Subscriptions.periodEnd(now, terms.interval()));
        // A subscription bought at retail renews at retail, each charge carrying the wholesale in proportion.
        Optional<ResalePrices.Resold> resold = row.resellerId() == null ? Optional.empty()
                : resale.resold(row.tenantId(), row.pluginId(), row.planId());
        long unitAmount = resold.map(ResalePrices.Resold::retailUnit).orElse(terms.unitAmount());
        Map<String, Long> limits = Subscriptions.usageLimits(terms.kind(), terms.meter(), terms.spendCap(), unitAmount);
        boolean trial = terms.trialDays() != null;
        LicenceIssuer.Issued licence = periodEnd.isPresent()
                ? issuer.issue(row.tenantId(), row.pluginId(), row.planId(), trial, seats, limits, now, periodEnd.get())
                : issuer.issue(row.tenantId(), row.pluginId(), row.planId(), false, seats, Optional.empty());
        PluginManifest version = installs.installableVersion(row.pluginId());
        Answer answer = database.inPlatform(tx -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", row.id());
            body.put("listing", row.pluginId());
            body.put("plan", row.planId());
            body.put("amount", row.amount());
            body.put("currency", row.currency());
            if (row.seats() != null) {
                body.put("seats", row.seats());
            }
            body.put("license", licence.token());
            Map<String, Object> licenceTerms = new LinkedHashMap<>();
            licenceTerms.put("id", licence.licence().licenceId());
            licenceTerms.put("startsAt", licence.licence().startsAt());
            licenceTerms.put("expiresAt", licence.licence().expiresAt().orElse(null));
            licenceTerms.put("trial", trial);
            if (!limits.isEmpty()) {
                licenceTerms.put("usageLimits", limits);
            }
            body.put("licence", licenceTerms);
            if (charged.isPresent()) {
                Optional<Resale> sold = row.resellerId() == null ? Optional.empty()
                        : Optional.of(new Resale(row.resellerId(), Money.of(Math.min(row.wholesale(), row.amount()), row.currency())));
                LedgerTransaction money = ledger.purchase(tx, row.id(), row.publisherId(), Money.of(row.amount(), row.currency()),
                                                          Money.of(charged.get().fee(), row.currency()), sold);
                body.put("split", money.posting().split().orElseThrow().view());
                body.put("paymentIntent", charged.get().paymentIntentId());
            } else {
                body.put("split", null);
            }
            if (customer.isPresent()) {
                UUID subscription = subscriptions.start(tx, new Subscriptions.Start(row.tenantId(), row.pluginId(), row.planId(),
                        row.publisherId(), terms.kind(), customer.get(), unitAmount, row.currency(), terms.interval(), row.seats(),
                        terms.meter(), terms.spendCap(), now, periodEnd.orElseThrow(), trial));
                resold.ifPresent(r -> tx.dml("UPDATE marketplace.subscriptions SET reseller_id = ?, wholesale_unit_amount = ? WHERE id = ?",
                                             r.resellerId(), r.wholesaleUnit(), subscription));
                body.put("subscription", subscription);
                body.put("nextChargeAt", periodEnd.get());
            }
            if (row.converts()) {
                installs.relicense(tx, licence, actor, "marketplace.trial.convert", Map.of("plan", row.planId()));
            } else {
                installs.recordInstall(tx, row.tenantId(), row.pluginId(), row.planId(), licence, version.version(),
                                       request.grantedPermissions(), actor);
            }
            ChargeRows.paid(tx, row.id(), charged, charged.isEmpty(), licence.licence().licenceId(), body, clock.instant());
            audit.append(tx, AuditEvent.success(row.tenantId(), actor.actorId(), "marketplace.purchase", "purchase:" + row.id(),
                    Map.of("plugin", row.pluginId(), "plan", row.planId(), "amount", row.amount(), "currency", row.currency())));
            return new Answer(201, Json.MAPPER.valueToTree(body));
        });
        plugins.enablement().attachLicence(row.tenantId(), row.pluginId(), licence.token(), actor);
        return answer;
    }

    /** After a crash between our commit and the attach, the tenant's enablement may lack the licence it bought. */
    private void reattachIfMissing(Row row) {
        if (row.answerStatus() != 201) {
            return;
        }
        String token = row.answer().path("license").asText();
        boolean attached = plugins.enablement().tenantPlugin(row.tenantId(), row.pluginId())
                .flatMap(tenant -> tenant.licenceToken()).map(token::equals).orElse(false);
        if (!attached) {
            plugins.enablement().attachLicence(row.tenantId(), row.pluginId(), token, new Principal("marketplace:purchase",
                    io.voicecore.kernel.access.Role.PLATFORM_ADMIN, Optional.empty(), "marketplace:purchase", false));
        }
    }

    /** A purchase of the tenant, or 404. */
    public Map<String, Object> read(UUID tenantId, UUID purchaseId) {
        Row row = byId(purchaseId).filter(r -> r.tenantId().equals(tenantId)).orElseThrow(() -> notFound(purchaseId));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", row.id());
        view.put("listing", row.pluginId());
        view.put("plan", row.planId());
        view.put("amount", row.amount());
        view.put("currency", row.currency());
        view.put("state", row.state());
        view.put("purpose", row.purpose());
        view.put("paymentIntent", row.paymentIntent());
        view.put("charge", row.charge());
        view.put("createdAt", row.createdAt());
        return view;
    }

    static MarketplaceRefusal notFound(UUID id) {
        return MarketplaceRefusal.notFound("purchase-not-found", "No purchase " + id + " of this tenant.");
    }

    private Optional<Row> byKey(UUID tenantId, String key) {
        return database.inTenant(tenantId, tx -> Database.first(tx, Purchases::map, "SELECT " + COLUMNS
                + " FROM marketplace.purchases WHERE tenant_id = ? AND idempotency_key = ?", tenantId, key));
    }

    Optional<Row> byId(UUID id) {
        return database.inPlatform(tx -> Database.first(tx, Purchases::map, "SELECT " + COLUMNS + " FROM marketplace.purchases WHERE id = ?", id));
    }

    private static Row map(DbRow row) {
        String answer = Database.text(row, "answer");
        try {
            return new Row(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"), Database.text(row, "plugin_id"),
                    Database.text(row, "plan_id"), Database.uuid(row, "publisher_id"), Database.text(row, "request_sha256"),
                    row.column("seats").get(Integer.class), row.column("amount").get(Long.class), Database.text(row, "currency"),
                    Database.text(row, "state"), Database.text(row, "payment_intent"), Database.text(row, "charge"),
                    row.column("fee").get(Long.class), row.column("answer_status").get(Integer.class),
                    answer == null ? null : Json.MAPPER.readTree(answer), Database.instant(row, "created_at"), Database.text(row, "purpose"),
                    Database.text(row, "customer"), Database.text(row, "saved_method"), Database.uuid(row, "reseller_id"),
                    row.column("wholesale").get(Long.class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored purchase answer is not JSON", e);
        }
    }
}
