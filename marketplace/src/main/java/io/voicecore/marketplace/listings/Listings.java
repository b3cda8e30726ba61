package io.voicecore.marketplace.listings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.github.zafarkhaja.semver.Version;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginRefusal;
import io.voicecore.kernel.plugins.install.PluginCatalog;
import io.voicecore.kernel.plugins.install.PluginRejectedException;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.runtime.TenantEnablement;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.submissions.Submission;

/**
 * What tenants find: the published plugins with their versions, channels, permissions, plans, ratings and install
 * counts, searchable by text, category and publisher. Publishing a stable version installs it in the kernel's catalog
 * (every node loads it); a beta version is listed for those who look, and installs with the next stable one.
 */
public final class Listings implements AutoCloseable {
    /** The shared-state channel on which nodes hear of a newly listed plugin. */
    static final String CHANNEL = "marketplace-listings";
    public static final int MAX_PAGE = 100;

    /** How search results are ordered. */
    public enum Sort { RELEVANCE, INSTALLS, RATING }

    private final Database database;
    private final java.time.Clock clock;
    private final PluginCatalog catalog;
    private final TenantEnablement enablement;
    private final ManifestParser manifests = new ManifestParser();
    private final Set<String> listed = ConcurrentHashMap.newKeySet();
    private final SharedState state;
    private final SharedState.Subscription subscription;

    public Listings(Database database, PluginRuntime plugins, SharedState state, java.time.Clock clock) {
        this.database = database;
        this.clock = clock;
        this.catalog = plugins.catalog();
        this.enablement = plugins.enablement();
        this.state = state;
        this.subscription = state.subscribe(CHANNEL, listed::add);
        listed.addAll(database.inPlatform(tx -> Database.list(tx, row -> Database.text(row, "plugin_id"),
                                                               "SELECT plugin_id FROM marketplace.listings")));
    }

    /** Whether the plugin is one the marketplace lists, and so needs a licence to run for a tenant. Answered from memory. */
    public boolean isListed(String pluginId) {
        return listed.contains(pluginId);
    }

    /** Tells every node that the plugin is listed now. */
    public void announce(String pluginId) {
        listed.add(pluginId);
        state.publish(CHANNEL, pluginId);
    }

    /**
     * Installs a stable version in the kernel's catalog, so tenants can be given it; a beta version, or one not newer
     * than the catalog's, is left out of it.
     *
     * @throws MarketplaceRefusal {@code kernel-refused-install} (422) when the kernel would not install it
     */
    public void install(PluginManifest manifest, byte[] jar, Principal actor) {
        if (Version.parse(manifest.version()).isPreRelease()) {
            return;
        }
        Optional<PluginManifest> installed = catalog.installed(manifest.id());
        if (installed.isPresent() && Version.parse(installed.get().version()).compareTo(Version.parse(manifest.version())) >= 0) {
            return;
        }
        try {
            catalog.install(jar, actor);
        } catch (PluginRejectedException | PluginRefusal refused) {
            throw new MarketplaceRefusal(422, "kernel-refused-install", "Install refused", "The kernel refused to install "
                    + manifest.id() + " " + manifest.version() + ": " + refused.getMessage(), Map.of());
        }
        recordMoves(manifest.id());
    }

    /**
     * Records, for the publisher's analytics, the tenants now on another version than their last recorded one: those the
     * kernel moved to a new version (their grants covered it), or that consented to it.
     */
    public void recordMoves(String pluginId) {
        record Recorded(UUID tenantId, String version) {
        }
        List<Recorded> installed = database.inPlatform(tx -> Database.list(tx, row -> new Recorded(Database.uuid(row, "tenant_id"),
                        Database.text(row, "version")),
                "SELECT i.tenant_id, (SELECT e.version FROM marketplace.install_events e WHERE e.tenant_id = i.tenant_id "
                + "AND e.plugin_id = i.plugin_id ORDER BY e.id DESC LIMIT 1) AS version FROM marketplace.installs i "
                + "WHERE i.plugin_id = ? AND i.uninstalled_at IS NULL", pluginId));
        for (Recorded tenant : installed) {
            enablement.versionFor(tenant.tenantId(), pluginId).map(v -> v.manifest().version())
                    .filter(active -> !active.equals(tenant.version()))
                    .ifPresent(active -> database.inTenant(tenant.tenantId(), tx -> tx.dml(
                            "INSERT INTO marketplace.install_events (tenant_id, plugin_id, version, kind, occurred_at) VALUES (?, ?, ?, 'install', ?)",
                            tenant.tenantId(), pluginId, active, Database.timestamp(clock.instant()))));
        }
    }

