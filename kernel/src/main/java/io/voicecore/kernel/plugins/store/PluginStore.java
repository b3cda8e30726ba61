package io.voicecore.kernel.plugins.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.storage.Database;

/** SQL for installed plugin versions and per-tenant enablement. Runs in the caller's transaction. */
public final class PluginStore {

    /**
     * A stored version.
     *
     * @param verification the kernel's sealed record that the jar passed verification ({@code install.VerificationSeals}), if any
     */
    public record StoredVersion(String pluginId, String version, String manifestYaml, byte[] jar, String sha256,
                         Optional<byte[]> verification) {
    }

    /**
     * A tenant's relation to one plugin.
     *
     * @param licence the licence token attached for the tenant (a secret-free but tenant-specific string), or null
     */
    public record TenantPlugin(UUID tenantId, String pluginId, boolean enabled, Set<String> granted, String activeVersion,
                        Instant quarantinedUntil, String quarantineReason, String licence) {

        /** A row without a licence. */
        public TenantPlugin(UUID tenantId, String pluginId, boolean enabled, Set<String> granted, String activeVersion,
                            Instant quarantinedUntil, String quarantineReason) {
            this(tenantId, pluginId, enabled, granted, activeVersion, quarantinedUntil, quarantineReason, null);
        }

        public boolean quarantined(Instant now) {
            return quarantinedUntil != null && quarantinedUntil.isAfter(now);
        }

        /** The licence token attached for the tenant, if any. */
        public Optional<String> licenceToken() {
            return Optional.ofNullable(licence);
        }

        /** The same row, on another active version. */
        public TenantPlugin withVersion(String version) {
            return new TenantPlugin(tenantId, pluginId, enabled, granted, version, quarantinedUntil, quarantineReason, licence);
        }

        /** The same row, with another licence token (null: none). */
        public TenantPlugin withLicence(String token) {
            return new TenantPlugin(tenantId, pluginId, enabled, granted, activeVersion, quarantinedUntil, quarantineReason, token);
        }
    }

    /**
     * Stores a new version. A version removed by an uninstall (retired) may be installed again, with these bytes.
     *
     * @return false when the version is stored and not retired (installed by another node meanwhile)
     */
    public boolean insertVersion(DbExecute tx, String pluginId, String version, String manifestYaml, byte[] jar, String sha256,
                          byte[] verification, String actor) {
        return tx.dml("INSERT INTO kernel.plugin_versions (plugin_id, version, manifest, jar, jar_sha256, verification, installed_by) "
                      + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (plugin_id, version) DO UPDATE SET manifest = excluded.manifest, "
                      + "jar = excluded.jar, jar_sha256 = excluded.jar_sha256, verification = excluded.verification, "
                      + "installed_by = excluded.installed_by, installed_at = now(), retired_at = NULL "
                      + "WHERE kernel.plugin_versions.retired_at IS NOT NULL",
                      pluginId, version, manifestYaml, jar, sha256, verification, actor) == 1;
    }

    /** Replaces a version's verification record, after the jar was verified again under other rules. */
    public void setVerification(DbExecute tx, String pluginId, String version, String sha256, byte[] verification) {
        tx.dml("UPDATE kernel.plugin_versions SET verification = ? WHERE plugin_id = ? AND version = ? AND jar_sha256 = ?",
               verification, pluginId, version, sha256);
    }

    /** Every installed plugin's current version, by plugin id. */
    public Map<String, String> currentVersions(DbExecute tx) {
        Map<String, String> versions = new HashMap<>();
        Database.list(tx, row -> Map.entry(Database.text(row, "plugin_id"), Database.text(row, "current_version")),
                      "SELECT plugin_id, current_version FROM kernel.plugins").forEach(e -> versions.put(e.getKey(), e.getValue()));
        return versions;
    }

    public void setCurrent(DbExecute tx, String pluginId, String version) {
        tx.dml("INSERT INTO kernel.plugins (plugin_id, current_version) VALUES (?, ?) ON CONFLICT (plugin_id) "
               + "DO UPDATE SET current_version = excluded.current_version, updated_at = now()", pluginId, version);
    }


    public Optional<StoredVersion> version(DbExecute tx, String pluginId, String version) {
        return Database.first(tx, PluginStore::mapVersion, "SELECT plugin_id, version, manifest, jar, jar_sha256, "
                + "verification FROM kernel.plugin_versions WHERE plugin_id = ? AND version = ?", pluginId, version);
    }

