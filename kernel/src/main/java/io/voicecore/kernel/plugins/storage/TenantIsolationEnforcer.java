package io.voicecore.kernel.plugins.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * After each of a plugin's migrations, in the migration's own transaction and on its connection (logged in
 * as the plugin's owner role), checks what the migration left in the plugin's schema and puts tenant
 * isolation on it:
 * <ul>
 *   <li>every table has {@code tenant_id uuid NOT NULL}; materialized views and foreign tables (which
 *       row-level security cannot cover) are refused;</li>
 *   <li>no row-level security policy but the kernel's, no {@code SECURITY DEFINER} function (it would run
 *       as the owner, who can switch row-level security off), no membership in the plugin's roles, and no
 *       privilege on the plugin's objects for any role but its own two;</li>
 *   <li>then every table gets ENABLE + FORCE ROW LEVEL SECURITY, the policy {@code tenant_isolation}
 *       ({@code tenant_id = vc_guard.current_tenant()}) and the policy {@code kernel_migration} (every row,
 *       for the owner role, only while the kernel is migrating), and the runtime role gets exactly
 *       SELECT/INSERT/UPDATE/DELETE on tables and views, USAGE on sequences and EXECUTE on functions.</li>
 * </ul>
 * A refusal throws {@link PluginMigrationException}, which rolls the migration back.
 */
final class TenantIsolationEnforcer implements Callback {
    /** Flyway's history table: kernel bookkeeping, no tenant rows, not for the runtime role. */
    static final String HISTORY_TABLE = "flyway_schema_history";
    private static final List<String> KERNEL_POLICIES = List.of("tenant_isolation", "kernel_migration");

    private final PluginDatabaseNames names;
    private final String kernelUser;

    /**
     * @param names      the plugin's schema and roles
     * @param kernelUser the kernel's administrative role, the one role allowed to be a member of the plugin's roles
     */
    TenantIsolationEnforcer(PluginDatabaseNames names, String kernelUser) {
        this.names = names;
        this.kernelUser = kernelUser;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        enforce(context.getConnection(), Optional.of(context.getMigrationInfo().getScript()));
    }

    @Override
    public String getCallbackName() {
        return "voicecore-tenant-isolation";
    }

