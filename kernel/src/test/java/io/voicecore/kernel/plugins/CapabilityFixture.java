package io.voicecore.kernel.plugins;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.plugins.PluginManifest.ConfigSchema;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.Storage;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.TestPostgres;

/**
 * A migrated kernel database of its own for tests of plugin capabilities, with helpers to create tenants,
 * build manifests and calls, and read audit records back.
 */
public final class CapabilityFixture implements AutoCloseable {
    /** An audit record as stored. */
    public record Audited(String actor, String action, String target, String outcome, Map<String, Object> details, String raw) {
    }

    private final Storage storage;
    private final String jdbcUrl;

    private CapabilityFixture(Storage storage, String jdbcUrl) {
        this.storage = storage;
        this.jdbcUrl = jdbcUrl;
    }

    public static CapabilityFixture open() {
        return open(4);
    }

    /** A fixture whose pool holds up to {@code poolSize} connections, for tests of concurrent transactions. */
    public static CapabilityFixture open(int poolSize) {
        String url = TestPostgres.newDatabase();
        Storage storage = Storage.open(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "db.url", url, "db.user", "postgres", "db.pool-size", Integer.toString(poolSize),
                "data", TestKernel.tempDir("voicecore-capabilities").toString())));
        return new CapabilityFixture(storage, url);
    }

    public Database database() {
        return storage.database();
    }

    /** Creates a tenant and returns its id. */
    public UUID tenant(String slug) {
        UUID id = UUID.randomUUID();
        database().inPlatform(tx -> {
            new TenantRepository().insert(tx, new Tenant(id, slug, "Tenant " + slug, "standard", "active", false,
                                                         Instant.now().truncatedTo(ChronoUnit.MICROS)));
            return null;
        });
        return id;
    }

    /** A manifest with the given permissions, egress hosts and configuration schema. */
    public static PluginManifest manifest(String id, Set<String> permissions, List<String> egressHosts, ConfigSchema config) {
        List<PluginManifest.Permission> declared = permissions.stream().sorted()
                .map(name -> new PluginManifest.Permission(name, "needed for tests")).toList();
        return new PluginManifest(id, "Plugin " + id, "1.0.0", "Tests", "A plugin for tests.", "test.Main", ">=0.1.0",
                                  declared, List.of(), List.of(), List.of(), List.of(), egressHosts, config, List.of(), List.of(), List.of(),
                                  new PluginManifest.Limits(5000, 4), List.of());
    }

    public static PluginManifest manifest(String id, Set<String> permissions) {
        return manifest(id, permissions, List.of(), ConfigSchema.empty());
    }

    /** A call with every declared permission granted. */
    public static PluginCall call(UUID tenantId, PluginManifest manifest) {
        return call(tenantId, manifest, manifest.permissionNames());
    }

    public static PluginCall call(UUID tenantId, PluginManifest manifest, Set<String> granted) {
        return new PluginCall(tenantId, manifest, granted, Optional.empty(), "req-" + UUID.randomUUID());
    }

    /** The tenant's audit records, oldest first. */
    @SuppressWarnings("unchecked")
    public List<Audited> audit(UUID tenantId) {
        return database().inTenant(tenantId, tx -> Database.list(tx, row -> {
            String details = Database.text(row, "details");
            Map<String, Object> parsed;
            try {
                parsed = Json.MAPPER.readValue(details, Map.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new Audited(Database.text(row, "actor"), Database.text(row, "action"), Database.text(row, "target"),
                               Database.text(row, "outcome"), parsed, details);
        }, "SELECT actor, action, target, outcome, details FROM kernel.audit_log WHERE tenant_id = ? ORDER BY seq", tenantId));
    }

    /** The audit records of one action. */
    public List<Audited> audit(UUID tenantId, String action) {
        List<Audited> matching = new ArrayList<>();
        for (Audited record : audit(tenantId)) {
            if (record.action().equals(action)) {
                matching.add(record);
            }
        }
        return matching;
    }

    /** A superuser connection, as an attacker with database access would have. */
    public Connection ownerConnection() {
        try {
            return DriverManager.getConnection(jdbcUrl, "postgres", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection as the application role, which row-level security binds; no tenant selected yet. */
    public Connection appConnection() {
        Connection connection = ownerConnection();
        try (var statement = connection.createStatement()) {
            statement.execute("SET ROLE voicecore_app");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return connection;
    }

    @Override
    public void close() {
        storage.close();
    }
}
