package io.voicecore.marketplace.commerce;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.ledger.RevenueShare;
import io.voicecore.marketplace.listings.Listing;
import io.voicecore.marketplace.listings.Listings;

/**
 * Wholesale and retail: the platform sells a listing's plan to a reseller at its price less the reseller's wholesale
 * discount (set by the platform admin, {@value #DEFAULT_DISCOUNT_BPS} basis points unless set); the reseller sets the
 * retail price its sub-tenants of a bundle pay, in the plan's currency and at least the wholesale.
 */
public final class ResalePrices {
    /** 20 %: what a reseller earns on a plan sold at its list price when the platform admin set no other discount. */
    public static final int DEFAULT_DISCOUNT_BPS = 2_000;

    /** One retail price of a bundle, as asked for. */
    public record Retail(String listing, String plan, long amount, String currency) {
    }

    /**
     * How a tenant's charge for a plan is priced when a reseller owns it and its bundle prices the plan.
     *
     * @param retailUnit    what the sub-tenant pays per period, seat and period, or metered unit
     * @param wholesaleUnit what the platform sells the same at to the reseller, at most {@code retailUnit}
     */
    public record Resold(UUID resellerId, UUID bundleId, long retailUnit, long wholesaleUnit) {
    }

    private final Database database;
    private final Listings listings;
    private final AuditLog audit;
    private final Clock clock;

    public ResalePrices(Database database, Listings listings, AuditLog audit, Clock clock) {
        this.database = database;
        this.listings = listings;
        this.audit = audit;
        this.clock = clock;
    }

    /** {@code price − floor(price × discountBps / 10000)}: the discount rounds down, so the wholesale never falls below cost. */
    public static long wholesale(long price, int discountBps) {
        return price - (price / RevenueShare.WHOLE * discountBps + price % RevenueShare.WHOLE * discountBps / RevenueShare.WHOLE);
    }

    public int discount(UUID resellerId) {
        return database.inPlatform(tx -> discount(tx, resellerId));
    }

    private static int discount(DbExecute tx, UUID resellerId) {
        return tx.get("SELECT discount_bps FROM marketplace.reseller_wholesale_discounts WHERE reseller_id = ?", resellerId)
                 .map(row -> row.column("discount_bps").get(Integer.class)).orElse(DEFAULT_DISCOUNT_BPS);
    }

    /**
     * Sets the reseller's wholesale discount for its future charges (platform admin). Retail prices set before stay;
     * a charge whose retail is below the new wholesale gives the reseller nothing (its wholesale is capped at the retail).
     */
    public Map<String, Object> setDiscount(UUID resellerId, int discountBps, Principal admin) {
        Actors.requirePlatformAdmin(admin, "set a reseller's wholesale discount");
        if (discountBps < 0 || discountBps > RevenueShare.WHOLE) {
            throw new IllegalArgumentException("a discount is 0 to 10000 basis points, not " + discountBps);
        }
        return database.inPlatform(tx -> {
            int before = discount(tx, resellerId);
            tx.dml("INSERT INTO marketplace.reseller_wholesale_discounts (reseller_id, discount_bps, set_by, set_at) VALUES (?, ?, ?, ?) "
                   + "ON CONFLICT (reseller_id) DO UPDATE SET discount_bps = EXCLUDED.discount_bps, set_by = EXCLUDED.set_by, "
                   + "set_at = EXCLUDED.set_at", resellerId, discountBps, admin.actorId(), Database.timestamp(clock.instant()));
            audit.append(tx, AuditEvent.success(null, admin.actorId(), "marketplace.reseller.wholesale-discount.set", "reseller:" + resellerId,
                                                Map.of("bps", discountBps, "previousBps", before)));
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("reseller", resellerId.toString());
            view.put("bps", discountBps);
            return view;
        });
    }