    /** Lists a published version (creating the listing with a free plan for its first one), in the caller's transaction. */
    public void list(DbExecute tx, Submission submission, PluginManifest manifest) {
        boolean exists = tx.get("SELECT 1 FROM marketplace.listings WHERE plugin_id = ?", manifest.id()).isPresent();
        if (exists) {
            tx.dml("UPDATE marketplace.listings SET name = ?, updated_at = now() WHERE plugin_id = ?", manifest.name(), manifest.id());
        } else {
            tx.dml("INSERT INTO marketplace.listings (plugin_id, publisher_id, name, description) VALUES (?, ?, ?, ?)",
                   manifest.id(), submission.publisherId(), manifest.name(), manifest.description());
            tx.dml("INSERT INTO marketplace.plans (plugin_id, plan_id, kind) VALUES (?, 'free', 'free')", manifest.id());
        }
        List<Map<String, String>> permissions = manifest.permissions().stream()
                .map(p -> Map.of("name", p.name(), "reason", p.reason())).toList();
        tx.dml("INSERT INTO marketplace.listing_versions (plugin_id, version, submission_id, channel, permissions) VALUES (?, ?, ?, ?, ?::jsonb)",
               manifest.id(), manifest.version(), submission.id(), channel(manifest.version()), Json.writeString(permissions));
    }

    /** {@code beta} for a pre-release version (1.2.0-beta.1), else {@code stable}. */
    public static String channel(String version) {
        return Version.parse(version).isPreRelease() ? "beta" : "stable";
    }

    /** The manifest of the plugin's newest published version, for the permission diff of the next one. */
    public Optional<PluginManifest> lastPublishedManifest(String pluginId) {
        return database.inPlatform(tx -> Database.list(tx, row -> Map.entry(Database.text(row, "version"), Database.text(row, "manifest")),
                        "SELECT v.version, s.manifest FROM marketplace.listing_versions v JOIN marketplace.submissions s ON s.id = v.submission_id "
                        + "WHERE v.plugin_id = ?", pluginId)).stream()
                .max((a, b) -> Version.parse(a.getKey()).compareTo(Version.parse(b.getKey())))
                .map(entry -> manifests.parse(entry.getValue()));
    }

    /** One listing, as tenants see it. */
    public Optional<Listing> get(String pluginId) {
        return database.inPlatform(tx -> {
            List<Listing> found = query(tx, "l.plugin_id = ?", List.of(pluginId), "l.plugin_id", 1, 0, null);
            return found.stream().findFirst();
        });
    }

    /** A page of listings that match, and the cursor of the next page (empty at the end). */
    public Page search(Optional<String> text, Optional<String> category, Optional<String> publisher, Sort sort, Optional<String> cursor,
                       int limit) {
        int offset = cursor.map(Listings::offsetOf).orElse(0);
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        String q = text.map(String::strip).filter(t -> !t.isEmpty()).orElse(null);
        if (q != null) {
            where.add("(" + DOCUMENT + " @@ plainto_tsquery('simple', ?) OR l.name ILIKE ? OR l.plugin_id ILIKE ? OR l.description ILIKE ?)");
            String like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            params.addAll(List.of(q, like, like, like));
        }
        category.ifPresent(c -> {
            where.add("l.category = ?");
            params.add(c);
        });
        publisher.ifPresent(p -> {
            where.add("(p.slug = ? OR p.id::text = ?)");
            params.add(p);
            params.add(p);
        });
        String order = switch (sort) {
            case INSTALLS -> "installs DESC, rating_average DESC NULLS LAST, l.plugin_id";
            case RATING -> "rating_average DESC NULLS LAST, rating_count DESC, l.plugin_id";
            case RELEVANCE -> q == null ? "installs DESC, l.plugin_id"
                    : "(CASE WHEN l.plugin_id = lower(?) OR lower(l.name) = lower(?) THEN 1 ELSE 0 END) DESC, "
                      + "ts_rank(" + DOCUMENT + ", plainto_tsquery('simple', ?)) DESC, installs DESC, l.plugin_id";
        };
        List<Object> orderParams = sort == Sort.RELEVANCE && q != null ? List.of(q, q, q) : List.of();
        List<Listing> items = database.inPlatform(tx -> query(tx, where.isEmpty() ? "true" : String.join(" AND ", where), params, order,
                                                              limit + 1, offset, orderParams));
        boolean more = items.size() > limit;
        return new Page(more ? items.subList(0, limit) : items, more ? Optional.of(Cursor.encodeParts("o", String.valueOf(offset + limit)))
                                                                   : Optional.empty());
    }