    /**
     * Checks the schema and applies isolation; the caller commits.
     *
     * @param owner     a connection logged in as the owner role, inside a transaction
     * @param migration the migration just applied, for messages
     */
    void enforce(Connection owner, Optional<String> migration) {
        String source = migration.map(m -> "Migration " + m + " of plugin '" + names.pluginId() + "'")
                .orElse("The schema " + names.schema() + " of plugin '" + names.pluginId() + "'");
        try {
            String searchPath = single(owner, "SELECT pg_catalog.current_setting('search_path')");
            // Kernel statements resolve nothing through the plugin's schema. Restored on success; a failure
            // rolls the whole transaction back, which undoes the local setting too.
            execute(owner, "SELECT pg_catalog.set_config('search_path', 'pg_catalog', true)");
            List<Relation> relations = relations(owner, source, migration);
            refuseForeignPolicies(owner, source, migration);
            refuseSecurityDefiners(owner, source, migration);
            refuseMemberships(owner, source, migration);
            revokeEverything(owner);
            refuseForeignGrants(owner, source, migration);
            isolate(owner, relations);
            try (PreparedStatement restore = owner.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, true)")) {
                restore.setString(1, searchPath);
                restore.execute();
            }
        } catch (SQLException e) {
            throw new PluginMigrationException(names.pluginId(), migration, source + " could not be made tenant-isolated: "
                                                                            + PluginStorageException.databaseMessage(e));
        }
    }

    private record Relation(String name, char kind) {
    }

    private List<Relation> relations(Connection c, String source, Optional<String> migration) throws SQLException {
        List<Relation> relations = new ArrayList<>();
        try (PreparedStatement query = c.prepareStatement("""
                SELECT c.relname, c.relkind, a.attname IS NOT NULL AS has_tenant,
                       a.atttypid = 'pg_catalog.uuid'::pg_catalog.regtype AS is_uuid, a.attnotnull,
                       pg_catalog.format_type(a.atttypid, a.atttypmod) AS tenant_type
                  FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                 WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'm', 'f', 'v') AND c.relname <> ?
                 ORDER BY c.relname""")) {
            query.setString(1, names.schema());
            query.setString(2, HISTORY_TABLE);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    char kind = rs.getString(2).charAt(0);
                    String qualified = names.schema() + "." + name;
                    switch (kind) {
                        case 'm' -> throw refuse(migration, source + " creates the materialized view " + qualified
                                                            + ": row-level security cannot apply to materialized views, so one would show "
                                                            + "every tenant's rows. Use a view instead.");
                        case 'f' -> throw refuse(migration, source + " creates the foreign table " + qualified
                                                            + ": plugins may keep data only in tables of their own schema.");
                        case 'r', 'p' -> {
                            if (!rs.getBoolean(3)) {
                                throw refuse(migration, source + " leaves the table " + qualified + " without a tenant_id column. "
                                                        + "Every table of a plugin needs a column tenant_id uuid NOT NULL: the kernel "
                                                        + "confines each tenant to its own rows by it.");
                            }
                            if (!rs.getBoolean(4)) {
                                throw refuse(migration, source + " leaves the table " + qualified + " with tenant_id of type "
                                                        + rs.getString(6) + "; it must be tenant_id uuid NOT NULL.");
                            }
                            if (!rs.getBoolean(5)) {
                                throw refuse(migration, source + " leaves the table " + qualified + " with a nullable tenant_id; "
                                                        + "declare it tenant_id uuid NOT NULL.");
                            }
                        }
                        default -> {
                            // A view reads tables through their row-level security.
                        }
                    }
                    relations.add(new Relation(name, kind));
                }
            }
        }
        return relations;
    }

    private void refuseForeignPolicies(Connection c, String source, Optional<String> migration) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("""
                SELECT p.polname, t.relname FROM pg_catalog.pg_policy p
                  JOIN pg_catalog.pg_class t ON t.oid = p.polrelid
                  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                 WHERE n.nspname = ? AND p.polname <> ALL (?) ORDER BY t.relname, p.polname""")) {
            query.setString(1, names.schema());
            query.setArray(2, c.createArrayOf("text", KERNEL_POLICIES.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    throw refuse(migration, source + " creates the row-level security policy " + rs.getString(1) + " on "
                                            + names.schema() + "." + rs.getString(2) + "; the kernel manages the policies of "
                                            + "plugin tables (a policy of the plugin's own could widen what a tenant sees).");
                }
            }
        }
    }

    private void refuseSecurityDefiners(Connection c, String source, Optional<String> migration) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("""
                SELECT p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p
                  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = ? AND p.prosecdef ORDER BY 1""")) {
            query.setString(1, names.schema());
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    throw refuse(migration, source + " creates the SECURITY DEFINER function " + rs.getString(1)
                                            + "; it would run as the schema's owner, who can switch row-level security off. "
                                            + "Plugin functions must be SECURITY INVOKER.");
                }
            }
        }
    }

    private void refuseMemberships(Connection c, String source, Optional<String> migration) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("""
                SELECT r.rolname, m.rolname FROM pg_catalog.pg_auth_members am
                  JOIN pg_catalog.pg_roles r ON r.oid = am.roleid
                  JOIN pg_catalog.pg_roles m ON m.oid = am.member
                 WHERE (r.rolname IN (?, ?) AND m.rolname <> ?) OR m.rolname IN (?, ?)
                 ORDER BY 1, 2""")) {
            query.setString(1, names.ownerRole());
            query.setString(2, names.runtimeRole());
            query.setString(3, kernelUser);
            query.setString(4, names.ownerRole());
            query.setString(5, names.runtimeRole());
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    throw refuse(migration, source + " makes role " + rs.getString(2) + " a member of role " + rs.getString(1)
                                            + "; plugin roles may not be granted to or receive other roles.");
                }
            }
        }
    }

    private void revokeEverything(Connection c) throws SQLException {
        String schema = quote(names.schema());
        String grantees = "PUBLIC, " + quote(names.runtimeRole());
        execute(c, "REVOKE ALL ON SCHEMA " + schema + " FROM " + grantees);
        execute(c, "REVOKE ALL ON ALL TABLES IN SCHEMA " + schema + " FROM " + grantees);
        execute(c, "REVOKE ALL ON ALL SEQUENCES IN SCHEMA " + schema + " FROM " + grantees);
        execute(c, "REVOKE ALL ON ALL ROUTINES IN SCHEMA " + schema + " FROM " + grantees);
    }

    private void refuseForeignGrants(Connection c, String source, Optional<String> migration) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("""
                WITH s AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ?),
                     own AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname IN (?, ?, ?)),
                     grants AS (
                  SELECT 'schema ' || n.nspname AS object, g.grantee
                    FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) g WHERE n.oid = (SELECT oid FROM s)
                  UNION ALL
                  SELECT 'relation ' || c.oid::pg_catalog.regclass::text, g.grantee
                    FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g WHERE c.relnamespace = (SELECT oid FROM s)
                  UNION ALL
                  SELECT 'column ' || c.oid::pg_catalog.regclass::text || '.' || a.attname, g.grantee
                    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid,
                         pg_catalog.aclexplode(a.attacl) g WHERE c.relnamespace = (SELECT oid FROM s)
                  UNION ALL
                  SELECT 'function ' || p.oid::pg_catalog.regprocedure::text, g.grantee
                    FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) g WHERE p.pronamespace = (SELECT oid FROM s))
                SELECT object, CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(grantee)::text END
                  FROM grants WHERE grantee NOT IN (SELECT oid FROM own) ORDER BY 1, 2""")) {
            query.setString(1, names.schema());
            query.setString(2, names.ownerRole());
            query.setString(3, names.runtimeRole());
            query.setString(4, kernelUser);
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    throw refuse(migration, source + " grants privileges on " + rs.getString(1) + " to " + rs.getString(2)
                                            + "; only the kernel grants access to a plugin's objects, and only to the plugin itself.");
                }
            }
        }
    }

    private void isolate(Connection c, List<Relation> relations) throws SQLException {
        String schema = quote(names.schema());
        String runtime = quote(names.runtimeRole());
        execute(c, "GRANT USAGE ON SCHEMA " + schema + " TO " + runtime);
        for (Relation relation : relations) {
            String table = schema + "." + quote(relation.name());
            if (relation.kind() == 'r' || relation.kind() == 'p') {
                execute(c, "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
                execute(c, "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY");
                execute(c, "DROP POLICY IF EXISTS tenant_isolation ON " + table);
                execute(c, "DROP POLICY IF EXISTS kernel_migration ON " + table);
                // The sub-select makes the tenant an init-plan value: evaluated once per statement, and an index on tenant_id applies.
                execute(c, "CREATE POLICY tenant_isolation ON " + table + " AS PERMISSIVE FOR ALL TO PUBLIC"
                           + " USING (tenant_id OPERATOR(pg_catalog.=) (SELECT vc_guard.current_tenant()))"
                           + " WITH CHECK (tenant_id OPERATOR(pg_catalog.=) (SELECT vc_guard.current_tenant()))");
                execute(c, "CREATE POLICY kernel_migration ON " + table + " AS PERMISSIVE FOR ALL TO " + quote(names.ownerRole())
                           + " USING ((SELECT vc_guard.migration_in_progress()))"
                           + " WITH CHECK ((SELECT vc_guard.migration_in_progress()))");
            }
            execute(c, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + runtime);
        }
        execute(c, "GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + runtime);
        execute(c, "GRANT EXECUTE ON ALL ROUTINES IN SCHEMA " + schema + " TO " + runtime);
    }

    private PluginMigrationException refuse(Optional<String> migration, String message) {
        return new PluginMigrationException(names.pluginId(), migration, message);
    }

    /** A double-quoted SQL identifier. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
