package io.voicecore.kernel.plugins.storage;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import io.voicecore.kernel.crypto.SecretBox;
import org.postgresql.PGConnection;

/**
 * The two PostgreSQL roles of each plugin and their sealed passwords: the owner {@code vco_x}, which logs in
 * only to apply the plugin's migrations, and the runtime role {@code vcp_x}, which plugin SQL logs in as
 * ({@link PluginDatabaseNames}). Both are plain login roles (no SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or
 * BYPASSRLS, NOINHERIT), granted to no role but the kernel's. Their passwords are random, sealed with the
 * master key in {@code kernel.plugin_databases}, so every kernel node can log in as them.
 *
 * <p>Every method works on the caller's administrative connection and inside its transaction, so the roles
 * change together with whatever else the caller does there.
 */
final class PluginRoles {
    private static final Logger LOG = Logger.getLogger(PluginRoles.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SEAL_CONTEXT = "plugin-db-password:";

    private final SecretBox secrets;

    /** @param secrets seals the roles' passwords */
    PluginRoles(SecretBox secrets) {
        this.secrets = secrets;
    }

    /** The passwords of a plugin's owner and runtime roles. */
    record Credentials(String ownerPassword, String runtimePassword) {
        @Override
        public String toString() {
            return "Credentials[***]";
        }
    }

    /**
     * Creates both roles, or brings existing ones back to what a plugin role must be, and returns their
     * passwords (new ones, sealed and recorded, on a first install). The caller holds the plugin's lock.
     *
     * @throws PluginMigrationException when a role exists with attributes a plugin role must not have
     */
    Credentials prepare(Connection c, PluginDatabaseNames names) throws SQLException {
        Credentials credentials = credentials(c, names);
        for (String role : List.of(names.ownerRole(), names.runtimeRole())) {
            ensureRole(c, names, role);
        }
        setPassword(c, names.ownerRole(), credentials.ownerPassword());
        setPassword(c, names.runtimeRole(), credentials.runtimePassword());
        // Lets a kernel login that is not a superuser create the schema for the owner and drop the roles' objects later.
        execute(c, "GRANT " + names.ownerRole() + ", " + names.runtimeRole() + " TO CURRENT_USER");
        revokeStrayMemberships(c, names);
        // Settings a plugin role gave itself (ALTER ROLE ... SET) do not survive an install.
        execute(c, "ALTER ROLE " + names.ownerRole() + " RESET ALL");
        execute(c, "ALTER ROLE " + names.runtimeRole() + " RESET ALL");
        return credentials;
    }

    /**
     * The runtime role's password, for opening the plugin's pool on this node; empty when the plugin has no
     * database. The password is set again and stray memberships are taken back.
     */
    Optional<String> runtimePassword(Connection c, PluginDatabaseNames names) throws SQLException {
        String password;
        try (PreparedStatement query = c.prepareStatement("SELECT runtime_password FROM kernel.plugin_databases WHERE plugin_id = ?")) {
            query.setString(1, names.pluginId());
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                password = open(rs.getBytes(1), names.runtimeRole());
            }
        }
        // The role may have changed its own password; the stored one is the one the kernel logs in with.
        setPassword(c, names.runtimeRole(), password);
        revokeStrayMemberships(c, names);
        return Optional.of(password);
    }

    static boolean exists(Connection c, String role) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Credentials credentials(Connection c, PluginDatabaseNames names) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT owner_password, runtime_password FROM kernel.plugin_databases WHERE plugin_id = ? FOR UPDATE")) {
            query.setString(1, names.pluginId());
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    return new Credentials(open(rs.getBytes(1), names.ownerRole()), open(rs.getBytes(2), names.runtimeRole()));
                }
            }
        }
        Credentials fresh = new Credentials(randomPassword(), randomPassword());
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO kernel.plugin_databases (plugin_id, schema_name, owner_role, runtime_role, owner_password, "
                + "runtime_password, plugin_version) VALUES (?, ?, ?, ?, ?, ?, '')")) {
            insert.setString(1, names.pluginId());
            insert.setString(2, names.schema());
            insert.setString(3, names.ownerRole());
            insert.setString(4, names.runtimeRole());
            insert.setBytes(5, seal(fresh.ownerPassword(), names.ownerRole()));
            insert.setBytes(6, seal(fresh.runtimePassword(), names.runtimeRole()));
            insert.executeUpdate();
        }
        return fresh;
    }

    private static void ensureRole(Connection c, PluginDatabaseNames names, String role) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    execute(c, "CREATE ROLE " + role + " LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
                    return;
                }
                if (rs.getBoolean(1)) {
                    throw new PluginMigrationException(names.pluginId(), Optional.empty(), "Plugin '" + names.pluginId()
                                                       + "' cannot be installed: the role " + role + " already exists with SUPERUSER, "
                                                       + "CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, which a plugin role must not have. "
                                                       + "Drop the role or remove those attributes.");
                }
            }
        }
        execute(c, "ALTER ROLE " + role + " LOGIN NOINHERIT");
    }

    /**
     * Takes the plugin's roles back from any role but the kernel's. Before PostgreSQL 16 a role logged in as
     * itself may grant itself to others ({@code GRANT vcp_x TO vcp_y}), which would let plugin y use plugin x's
     * tables (still only for the tenant of y's call: the binding follows the session user). Migrations that
     * do it are refused; a grant made by runtime SQL is taken back whenever the kernel installs the plugin or
     * opens its pool on a node.
     */
    private static void revokeStrayMemberships(Connection c, PluginDatabaseNames names) throws SQLException {
        List<String> revokes = new ArrayList<>();
        try (PreparedStatement query = c.prepareStatement("""
                SELECT r.rolname, m.rolname FROM pg_catalog.pg_auth_members am
                  JOIN pg_catalog.pg_roles r ON r.oid = am.roleid
                  JOIN pg_catalog.pg_roles m ON m.oid = am.member
                 WHERE r.rolname IN (?, ?) AND m.rolname <> current_user""")) {
            query.setString(1, names.ownerRole());
            query.setString(2, names.runtimeRole());
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    revokes.add("REVOKE " + TenantIsolationEnforcer.quote(rs.getString(1)) + " FROM "
                                + TenantIsolationEnforcer.quote(rs.getString(2)));
                }
            }
        }
        for (String revoke : revokes) {
            LOG.warning("Plugin '" + names.pluginId() + "': a plugin role had been granted to another role; " + revoke);
            execute(c, revoke);
        }
    }

    /** Sets the password as a SCRAM verifier computed here, so the password itself never reaches the server's logs. */
    private static void setPassword(Connection c, String role, String password) throws SQLException {
        char[] chars = password.toCharArray();
        c.unwrap(PGConnection.class).alterUserPassword(role, chars, "scram-sha-256");
    }

    private byte[] seal(String password, String role) {
        return secrets.seal(password.getBytes(StandardCharsets.UTF_8), SEAL_CONTEXT + role);
    }

    private String open(byte[] sealed, String role) {
        return new String(secrets.open(sealed, SEAL_CONTEXT + role), StandardCharsets.UTF_8);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }
}
