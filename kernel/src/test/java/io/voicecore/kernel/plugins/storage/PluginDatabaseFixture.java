package io.voicecore.kernel.plugins.storage;

import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.storage.DatabaseLogin;
import io.voicecore.kernel.storage.Storage;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.TestPostgres;

/**
 * A migrated kernel database (its own, on the shared test PostgreSQL) with plugin databases over it, plus
 * builders for manifests, calls and real plugin jars carrying migrations.
 */
final class PluginDatabaseFixture implements AutoCloseable {
    /** A typical plugin table. */
    static final String CONTACTS = """
            CREATE TABLE contacts (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant_id  uuid        NOT NULL,
                name       text        NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX contacts_tenant ON contacts (tenant_id, name);
            """;

    final Storage kernel;
    final PluginDatabases databases;
    final DatabaseLogin admin;
    private final List<URLClassLoader> loaders = new ArrayList<>();

    private PluginDatabaseFixture(PluginStorageSettings settings) {
        String url = TestPostgres.newDatabase();
        this.kernel = Storage.open(ConfigLoader.load(Optional.empty(), Map.of(),
                                                     Map.of("db.url", url, "db.user", "postgres", "data", TestKernel.tempDir("plugin-db").toString())));
        this.admin = kernel.adminLogin();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.databases = new PluginDatabases(admin, SecretBox.ofKey(key), settings);
    }

    static PluginDatabaseFixture start() {
        return new PluginDatabaseFixture(PluginStorageSettings.defaults());
    }

    static PluginDatabaseFixture start(PluginStorageSettings settings) {
        return new PluginDatabaseFixture(settings);
    }

    /** A manifest that declares the given permissions. */
    static PluginManifest manifest(String id, String version, String... permissions) {
        List<PluginManifest.Permission> declared = new ArrayList<>();
        for (String permission : permissions) {
            declared.add(new PluginManifest.Permission(permission, "test"));
        }
        return new PluginManifest(id, id, version, "Test vendor", "A test plugin", "test.Main", ">=0.1.0", declared, List.of(), List.of(),
                                  List.of(), List.of(), List.of(), PluginManifest.ConfigSchema.empty(), List.of(), List.of(),
                                  List.of(), new PluginManifest.Limits(5000, 4), List.of());
    }

    static PluginManifest storagePlugin(String id, String version) {
        return manifest(id, version, PluginManifest.Permission.STORAGE);
    }

    /** A call for the tenant with the given grants. */
    static PluginCall call(PluginManifest manifest, UUID tenant, String... granted) {
        return new PluginCall(tenant, manifest, Set.of(granted), Optional.empty(), "test-" + UUID.randomUUID());
    }

    static PluginCall storageCall(PluginManifest manifest, UUID tenant) {
        return call(manifest, tenant, PluginManifest.Permission.STORAGE);
    }

    /** A class loader over a real plugin jar with these migrations (file name -> SQL), as the runtime would create. */
    URLClassLoader jar(String id, String version, Map<String, String> migrations) {
        PluginJar jar = PluginJar.named(id + "-" + version).manifest("id: " + id + "\nversion: " + version + "\n");
        migrations.forEach((name, sql) -> jar.resource("db/migration/" + name, sql));
        return loaderFor(jar.build());
    }

    URLClassLoader loaderFor(Path jar) {
        try {
            URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, PluginDatabaseFixture.class.getClassLoader());
            loaders.add(loader);
            return loader;
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> migrations(String... nameThenSql) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSql.length; i += 2) {
            map.put(nameThenSql[i], nameThenSql[i + 1]);
        }
        return map;
    }

    /** Installs a plugin with storage and the contacts table. */
    PluginManifest installContacts(String id) {
        PluginManifest manifest = storagePlugin(id, "1.0.0");
        databases.install(manifest, jar(id, "1.0.0", migrations("V1__contacts.sql", CONTACTS)));
        return manifest;
    }

    /** A connection as the kernel's administrative user, to look at what plugins cannot. */
    Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
    }

    /**
     * Tenant bindings of connections that are not idle: between calls a plugin connection keeps its last binding, but
     * once every call ended none may apply to a connection that runs something.
     */
    static final String BINDINGS_IN_USE = "SELECT count(*) FROM vc_guard.connection_tenant b "
                                          + "JOIN pg_catalog.pg_stat_activity a ON a.pid = b.pid WHERE a.state <> 'idle'";

    long adminCount(String sql) {
        try (Connection c = adminConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws java.io.IOException {
        databases.close();
        kernel.close();
        for (URLClassLoader loader : loaders) {
            loader.close();
        }
    }
}