    /** A page of search results. */
    public record Page(List<Listing> items, Optional<String> next) {
    }

    private static final String DOCUMENT = "to_tsvector('simple', l.plugin_id || ' ' || l.name || ' ' || l.description || ' ' || l.category)";

    private static int offsetOf(String cursor) {
        try {
            return Cursor.decodeParts(cursor, 2, parts -> {
                int offset = Integer.parseInt(parts[1]);
                if (!parts[0].equals("o") || offset < 0) {
                    throw new IllegalArgumentException();
                }
                return offset;
            });
        } catch (RuntimeException e) {
            throw MarketplaceRefusal.invalid("cursor-invalid", "The cursor is not one this endpoint gave; start again without it.");
        }
    }

    private List<Listing> query(DbExecute tx, String where, List<Object> params, String order, int limit, int offset,
                                List<Object> orderParams) {
        List<Object> all = new ArrayList<>(params);
        if (orderParams != null) {
            all.addAll(orderParams);
        }
        all.add(limit);
        all.add(offset);
        String sql = "SELECT l.plugin_id, l.name, l.description, l.category, l.created_at, l.updated_at, "
                + "p.id AS publisher_id, p.slug AS publisher_slug, p.name AS publisher_name, p.verified_at IS NOT NULL AS publisher_verified, "
                + "(SELECT count(*) FROM marketplace.installs i WHERE i.plugin_id = l.plugin_id AND i.uninstalled_at IS NULL) AS installs, "
                + "(SELECT round(avg(r.stars), 1) FROM marketplace.ratings r WHERE r.plugin_id = l.plugin_id) AS rating_average, "
                + "(SELECT count(*) FROM marketplace.ratings r WHERE r.plugin_id = l.plugin_id) AS rating_count, "
                + "(SELECT json_agg(json_build_object('version', v.version, 'channel', v.channel, 'publishedAt', v.published_at, "
                + "  'yanked', v.yanked_at IS NOT NULL, 'yankReason', v.yank_reason, 'permissions', v.permissions) ORDER BY v.published_at DESC) "
                + "  FROM marketplace.listing_versions v WHERE v.plugin_id = l.plugin_id)::text AS versions, "
                + "(SELECT json_agg(json_strip_nulls(json_build_object('id', pl.plan_id, 'kind', pl.kind, 'trialDays', pl.trial_days, "
                + "  'seats', pl.seats, 'amount', pl.amount, 'currency', pl.currency, 'interval', pl.billing_interval, "
                + "  'meter', pl.meter, 'spendCap', pl.spend_cap)) "
                + "  ORDER BY pl.plan_id) FROM marketplace.plans pl WHERE pl.plugin_id = l.plugin_id)::text AS plans "
                + "FROM marketplace.listings l JOIN marketplace.publishers p ON p.id = l.publisher_id "
                + "WHERE " + where + " ORDER BY " + order + " LIMIT ? OFFSET ?";
        return Database.list(tx, Listings::map, sql, all.toArray());
    }

    @SuppressWarnings("unchecked")
    private static Listing map(DbRow row) {
        List<Map<String, Object>> versions = read(Database.text(row, "versions"));
        List<Map<String, Object>> plans = read(Database.text(row, "plans"));
        Number average = row.column("rating_average").get(java.math.BigDecimal.class);
        return new Listing(Database.text(row, "plugin_id"), Database.text(row, "name"), Database.text(row, "description"),
                Database.text(row, "category"), new Listing.PublisherRef(Database.uuid(row, "publisher_id"), Database.text(row, "publisher_slug"),
                Database.text(row, "publisher_name"), row.column("publisher_verified").get(Boolean.class)),
                versions, plans, row.column("installs").get(Long.class), average == null ? null : average.doubleValue(),
                row.column("rating_count").get(Long.class));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> read(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, List.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
