package io.voicecore.marketplace.listings.admin;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.publishers.Publisher;

/**
 * What a publisher changes on its own published listing: category, description and plans, and which versions are
 * yanked. A listing of another publisher answers as one that does not exist.
 */
public final class ListingAdmin {
    public static final int MAX_DESCRIPTION_LENGTH = 4000;
    public static final int MAX_PLANS = 20;
    public static final int MAX_YANK_REASON_LENGTH = 500;
    private static final String VERSION_COLUMNS = "plugin_id, version, channel, published_at, yanked_at, yank_reason";

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public ListingAdmin(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Sets the listing's category and plans, and its description when one is given. Plans not named any more are
     * removed, unless a tenant is installed on one.
     *
     * @param plans at least one, with distinct ids
     * @throws MarketplaceRefusal {@code listing-not-found} (404) when the publisher does not own the listing;
     *                            {@code plan-in-use} (409) naming the plans that tenants are installed on
     */
    public ListingSettings update(Publisher publisher, String pluginId, Category category, Optional<String> description,
                                  List<Plan> plans, Principal actor) {
        if (plans.isEmpty() || plans.stream().map(Plan::id).distinct().count() != plans.size()) {
            throw new IllegalArgumentException("a listing needs at least one plan, with distinct ids: " + plans);
        }
        String kept = Json.writeString(plans.stream().map(Plan::id).toList());
        return database.inPlatform(tx -> {
            requireOwned(tx, publisher, pluginId, true);
            List<String> inUse = Database.list(tx, row -> Database.text(row, "plan_id"), "SELECT DISTINCT plan_id FROM marketplace.installs"
                    + " WHERE plugin_id = ? AND uninstalled_at IS NULL AND plan_id NOT IN (SELECT jsonb_array_elements_text(?::jsonb))"
                    + " ORDER BY plan_id", pluginId, kept);
            if (!inUse.isEmpty()) {
                throw new MarketplaceRefusal(409, "plan-in-use", "Conflict", "Tenants are installed on the plan"
                        + (inUse.size() == 1 ? " " : "s ") + String.join(", ", inUse) + " of '" + pluginId
                        + "'; keep " + (inUse.size() == 1 ? "it" : "them") + " in the plans you send.", Map.of("plans", inUse));
            }
            tx.dml("DELETE FROM marketplace.plans WHERE plugin_id = ? AND plan_id NOT IN (SELECT jsonb_array_elements_text(?::jsonb))",
                   pluginId, kept);
            for (Plan plan : plans) {
                upsertPlan(tx, pluginId, plan);
            }
            tx.dml("UPDATE marketplace.listings SET category = ?, description = coalesce(?, description), updated_at = ?"
                   + " WHERE plugin_id = ?", category.wireName(), description.orElse(null), Database.timestamp(clock.instant()), pluginId);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("publisher", publisher.slug());
            details.put("category", category.wireName());
            details.put("plans", plans.stream().map(Plan::id).toList());
            details.put("descriptionChanged", description.isPresent());
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.listing.update", "listing:" + pluginId, details));
            return read(tx, pluginId);
        });
    }

    /**
     * Yanks a version: no new tenant gets it, tenants on it keep working. Yanking a yanked version only replaces the
     * reason.
     *
     * @throws MarketplaceRefusal {@code listing-not-found} or {@code version-not-found} (404)
     */
    public ListingVersion yank(Publisher publisher, String pluginId, String version, String reason, Principal actor) {
        return database.inPlatform(tx -> {
            requireOwned(tx, publisher, pluginId, false);
            ListingVersion before = version(tx, pluginId, version);
            tx.dml("UPDATE marketplace.listing_versions SET yanked_at = coalesce(yanked_at, ?), yank_reason = ?"
                   + " WHERE plugin_id = ? AND version = ?", Database.timestamp(clock.instant()), reason, pluginId, version);
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.version.yank", "listing:" + pluginId + "@" + version,
                                                Map.of("publisher", publisher.slug(), "reason", reason, "alreadyYanked", before.yanked())));
            return version(tx, pluginId, version);
        });
    }

    /** Offers a yanked version again; a version that is not yanked is left as it is. */
    public ListingVersion unyank(Publisher publisher, String pluginId, String version, Principal actor) {
        return database.inPlatform(tx -> {
            requireOwned(tx, publisher, pluginId, false);
            ListingVersion before = version(tx, pluginId, version);
            if (before.yanked()) {
                tx.dml("UPDATE marketplace.listing_versions SET yanked_at = NULL, yank_reason = NULL WHERE plugin_id = ? AND version = ?",
                       pluginId, version);
                audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.version.unyank",
                                                    "listing:" + pluginId + "@" + version, Map.of("publisher", publisher.slug())));
            }
            return version(tx, pluginId, version);
        });
    }

    /** Refuses a listing the publisher does not own exactly as one that does not exist; {@code lock} holds its row until commit. */
    private static void requireOwned(DbExecute tx, Publisher publisher, String pluginId, boolean lock) {
        if (tx.get("SELECT 1 FROM marketplace.listings WHERE plugin_id = ? AND publisher_id = ?" + (lock ? " FOR UPDATE" : ""),
                   pluginId, publisher.id()).isEmpty()) {
            throw MarketplaceRefusal.notFound("listing-not-found", "No listing '" + pluginId + "' of publisher '" + publisher.slug()
                    + "'; a listing is named by its plugin id and changed only by the publisher that owns it.");
        }
    }

    private static ListingVersion version(DbExecute tx, String pluginId, String version) {
        return Database.first(tx, ListingAdmin::mapVersion, "SELECT " + VERSION_COLUMNS + " FROM marketplace.listing_versions"
                + " WHERE plugin_id = ? AND version = ?", pluginId, version)
                .orElseThrow(() -> MarketplaceRefusal.notFound("version-not-found", "Listing '" + pluginId + "' has no published version '"
                        + version + "'."));
    }

    private static void upsertPlan(DbExecute tx, String pluginId, Plan plan) {
        tx.dml("INSERT INTO marketplace.plans (plugin_id, plan_id, kind, trial_days, seats, amount, currency, billing_interval, meter,"
               + " spend_cap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (plugin_id, plan_id) DO UPDATE SET kind = excluded.kind,"
               + " trial_days = excluded.trial_days, seats = excluded.seats, amount = excluded.amount, currency = excluded.currency,"
               + " billing_interval = excluded.billing_interval, meter = excluded.meter, spend_cap = excluded.spend_cap",
               pluginId, plan.id(), plan.kind().wireName(), plan.trialDays(), plan.seats(), plan.amount(), plan.currency(),
               plan.interval(), plan.meter(), plan.spendCap());
    }

    /**
     * Adds one plan to the publisher's listing, keeping the others.
     *
     * @throws MarketplaceRefusal {@code listing-not-found} (404), {@code plan-exists} (409)
     */
    public ListingSettings addPlan(Publisher publisher, String pluginId, Plan plan, Principal actor) {
        return database.inPlatform(tx -> {
            requireOwned(tx, publisher, pluginId, true);
            if (tx.get("SELECT 1 FROM marketplace.plans WHERE plugin_id = ? AND plan_id = ?", pluginId, plan.id()).isPresent()) {
                throw MarketplaceRefusal.conflict("plan-exists", "'" + pluginId + "' has a plan '" + plan.id() + "' already; give the"
                        + " new plan another id, or replace the plans with PUT on the listing.");
            }
            upsertPlan(tx, pluginId, plan);
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.plan.add", "listing:" + pluginId,
                    Map.of("publisher", publisher.slug(), "plan", plan.id(), "kind", plan.kind().wireName())));
            return read(tx, pluginId);
        });
    }

    private static ListingSettings read(DbExecute tx, String pluginId) {
        List<Plan> plans = Database.list(tx, ListingAdmin::mapPlan, "SELECT plan_id, kind, trial_days, seats, amount, currency,"
                + " billing_interval, meter, spend_cap FROM marketplace.plans WHERE plugin_id = ? ORDER BY plan_id", pluginId);
        DbRow row = tx.get("SELECT plugin_id, name, category, description, updated_at FROM marketplace.listings WHERE plugin_id = ?",
                           pluginId).orElseThrow();
        // A category this version of the marketplace does not know (set by an older one) reads as 'other'.
        Category category = Category.fromWire(Database.text(row, "category")).orElse(Category.OTHER);
        return new ListingSettings(Database.text(row, "plugin_id"), Database.text(row, "name"), category,
                                   Database.text(row, "description"), plans, Database.instant(row, "updated_at"));
    }

    private static Plan mapPlan(DbRow row) {
        return new Plan(Database.text(row, "plan_id"), Plan.Kind.fromWire(Database.text(row, "kind")).orElseThrow(),
                        integer(row, "trial_days"), integer(row, "seats"),
                        row.column("amount").asOptional().map(v -> ((Number) v).longValue()).orElse(null), Database.text(row, "currency"),
                        Database.text(row, "billing_interval"), Database.text(row, "meter"),
                        row.column("spend_cap").asOptional().map(v -> ((Number) v).longValue()).orElse(null));
    }

    private static Integer integer(DbRow row, String column) {
        return row.column(column).asOptional().map(value -> ((Number) value).intValue()).orElse(null);
    }

    static ListingVersion mapVersion(DbRow row) {
        return new ListingVersion(Database.text(row, "plugin_id"), Database.text(row, "version"), Database.text(row, "channel"),
                                  Database.instant(row, "published_at"), Database.instant(row, "yanked_at"),
                                  Database.text(row, "yank_reason"));
    }
}