    /**
     * Replaces the retail prices of the reseller's bundle. Every entry names a paid plan of a listed plugin, in the
     * plan's currency, at least its wholesale; otherwise 422 naming every bad entry and nothing is written.
     *
     * @throws MarketplaceRefusal {@code bundle-not-found} (404) for a bundle that is not the reseller's
     */
    public Map<String, Object> setRetail(UUID resellerId, UUID bundleId, List<Retail> prices, Principal actor) {
        requireBundle(resellerId, bundleId);
        int discount = discount(resellerId);
        List<ApiException.FieldError> errors = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < prices.size(); i++) {
            Retail retail = prices.get(i);
            String at = "prices[" + i + "]";
            if (!seen.add(retail.listing() + "\u0000" + retail.plan())) {
                errors.add(new ApiException.FieldError(at, "prices " + retail.listing() + "/" + retail.plan() + " twice"));
                continue;
            }
            Optional<Listing> listing = listings.get(retail.listing());
            Optional<Map<String, Object>> plan = listing.flatMap(l -> l.plan(retail.plan()));
            if (listing.isEmpty()) {
                errors.add(new ApiException.FieldError(at + ".listing", "no listing '" + retail.listing() + "'"));
            } else if (plan.isEmpty()) {
                errors.add(new ApiException.FieldError(at + ".plan", "'" + retail.listing() + "' has no plan '" + retail.plan() + "'"));
            } else if (plan.get().get("amount") == null) {
                errors.add(new ApiException.FieldError(at + ".plan", "the plan '" + retail.plan() + "' of '" + retail.listing()
                        + "' is not paid; only paid plans have a retail price"));
            } else {
                String currency = (String) plan.get().get("currency");
                long wholesale = wholesale(((Number) plan.get().get("amount")).longValue(), discount);
                if (!currency.equals(retail.currency())) {
                    errors.add(new ApiException.FieldError(at + ".currency", retail.listing() + "/" + retail.plan() + " is priced in "
                            + currency + "; its retail price is in " + currency + " too, not " + retail.currency()));
                } else if (retail.amount() < wholesale) {
                    errors.add(new ApiException.FieldError(at + ".amount", retail.listing() + "/" + retail.plan() + " costs the reseller "
                            + wholesale + " " + currency + " wholesale; its retail price is at least that, not " + retail.amount()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException.Validation(errors);
        }
        database.inPlatform(tx -> {
            tx.dml("DELETE FROM marketplace.reseller_prices WHERE bundle_id = ?", bundleId);
            for (Retail retail : prices) {
                tx.dml("INSERT INTO marketplace.reseller_prices (bundle_id, plugin_id, plan_id, amount, currency, set_by, set_at) "
                       + "VALUES (?, ?, ?, ?, ?, ?, ?)", bundleId, retail.listing(), retail.plan(), retail.amount(), retail.currency(),
                       actor.actorId(), Database.timestamp(clock.instant()));
            }
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.reseller.prices.set", "bundle:" + bundleId,
                    Map.of("reseller", resellerId.toString(), "prices", prices.size())));
            return null;
        });
        return prices(resellerId, bundleId);
    }

    /**
     * The bundle's prices side by side: {@code {"bundle", "discountBps", "prices": [{"listing", "plan", "currency",
     * "listPrice", "wholesale", "retail", "margin"}]}}, minor units.
     */
    public Map<String, Object> prices(UUID resellerId, UUID bundleId) {
        requireBundle(resellerId, bundleId);
        int discount = discount(resellerId);
        record Stored(String listing, String plan, long amount, String currency) {
        }
        List<Stored> stored = database.inPlatform(tx -> Database.list(tx, row -> new Stored(Database.text(row, "plugin_id"),
                Database.text(row, "plan_id"), row.column("amount").get(Long.class), Database.text(row, "currency")),
                "SELECT plugin_id, plan_id, amount, currency FROM marketplace.reseller_prices WHERE bundle_id = ? ORDER BY plugin_id, plan_id",
                bundleId));
        List<Map<String, Object>> items = new ArrayList<>();
        for (Stored price : stored) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("listing", price.listing());
            item.put("plan", price.plan());
            item.put("currency", price.currency());
            Optional<Map<String, Object>> plan = listings.get(price.listing()).flatMap(l -> l.plan(price.plan()))
                    .filter(p -> p.get("amount") != null && price.currency().equals(p.get("currency")));
            Long listPrice = plan.map(p -> ((Number) p.get("amount")).longValue()).orElse(null);
            Long wholesale = listPrice == null ? null : wholesale(listPrice, discount);
            item.put("listPrice", listPrice);
            item.put("wholesale", wholesale);
            item.put("retail", price.amount());
            item.put("margin", wholesale == null ? null : price.amount() - Math.min(wholesale, price.amount()));
            items.add(item);
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("bundle", bundleId.toString());
        view.put("discountBps", discount);
        view.put("prices", items);
        return view;
    }

    /**
     * The resale of a plan to the tenant: present when a reseller owns the tenant and the tenant's bundle has a retail
     * price for the plan in the plan's currency. The wholesale is the plan's price now less the reseller's discount now,
     * never more than the retail.
     */
    public Optional<Resold> resold(UUID tenantId, String listingId, String planId) {
        return database.inPlatform(tx -> tx.get("SELECT rt.reseller_id, rt.bundle_id, p.amount, p.currency FROM marketplace.reseller_tenants rt "
                + "JOIN marketplace.reseller_prices p ON p.bundle_id = rt.bundle_id WHERE rt.tenant_id = ? AND p.plugin_id = ? AND p.plan_id = ?",
                tenantId, listingId, planId).flatMap(row -> {
                    UUID reseller = Database.uuid(row, "reseller_id");
                    long retail = row.column("amount").get(Long.class);
                    String currency = Database.text(row, "currency");
                    return listings.get(listingId).flatMap(l -> l.plan(planId))
                            .filter(plan -> plan.get("amount") != null && currency.equals(plan.get("currency")))
                            .map(plan -> new Resold(reseller, Database.uuid(row, "bundle_id"), retail,
                                    Math.min(retail, wholesale(((Number) plan.get("amount")).longValue(), discount(tx, reseller)))));
                }));
    }

    /**
     * The reseller's bundle a path names, by id or by name.
     *
     * @throws MarketplaceRefusal {@code bundle-not-found} (404) for a bundle that is not the reseller's
     */
    public UUID bundle(UUID resellerId, String reference) {
        return database.inPlatform(tx -> tx.get("SELECT id FROM marketplace.bundles WHERE reseller_id = ? AND (id::text = ? OR name = ?) "
                + "ORDER BY (id::text = ?) DESC LIMIT 1", resellerId, reference, reference, reference).map(row -> Database.uuid(row, "id")))
                .orElseThrow(() -> MarketplaceRefusal.notFound("bundle-not-found", "No bundle '" + reference + "' of this reseller."));
    }

    private void requireBundle(UUID resellerId, UUID bundleId) {
        boolean owned = database.inPlatform(tx -> tx.get("SELECT 1 FROM marketplace.bundles WHERE id = ? AND reseller_id = ?", bundleId,
                                                         resellerId).isPresent());
        if (!owned) {
            throw MarketplaceRefusal.notFound("bundle-not-found", "No bundle " + bundleId + " of this reseller.");
        }
    }
}
