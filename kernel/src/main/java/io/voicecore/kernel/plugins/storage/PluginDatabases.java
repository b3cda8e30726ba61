package io.voicecore.kernel.plugins.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.storage.DatabaseLogin;
import io.voicecore.sdk.capability.Storage;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ClassProvider;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Database isolation for plugins (layer 4): every plugin gets its own schema and roles, and every row a
 * plugin stores belongs to one tenant that the plugin's SQL cannot choose.
 *
 * <h2>Per plugin {@code x}</h2>
 * <ul>
 *   <li>schema {@code plugin_x}, owned by the role {@code vco_x} ({@link PluginDatabaseNames});</li>
 *   <li>{@code vco_x} (owner) logs in only to apply the plugin's migrations: a migration's session user is the
 *       owner itself, so {@code RESET ROLE} gains nothing, and the owner has no right outside its schema
 *       (CREATE on schema {@code public} and TEMPORARY on the database are revoked from PUBLIC);</li>
 *   <li>{@code vcp_x} (runtime) is what plugin SQL logs in as, on a small pool of its own: USAGE on the schema,
 *       SELECT/INSERT/UPDATE/DELETE on its tables and views, USAGE on its sequences, EXECUTE on its functions
 *       and on {@code vc_guard.current_tenant()}, nothing else (no TRUNCATE, which would ignore row-level
 *       security; no access to schema {@code kernel} or to another plugin's schema);</li>
 *   <li>both passwords are random, sealed with the master key in {@code kernel.plugin_databases}, so every
 *       kernel node can log in as them ({@link PluginRoles}).</li>
 * </ul>
 *
 * <h2>Migrations</h2>
 * {@code db/migration/V<n>__<description>.sql} from the plugin's jar ({@link PluginMigrations}), applied by
 * Flyway into {@code plugin_x} with its history in {@code plugin_x.flyway_schema_history}. All pending
 * migrations of one install run in ONE transaction; after each, {@link TenantIsolationEnforcer} checks the
 * schema (every table has {@code tenant_id uuid NOT NULL}; no policy, SECURITY DEFINER function, role
 * membership or grant of the plugin's own) and puts ENABLE + FORCE ROW LEVEL SECURITY and the policy
 * {@code tenant_isolation} on every table. Any failure rolls the whole install back: the plugin's tables
 * and rows are as they were before (on a first install the roles, the empty schema and Flyway's empty history
 * table remain, and are reused by the next attempt). Statements PostgreSQL cannot run in a transaction
 * (e.g. {@code CREATE INDEX CONCURRENTLY}) are therefore not supported in plugin migrations. Each migration
 * must leave every table with {@code tenant_id}. Migrations may change rows of every tenant: their
 * connection is bound to all tenants while they run (policy {@code kernel_migration}).
 *
 * <h2>Tenant binding</h2>
 * Row-level security compares {@code tenant_id} with {@code vc_guard.current_tenant()}, which reads the
 * binding of the connection's server process in {@code vc_guard.connection_tenant}. A plugin's SQL cannot
 * write that table, and custom settings ({@code set_config}) play no part, so no statement a plugin sends
 * can switch tenants, except through {@code vc_guard.bind_tenant}, which takes the connection's key: 32 random
 * bytes the kernel registers for the connection's process and role and sends only as a bind parameter. A call's
 * first statement travels behind {@code vc_guard.begin_call(tenant, key)}, which resets the session and binds it, in
 * the same round trip ({@link CallConnection}); between calls a connection keeps its last binding, and nothing runs
 * on it ({@link PluginPool}).
 *
 * <h2>Uninstall</h2>
 * Uninstalling a plugin keeps its schema, rows and roles: reinstalling it finds its data again.
 * {@link #dropData(String)} removes them for good.
 */
public final class PluginDatabases implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginDatabases.class.getName());
    /** What a plugin connection runs to begin and end its calls (CallConnection, PluginPool), the functions they call included. */
    private static final String CALL_FUNCTIONS = "vc_guard.release_binding(), vc_guard.begin_call(uuid, bytea, boolean), "
                                                 + "vc_guard.end_call(), vc_guard.reset_session(), vc_guard.bind_tenant(uuid, bytea)";

    private final DatabaseLogin admin;
    private final PluginRoles pluginRoles;
    private final PluginStorageSettings settings;
    private final TenantBinder binder;
    private final String kernelUser;
    private final ConcurrentMap<String, PluginPool> pools = new ConcurrentHashMap<>();

    /**
     * @param admin    the kernel's administrative login (it must be able to create roles and schemas), see
     *                 {@code io.voicecore.kernel.storage.Storage#adminLogin()}; the kernel schema must be migrated
     * @param secrets  seals the plugin roles' passwords
     * @param settings pool sizes and limits
     */
    public PluginDatabases(DatabaseLogin admin, SecretBox secrets, PluginStorageSettings settings) {
        this.admin = admin;
        this.pluginRoles = new PluginRoles(secrets);
        this.settings = settings;
        try (Connection c = adminConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            this.kernelUser = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Plugin storage cannot reach the database as " + admin + ": "
                                            + PluginStorageException.databaseMessage(e), e);
        }
        this.binder = new TenantBinder(admin, settings.binderPoolSize());
        try {
            int stale = binder.removeStale();
            if (stale > 0) {
                LOG.info(() -> "Removed " + stale + " tenant bindings of plugin connections that no longer exist");
            }
        } catch (SQLException e) {
            binder.close();
            throw new IllegalStateException("Plugin storage cannot use vc_guard.connection_tenant (is the kernel schema migrated?): "
                                            + PluginStorageException.databaseMessage(e), e);
        }
    }

    /**
     * With {@link PluginStorageSettings#defaults()} but the pool sizes.
     *
     * @param poolSize  connections of each plugin's pool
     * @param poolSizes connections of the pools of plugins that need another number, by plugin id
     */
    public PluginDatabases(DatabaseLogin admin, SecretBox secrets, int poolSize, Map<String, Integer> poolSizes) {
        this(admin, secrets, PluginStorageSettings.defaults().withPoolSize(poolSize).withPoolSizes(poolSizes));
    }

    /** With {@link PluginStorageSettings#defaults()}. */
    public PluginDatabases(DatabaseLogin admin, SecretBox secrets) {
        this(admin, secrets, PluginStorageSettings.defaults());
    }

    /**
     * Creates the plugin's schema and roles if missing, applies its pending migrations read from the class
     * loader's own jar, and enforces tenant isolation on every table.
     *
     * @param manifest  the plugin version being installed
     * @param resources the plugin's class loader (a {@link java.net.URLClassLoader} over its jar)
     * @throws PluginMigrationException when a migration fails or is refused; nothing of it was applied
     */
    public InstallResult install(PluginManifest manifest, ClassLoader resources) {
        return install(manifest, migrationsOf(manifest, resources));
    }

    /**
     * Like {@link #install(PluginManifest, ClassLoader)}, with the migrations given.
     *
     * @throws PluginMigrationException when a migration fails or is refused; nothing of it was applied
     */
    public InstallResult install(PluginManifest manifest, List<MigrationScript> scripts) {
        PluginDatabaseNames names = PluginDatabaseNames.of(manifest.id());
        if (!manifest.declares(PluginManifest.Permission.STORAGE)) {
            if (!scripts.isEmpty()) {
                throw new PluginMigrationException(manifest.id(), Optional.of(scripts.getFirst().fileName()),
                                                   "Plugin '" + manifest.id() + "' ships database migrations (" + scripts.getFirst().fileName()
                                                   + ") but does not declare the permission 'storage' in its plugin.yaml.");
            }
            return new InstallResult(manifest.id(), Optional.empty(), List.of(), Optional.empty());
        }
        PluginRoles.Credentials credentials = prepare(names);
        MigrationDataSource owner = ownerDataSource(names, credentials);
        MigrateResult result;
        try {
            result = Flyway.configure(PluginDatabases.class.getClassLoader())
                    .dataSource(owner)
                    .schemas(names.schema())
                    .table(TenantIsolationEnforcer.HISTORY_TABLE)
                    .createSchemas(false)
                    .resourceProvider(new ScriptResources(scripts))
                    .javaMigrationClassProvider(noJavaMigrations())
                    .skipDefaultCallbacks(true)
                    .callbacks(new TenantIsolationEnforcer(names, kernelUser))
                    .placeholderReplacement(false)
                    .group(true)
                    .mixed(false)
                    .ignoreMigrationPatterns("*:missing")
                    .cleanDisabled(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw refusal(names, e);
        }
        if (result.migrationsExecuted == 0) {
            enforceOnExistingSchema(names, owner);
        }
        Optional<String> version = Optional.ofNullable(result.targetSchemaVersion).or(() -> Optional.ofNullable(result.initialSchemaVersion));
        recordVersion(names, manifest.version(), version);
        List<String> applied = new ArrayList<>();
        for (MigrateOutput migration : result.migrations) {
            applied.add("V" + migration.version + "__" + migration.description.replace(' ', '_') + ".sql");
        }
        return new InstallResult(manifest.id(), Optional.of(names.schema()), applied, version);
    }

    /**
     * Applies a new version's migrations: Flyway applies only those not yet applied, and tenant isolation
     * is enforced again. The same as {@link #install(PluginManifest, ClassLoader)}.
     *
     * @throws PluginMigrationException when a migration fails or is refused; the schema stays at the old version
     */
    public InstallResult upgrade(PluginManifest manifest, ClassLoader resources) {
        return install(manifest, resources);
    }

    /** Whether the plugin has a database on this platform (installed with storage, not dropped). */
    public boolean hasDatabase(String pluginId) {
        PluginDatabaseNames.of(pluginId);
        try (Connection c = adminConnection();
             PreparedStatement query = c.prepareStatement("SELECT 1 FROM kernel.plugin_databases WHERE plugin_id = ?")) {
            query.setString(1, pluginId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look up the database of plugin '" + pluginId + "': "
                                            + PluginStorageException.databaseMessage(e), e);
        }
    }

    /**
     * The SDK storage for one call: every method checks that the call may use {@code storage}, and every
     * statement sees and writes only the call's tenant's rows.
     */
    public Storage forCall(PluginCall call) {
        String pluginId = call.pluginId();
        PluginDatabaseNames.of(pluginId);
        return new PluginStorage(call, () -> pool(pluginId), settings);
    }

    /** Closes the plugin's connections on this node (e.g. when the plugin is unloaded); the next call opens them again. */
    public void release(String pluginId) {
        PluginPool pool = pools.remove(pluginId);
        if (pool != null) {
            pool.close();
        }
    }

    /**
     * Deletes the plugin's schema with all its rows, and its roles. Irreversible: uninstalling keeps the data,
     * this is the explicit removal. A role that still holds privileges in another database of the same
     * server is kept (with a warning).
     */
    public void dropData(String pluginId) {
        PluginDatabaseNames names = PluginDatabaseNames.of(pluginId);
        release(pluginId);
        List<String> roles = new ArrayList<>();
        try (Connection c = adminConnection()) {
            c.setAutoCommit(false);
            lock(c, names);
            for (String role : List.of(names.runtimeRole(), names.ownerRole())) {
                if (PluginRoles.exists(c, role)) {
                    roles.add(role);
                }
            }
            try (PreparedStatement terminate = c.prepareStatement(
                    "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity "
                    + "WHERE usename = ANY (?) AND datname = current_database() AND pid <> pg_catalog.pg_backend_pid()")) {
                terminate.setArray(1, c.createArrayOf("text", roles.toArray()));
                terminate.execute();
            }
            execute(c, "DROP SCHEMA IF EXISTS " + names.schema() + " CASCADE");
            if (!roles.isEmpty()) {
                execute(c, "DROP OWNED BY " + String.join(", ", roles));
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM kernel.plugin_databases WHERE plugin_id = ?")) {
                delete.setString(1, pluginId);
                delete.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
            for (String role : roles) {
                try {
                    execute(c, "DROP ROLE IF EXISTS " + role);
                } catch (SQLException e) {
                    LOG.warning("The data of plugin '" + pluginId + "' was dropped, but its role " + role + " was kept: "
                                + PluginStorageException.databaseMessage(e));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the data of plugin '" + pluginId + "': "
                                            + PluginStorageException.databaseMessage(e), e);
        }
    }

    @Override
    public void close() {
        for (String pluginId : List.copyOf(pools.keySet())) {
            release(pluginId);
        }
        binder.close();
    }

    private List<MigrationScript> migrationsOf(PluginManifest manifest, ClassLoader resources) {
        try {
            return PluginMigrations.fromClassLoader(resources);
        } catch (IllegalArgumentException e) {
            throw new PluginMigrationException(manifest.id(), Optional.empty(),
                                               "Plugin '" + manifest.id() + "' cannot be installed: " + e.getMessage());
        }
    }

    /** Roles, schema and the rights on vc_guard, in one transaction under a per-plugin lock (kernel nodes may race). */
    private PluginRoles.Credentials prepare(PluginDatabaseNames names) {
        try (Connection c = adminConnection()) {
            c.setAutoCommit(false);
            lock(c, names);
            PluginRoles.Credentials credentials = pluginRoles.prepare(c, names);
            execute(c, "CREATE SCHEMA IF NOT EXISTS " + names.schema() + " AUTHORIZATION " + names.ownerRole());
            execute(c, "ALTER SCHEMA " + names.schema() + " OWNER TO " + names.ownerRole());
            execute(c, "REVOKE ALL ON SCHEMA " + names.schema() + " FROM PUBLIC");
            String roles = names.ownerRole() + ", " + names.runtimeRole();
            execute(c, "GRANT USAGE ON SCHEMA vc_guard TO " + roles);
            execute(c, "GRANT EXECUTE ON FUNCTION vc_guard.current_tenant(), vc_guard.migration_in_progress() TO " + roles);
            execute(c, "GRANT EXECUTE ON FUNCTION vc_guard.publish_event(uuid, text, text), "
                       + "vc_guard.publish_events(uuid[], text[], text[]), " + CALL_FUNCTIONS + " TO " + names.runtimeRole());
            c.commit();
            return credentials;
        } catch (SQLException e) {
            throw new PluginMigrationException(names.pluginId(), Optional.empty(), "Plugin '" + names.pluginId()
                                               + "' cannot be installed: its schema and roles could not be prepared: "
                                               + PluginStorageException.databaseMessage(e));
        }
    }

    private MigrationDataSource ownerDataSource(PluginDatabaseNames names, PluginRoles.Credentials credentials) {
        PGSimpleDataSource login = new PGSimpleDataSource();
        login.setURL(pluginUrl(admin.jdbcUrl()));
        login.setUser(names.ownerRole());
        login.setPassword(credentials.ownerPassword());
        login.setApplicationName("voicecore-plugin-migrations:" + names.pluginId());
        return new MigrationDataSource(login, binder, names.ownerRole());
    }

    /** Enforces isolation when no migration ran (e.g. reinstalling the same version): repairs grants and policies. */
    private void enforceOnExistingSchema(PluginDatabaseNames names, MigrationDataSource owner) {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try {
                new TenantIsolationEnforcer(names, kernelUser).enforce(c, Optional.empty());
                c.commit();
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new PluginMigrationException(names.pluginId(), Optional.empty(), "Plugin '" + names.pluginId()
                                               + "': tenant isolation could not be enforced on " + names.schema() + ": "
                                               + PluginStorageException.databaseMessage(e));
        }
    }

    private void recordVersion(PluginDatabaseNames names, String pluginVersion, Optional<String> schemaVersion) {
        try (Connection c = adminConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE kernel.plugin_databases SET plugin_version = ?, schema_version = ?, migrated_at = now() WHERE plugin_id = ?")) {
            update.setString(1, pluginVersion);
            update.setString(2, schemaVersion.orElse(null));
            update.setString(3, names.pluginId());
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the schema version of plugin '" + names.pluginId() + "': "
                                            + PluginStorageException.databaseMessage(e), e);
        }
    }

    /** A refused or failed migration as one precise message; the install's transaction was rolled back. */
    private static PluginMigrationException refusal(PluginDatabaseNames names, FlywayException failure) {
        String outcome = " Nothing of this install was applied: the tables and rows of plugin '" + names.pluginId()
                         + "' are as they were before.";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PluginMigrationException refused) {
                return new PluginMigrationException(names.pluginId(), refused.migration(), refused.getMessage() + outcome);
            }
        }
        Optional<String> migration = Optional.empty();
        String where = "";
        if (failure instanceof FlywayMigrateException migrate && migrate.getMigration() != null) {
            migration = Optional.ofNullable(migrate.getMigration().getScript());
            where = " at line " + migrate.getLineNumber();
        }
        Optional<SQLException> sql = sqlCause(failure);
        if (sql.isPresent()) {
            String state = sql.get().getSQLState();
            return new PluginMigrationException(names.pluginId(), migration, "Migration " + migration.orElse("(unknown)") + " of plugin '"
                                                + names.pluginId() + "' failed" + where + ": " + PluginStorageException.databaseMessage(sql.get())
                                                + (state == null ? "" : " (SQLSTATE " + state + ")") + "." + outcome);
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new PluginMigrationException(names.pluginId(), migration, "The migrations of plugin '" + names.pluginId()
                                            + "' could not be applied: " + message.strip().replaceAll("\\s*\\n\\s*", "; ") + outcome);
    }

    private static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    private PluginPool pool(String pluginId) {
        return pools.computeIfAbsent(pluginId, this::openPool);
    }

    private PluginPool openPool(String pluginId) {
        PluginDatabaseNames names = PluginDatabaseNames.of(pluginId);
        String password;
        try (Connection c = adminConnection()) {
            password = pluginRoles.runtimePassword(c, names).orElseThrow(() -> PluginStorageException.misuse(
                    pluginId, "storage-not-installed", "the plugin has no database: it must be installed with the permission 'storage' first"));
            execute(c, "GRANT EXECUTE ON FUNCTION " + CALL_FUNCTIONS + " TO " + names.runtimeRole()); // for plugins installed before them
        } catch (SQLException e) {
            throw new PluginStorageException(503, "storage-unavailable", "", "Storage of plugin '" + pluginId
                                             + "' is unavailable: " + PluginStorageException.databaseMessage(e));
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("voicecore-plugin-" + pluginId);
        config.setJdbcUrl(pluginUrl(admin.jdbcUrl()));
        config.setUsername(names.runtimeRole());
        config.setPassword(password);
        config.setMaximumPoolSize(settings.poolSizeOf(pluginId));
        config.setMinimumIdle(0);
        config.setIdleTimeout(Math.max(10_000, settings.idleTimeout().toMillis()));
        config.setConnectionTimeout(Math.max(250, settings.connectionTimeout().toMillis()));
        // Let PostgreSQL infer the type of text parameters from their use, as the kernel's own pool does.
        config.addDataSourceProperty("stringtype", "unspecified");
        config.addDataSourceProperty("ApplicationName", "voicecore-plugin:" + pluginId);
        // Startup options are what the reset at the start of every call (RESET ALL) returns to, so every call starts
        // with these values; a transaction's statements are planned for their parameters every time (begin_call).
        config.addDataSourceProperty("options", "-c search_path=" + names.schema()
                                                + " -c statement_timeout=" + settings.statementTimeout().toMillis()
                                                + " -c idle_in_transaction_session_timeout=60000");
        HikariDataSource dataSource = new HikariDataSource(config);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT session_user")) {
            rs.next();
            if (!names.runtimeRole().equals(rs.getString(1))) {
                throw new IllegalStateException("plugin connections log in as " + rs.getString(1) + " instead of " + names.runtimeRole()
                                                + "; remove user settings from the database URL");
            }
        } catch (SQLException | RuntimeException e) {
            dataSource.close();
            if (e instanceof PluginStorageException problem) {
                throw problem;
            }
            String message = e instanceof SQLException sql ? PluginStorageException.databaseMessage(sql) : e.getMessage();
            throw new PluginStorageException(503, "storage-unavailable", "", "Storage of plugin '" + pluginId
                                             + "' is unavailable: " + message);
        }
        return new PluginPool(names, dataSource, binder);
    }

    /** The kernel's URL without a user, password or startup options of its own, which would override the plugin role's. */
    static String pluginUrl(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : url.substring(query + 1).split("&")) {
            String key = parameter.split("=", 2)[0].toLowerCase(Locale.ROOT);
            if (!key.isEmpty() && !List.of("user", "password", "options", "currentschema", "assumeminserverversion").contains(key)) {
                kept.add(parameter);
            }
        }
        return url.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    private Connection adminConnection() throws SQLException {
        PGSimpleDataSource login = new PGSimpleDataSource();
        login.setURL(admin.jdbcUrl());
        if (!admin.user().isEmpty()) {
            login.setUser(admin.user());
        }
        if (!admin.password().isEmpty()) {
            login.setPassword(admin.password());
        }
        return login.getConnection();
    }

    private static void lock(Connection c, PluginDatabaseNames names) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(?))")) {
            lock.setString(1, "voicecore:plugin-database:" + names.pluginId());
            lock.execute();
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    private static ClassProvider<JavaMigration> noJavaMigrations() {
        return List::of;
    }
}
