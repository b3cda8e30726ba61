package io.voicecore.marketplace.ratings;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.publishers.Publisher;

/**
 * Ratings and reviews of listings: 1 to 5 stars and a text, one per tenant and listing, written only by a tenant that
 * has the listing installed; the listing's publisher may reply to each. A tenant's own rating is read and written in
 * that tenant's scope, so row-level security keeps it from any other tenant's.
 */
public final class Ratings {
    public static final int MIN_STARS = 1;
    public static final int MAX_STARS = 5;
    public static final int MAX_TEXT_LENGTH = 2000;
    private static final String COLUMNS = "id, plugin_id, version, stars, body, created_at, updated_at, reply, replied_at";

    /** A rating just written, and whether it is new (rather than an edit of the tenant's earlier one). */
    public record Saved(Rating rating, boolean created) {
    }

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public Ratings(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Writes the tenant's rating of a listing, replacing its earlier one (the publisher's reply stays).
     *
     * @param stars 1 to 5
     * @param text  at most {@value #MAX_TEXT_LENGTH} characters, possibly empty
     * @throws MarketplaceRefusal {@code listing-not-found} (404); {@code rating-needs-install} (403) when the tenant does
     *                            not have the listing installed
     */
    public Saved put(UUID tenantId, String pluginId, int stars, String text, Principal actor) {
        if (stars < MIN_STARS || stars > MAX_STARS || text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("a rating has 1 to 5 stars and at most " + MAX_TEXT_LENGTH + " characters of text");
        }
        Optional<String> newest = database.inPlatform(tx -> {
            requireListing(tx, pluginId);
            return tx.get("SELECT version FROM marketplace.listing_versions WHERE plugin_id = ? ORDER BY published_at DESC LIMIT 1",
                          pluginId).map(row -> Database.text(row, "version"));
        });
        return database.inTenant(tenantId, tx -> {
            if (tx.get("SELECT 1 FROM marketplace.installs WHERE tenant_id = ? AND plugin_id = ? AND uninstalled_at IS NULL",
                       tenantId, pluginId).isEmpty()) {
                throw MarketplaceRefusal.forbidden("rating-needs-install", "Only a tenant that has '" + pluginId
                        + "' installed may rate it; install it first.");
            }
            // The version the tenant runs is the one of its latest install (or upgrade) event.
            String version = tx.get("SELECT version FROM marketplace.install_events WHERE tenant_id = ? AND plugin_id = ?"
                                    + " AND kind = 'install' ORDER BY occurred_at DESC, id DESC LIMIT 1", tenantId, pluginId)
                    .map(row -> Database.text(row, "version")).or(() -> newest).orElse("unknown");
            boolean created = tx.get("SELECT 1 FROM marketplace.ratings WHERE tenant_id = ? AND plugin_id = ? FOR UPDATE",
                                     tenantId, pluginId).isEmpty();
            var now = Database.timestamp(clock.instant());
            tx.dml("INSERT INTO marketplace.ratings (id, tenant_id, plugin_id, version, stars, body, author, created_at, updated_at)"
                   + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET version = excluded.version,"
                   + " stars = excluded.stars, body = excluded.body, author = excluded.author, updated_at = excluded.updated_at",
                   UUID.randomUUID(), tenantId, pluginId, version, (short) stars, text, actor.actorId(), now, now);
            Rating rating = ownRating(tx, tenantId, pluginId).orElseThrow();
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.rating.put", "rating:" + rating.id(),
                                                Map.of("listing", pluginId, "stars", stars, "created", created)));
            return new Saved(rating, created);
        });
    }

    /** The tenant's own rating of a listing. */
    public Optional<Rating> own(UUID tenantId, String pluginId) {
        return database.inTenant(tenantId, tx -> ownRating(tx, tenantId, pluginId));
    }

    /** Withdraws the tenant's rating of a listing, with the publisher's reply; false when there was none. */
    public boolean delete(UUID tenantId, String pluginId, Principal actor) {
        return database.inTenant(tenantId, tx -> {
            Optional<Rating> rating = ownRating(tx, tenantId, pluginId);
            rating.ifPresent(gone -> {
                tx.dml("DELETE FROM marketplace.ratings WHERE id = ?", gone.id());
                audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "marketplace.rating.delete", "rating:" + gone.id(),
                                                    Map.of("listing", pluginId)));
            });
            return rating.isPresent();
        });
    }

    /**
     * One page of a listing's ratings, newest first: up to {@code limit + 1} of them, the extra one telling that there
     * is a next page (see {@link Cursor#page}).
     *
     * @throws MarketplaceRefusal {@code listing-not-found} (404)
     */
    public List<Rating> page(String pluginId, Optional<Cursor> after, int limit) {
        return database.inPlatform(tx -> {
            requireListing(tx, pluginId);
            if (after.isEmpty()) {
                return Database.list(tx, Ratings::map, "SELECT " + COLUMNS + " FROM marketplace.ratings WHERE plugin_id = ?"
                        + " ORDER BY created_at DESC, id DESC LIMIT ?", pluginId, limit + 1);
            }
            return Database.list(tx, Ratings::map, "SELECT " + COLUMNS + " FROM marketplace.ratings WHERE plugin_id = ?"
                    + " AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?", pluginId,
                    Database.timestamp(after.get().createdAt()), after.get().id(), limit + 1);
        });
    }

    /** Where a page of ratings ends, for the next page's cursor. */
    public static Cursor position(Rating rating) {
        return new Cursor(rating.createdAt(), rating.id());
    }

    /** The listing's average (to one decimal) and count of ratings; {@link RatingSummary#NONE} when nobody rated it. */
    public RatingSummary summary(String pluginId) {
        return summaries(List.of(pluginId)).get(pluginId);
    }

    /**
     * The summaries of many listings in one query, e.g. for a page of search results: one entry for every id asked
     * for, {@link RatingSummary#NONE} for a listing nobody rated (or that does not exist).
     */
    public Map<String, RatingSummary> summaries(Collection<String> pluginIds) {
        Map<String, RatingSummary> summaries = new LinkedHashMap<>();
        pluginIds.forEach(id -> summaries.put(id, RatingSummary.NONE));
        if (pluginIds.isEmpty()) {
            return summaries;
        }
        database.inPlatform(tx -> {
            Database.list(tx, row -> row, "SELECT plugin_id, count(*) AS count, round(avg(stars), 1) AS average,"
                    + " count(*) FILTER (WHERE stars = 1) AS s1, count(*) FILTER (WHERE stars = 2) AS s2,"
                    + " count(*) FILTER (WHERE stars = 3) AS s3, count(*) FILTER (WHERE stars = 4) AS s4,"
                    + " count(*) FILTER (WHERE stars = 5) AS s5 FROM marketplace.ratings"
                    + " WHERE plugin_id IN (SELECT jsonb_array_elements_text(?::jsonb)) GROUP BY plugin_id",
                    Json.writeString(List.copyOf(pluginIds)))
                    .forEach(row -> summaries.put(Database.text(row, "plugin_id"), summary(row)));
            return null;
        });
        return summaries;
    }

    /** A summary from a row with {@code count}, {@code average} and {@code s1} to {@code s5}. */
    static RatingSummary summary(DbRow row) {
        long count = number(row, "count").longValue();
        if (count == 0) {
            return RatingSummary.NONE;
        }
        return new RatingSummary(count, number(row, "average").doubleValue(), List.of(number(row, "s1").longValue(),
                number(row, "s2").longValue(), number(row, "s3").longValue(), number(row, "s4").longValue(), number(row, "s5").longValue()));
    }

    /**
     * Writes (or rewrites) the publisher's reply to a rating of one of its listings.
     *
     * @throws MarketplaceRefusal {@code rating-not-found} (404) when the rating is not of one of the publisher's listings
     */
    public Rating reply(Publisher publisher, UUID ratingId, String text, Principal actor) {
        if (text.isBlank() || text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("a reply has 1 to " + MAX_TEXT_LENGTH + " characters");
        }
        return database.inPlatform(tx -> {
            Rating rating = Database.first(tx, Ratings::map, "SELECT r.id, r.plugin_id, r.version, r.stars, r.body, r.created_at,"
                    + " r.updated_at, r.reply, r.replied_at FROM marketplace.ratings r JOIN marketplace.listings l"
                    + " ON l.plugin_id = r.plugin_id WHERE r.id = ? AND l.publisher_id = ? FOR UPDATE OF r", ratingId, publisher.id())
                    .orElseThrow(() -> ratingNotFound(ratingId + " of a listing of publisher '" + publisher.slug() + "'"));
            tx.dml("UPDATE marketplace.ratings SET reply = ?, replied_at = ? WHERE id = ?", text, Database.timestamp(clock.instant()),
                   ratingId);
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.rating.reply", "rating:" + ratingId,
                                                Map.of("publisher", publisher.slug(), "listing", rating.pluginId(),
                                                       "edited", rating.reply() != null)));
            return Database.first(tx, Ratings::map, "SELECT " + COLUMNS + " FROM marketplace.ratings WHERE id = ?", ratingId).orElseThrow();
        });
    }

    static MarketplaceRefusal ratingNotFound(String what) {
        return MarketplaceRefusal.notFound("rating-not-found", "No rating " + what + ".");
    }

    private static void requireListing(DbExecute tx, String pluginId) {
        if (tx.get("SELECT 1 FROM marketplace.listings WHERE plugin_id = ?", pluginId).isEmpty()) {
            throw MarketplaceRefusal.notFound("listing-not-found", "No listing '" + pluginId + "'; a listing is named by its plugin id.");
        }
    }

    private static Optional<Rating> ownRating(DbExecute tx, UUID tenantId, String pluginId) {
        return Database.first(tx, Ratings::map, "SELECT " + COLUMNS + " FROM marketplace.ratings WHERE tenant_id = ? AND plugin_id = ?",
                              tenantId, pluginId);
    }

    private static Rating map(DbRow row) {
        return new Rating(Database.uuid(row, "id"), Database.text(row, "plugin_id"), Database.text(row, "version"),
                          number(row, "stars").intValue(), Database.text(row, "body"), Database.instant(row, "created_at"),
                          Database.instant(row, "updated_at"), Database.text(row, "reply"), Database.instant(row, "replied_at"));
    }

    /** A numeric column's value (smallint, bigint, numeric); zero for SQL NULL. */
    static Number number(DbRow row, String column) {
        return row.column(column).asOptional().map(value -> (Number) value).orElse(BigDecimal.ZERO);
    }
}