    /** Every version some node must keep loaded: each plugin's current one and any still active for a tenant. */
    public List<StoredVersion> versionsInUse(DbExecute tx) {
        return Database.list(tx, PluginStore::mapVersion,
                "SELECT v.plugin_id, v.version, v.manifest, v.jar, v.jar_sha256, v.verification FROM kernel.plugin_versions v "
                + "WHERE EXISTS (SELECT 1 FROM kernel.plugins p WHERE p.plugin_id = v.plugin_id AND p.current_version = v.version) "
                + "OR EXISTS (SELECT 1 FROM kernel.tenant_plugins t WHERE t.plugin_id = v.plugin_id AND t.active_version = v.version "
                + "AND t.enabled) ORDER BY v.plugin_id, v.installed_at");
    }

    public void deletePlugin(DbExecute tx, String pluginId) {
        tx.dml("DELETE FROM kernel.plugins WHERE plugin_id = ?", pluginId);
        tx.dml("UPDATE kernel.plugin_versions SET retired_at = now() WHERE plugin_id = ? AND retired_at IS NULL", pluginId);
    }

    public Optional<TenantPlugin> tenantPlugin(DbExecute tx, UUID tenantId, String pluginId) {
        return Database.first(tx, PluginStore::mapTenant, "SELECT tenant_id, plugin_id, enabled, granted, active_version, "
                + "quarantined_until, quarantine_reason, licence FROM kernel.tenant_plugins WHERE tenant_id = ? AND plugin_id = ?",
                tenantId, pluginId);
    }


    /** All tenants' rows for one plugin (platform scope): used when a new version is installed. */
    public List<TenantPlugin> enabledTenants(DbExecute tx, String pluginId) {
        return Database.list(tx, PluginStore::mapTenant, "SELECT tenant_id, plugin_id, enabled, granted, active_version, "
                + "quarantined_until, quarantine_reason, licence FROM kernel.tenant_plugins WHERE plugin_id = ? AND enabled", pluginId);
    }

    /**
     * Writes a tenant's row, except its licence: an insert starts without one, an update keeps the one attached
     * ({@link #setLicence}), so enabling, revoking, disabling and quarantine never lose a licence.
     */
    public void upsertTenant(DbExecute tx, TenantPlugin state) {
        tx.dml("INSERT INTO kernel.tenant_plugins (tenant_id, plugin_id, enabled, granted, active_version, quarantined_until, "
               + "quarantine_reason) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET "
               + "enabled = excluded.enabled, granted = excluded.granted, active_version = excluded.active_version, "
               + "quarantined_until = excluded.quarantined_until, quarantine_reason = excluded.quarantine_reason, updated_at = now()",
               state.tenantId(), state.pluginId(), state.enabled(), String.join(",", new TreeSet<>(state.granted())),
               state.activeVersion(), Database.timestamp(state.quarantinedUntil()), state.quarantineReason());
    }

    /**
     * Attaches a licence token to a tenant's enabled row.
     *
     * @return false when the tenant has no enabled row of the plugin
     */
    public boolean setLicence(DbExecute tx, UUID tenantId, String pluginId, String token) {
        return tx.dml("UPDATE kernel.tenant_plugins SET licence = ?, updated_at = now() WHERE tenant_id = ? AND plugin_id = ? "
                      + "AND enabled", token, tenantId, pluginId) == 1;
    }

    private static StoredVersion mapVersion(DbRow row) {
        return new StoredVersion(Database.text(row, "plugin_id"), Database.text(row, "version"), Database.text(row, "manifest"),
                                 row.column("jar").get(byte[].class), Database.text(row, "jar_sha256"),
                                 Optional.ofNullable(row.column("verification").get(byte[].class)));
    }

    private static TenantPlugin mapTenant(DbRow row) {
        String granted = Database.text(row, "granted");
        return new TenantPlugin(Database.uuid(row, "tenant_id"), Database.text(row, "plugin_id"),
                                row.column("enabled").get(Boolean.class),
                                granted == null || granted.isEmpty() ? Set.of()
                                        : Arrays.stream(granted.split(",")).collect(Collectors.toUnmodifiableSet()),
                                Database.text(row, "active_version"), Database.instant(row, "quarantined_until"),
                                Database.text(row, "quarantine_reason"), Database.text(row, "licence"));
    }
}
