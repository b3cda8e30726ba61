package io.voicecore.marketplace.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;

/**
 * Publishers, tenants and their admin keys through the API; and, written as the database owner, the rows a published
 * listing and tenants' installs leave behind (owner, submission, listing, versions, a free plan, installs and install
 * events), which no API of this test's marketplace makes yet.
 */
public final class ListingFixture {
    private final TestKernel kernel;

    public ListingFixture(TestKernel kernel) {
        this.kernel = kernel;
    }

    /** A publisher signed up through the API, with its developer key. */
    public record SignedUpPublisher(String id, String slug, String apiKey) {
    }

    /** A tenant made through the API, with a tenant-admin API key. */
    public record TenantAdmin(String id, String slug, String apiKey) {
    }

    public SignedUpPublisher signUpPublisher(String slug) {
        HttpResult result = kernel.post("/api/v1/marketplace/publishers", null,
                                        Map.of("name", "Publisher " + slug, "slug", slug, "email", slug + "@example.com"));
        if (result.status() != 201) {
            throw new AssertionError("signing up publisher " + slug + " failed: " + result);
        }
        return new SignedUpPublisher(result.json().get("id").asText(), slug, result.json().get("apiKey").asText());
    }

    public TenantAdmin tenantWithAdmin(String slug) {
        String id = kernel.createTenant(slug);
        return new TenantAdmin(id, slug, kernel.createApiKey(slug, "tenant-admin"));
    }

    /** Publishes {@code pluginId} by {@code publisher} with the given versions, in order (the last is the newest), and a free plan. */
    public void publish(SignedUpPublisher publisher, String pluginId, String... versions) {
        UUID publisherId = UUID.fromString(publisher.id());
        sql("INSERT INTO marketplace.plugin_owners (plugin_id, publisher_id) VALUES (?, ?)", pluginId, publisherId);
        sql("INSERT INTO marketplace.listings (plugin_id, publisher_id, name, description) VALUES (?, ?, ?, ?)",
            pluginId, publisherId, "Listing " + pluginId, "What " + pluginId + " does.");
        sql("INSERT INTO marketplace.plans (plugin_id, plan_id, kind) VALUES (?, 'free', 'free')", pluginId);
        Instant published = Instant.parse("2024-01-01T00:00:00Z");
        for (String version : versions) {
            UUID submission = UUID.randomUUID();
            sql("INSERT INTO marketplace.submissions (id, publisher_id, plugin_id, version, manifest, jar, jar_sha256, signer, state)"
                + " VALUES (?, ?, ?, ?, '{}', ?, 'sha', 'CN=test', 'published')", submission, publisherId, pluginId, version, new byte[] {1});
            sql("INSERT INTO marketplace.listing_versions (plugin_id, version, submission_id, channel, permissions, published_at)"
                + " VALUES (?, ?, ?, 'stable', '[]', ?)", pluginId, version, submission, utc(published));
            published = published.plusSeconds(3600);
        }
    }

    /** Adds a plan to a published listing. */
    public void plan(String pluginId, String planId, String kind) {
        sql("INSERT INTO marketplace.plans (plugin_id, plan_id, kind, trial_days) VALUES (?, ?, ?, ?)", pluginId, planId, kind,
            kind.equals("trial") ? 14 : null);
    }

    /** The tenant installs {@code version} on the free plan at {@code at}. */
    public void install(String tenantId, String pluginId, String version, Instant at) {
        install(tenantId, pluginId, "free", version, at);
    }

    public void install(String tenantId, String pluginId, String planId, String version, Instant at) {
        UUID tenant = UUID.fromString(tenantId);
        sql("INSERT INTO marketplace.installs (tenant_id, plugin_id, plan_id, licence_id, installed_by, installed_at)"
            + " VALUES (?, ?, ?, ?, 'test', ?) ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET plan_id = excluded.plan_id,"
            + " installed_at = excluded.installed_at, uninstalled_at = NULL", tenant, pluginId, planId, UUID.randomUUID(), utc(at));
        event(tenant, pluginId, version, "install", at);
    }

    /** The installed tenant moves to {@code version} at {@code at}. */
    public void upgrade(String tenantId, String pluginId, String version, Instant at) {
        event(UUID.fromString(tenantId), pluginId, version, "install", at);
    }

    /** The tenant uninstalls {@code version}, the one it has, at {@code at}. */
    public void uninstall(String tenantId, String pluginId, String version, Instant at) {
        UUID tenant = UUID.fromString(tenantId);
        sql("UPDATE marketplace.installs SET uninstalled_at = ? WHERE tenant_id = ? AND plugin_id = ?", utc(at), tenant, pluginId);
        event(tenant, pluginId, version, "uninstall", at);
    }

    private void event(UUID tenant, String pluginId, String version, String kind, Instant at) {
        sql("INSERT INTO marketplace.install_events (tenant_id, plugin_id, version, kind, occurred_at) VALUES (?, ?, ?, ?, ?)",
            tenant, pluginId, version, kind, utc(at));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The actions audited in a tenant's chain (the platform's for null) on targets that match a LIKE pattern, oldest first. */
    public List<String> auditActions(String tenantId, String targetPattern) {
        try (Connection c = kernel.ownerConnection();
             PreparedStatement s = c.prepareStatement("SELECT action FROM kernel.audit_log WHERE chain = ? AND target LIKE ? ORDER BY seq")) {
            s.setString(1, tenantId == null ? "platform" : tenantId);
            s.setString(2, targetPattern);
            List<String> actions = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    actions.add(rows.getString(1));
                }
            }
            return actions;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement as the database owner (row-level security does not bind it). */
    public void sql(String statement, Object... params) {
        try (Connection c = kernel.ownerConnection(); PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("fixture statement failed: " + statement, e);
        }
    }
}
