package io.voicecore.kernel.plugins.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.DatabaseLogin;
import org.postgresql.PGConnection;

/**
 * Records which tenant a plugin connection is working for, in {@code vc_guard.connection_tenant}, keyed by
 * the connection's server process id. It writes over the kernel's own small pool (as {@code voicecore_app});
 * plugin roles cannot write that table, so nothing a plugin's SQL does can change the tenant its rows are
 * filtered by: {@code vc_guard.current_tenant()} reads the binding of {@code pg_backend_pid()}.
 */
final class TenantBinder implements AutoCloseable {
    private final HikariDataSource pool;

    TenantBinder(DatabaseLogin admin, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("voicecore-plugin-binder");
        config.setJdbcUrl(admin.jdbcUrl());
        if (!admin.user().isEmpty()) {
            config.setUsername(admin.user());
        }
        if (!admin.password().isEmpty()) {
            config.setPassword(admin.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setConnectionInitSql("SET ROLE " + Database.APP_ROLE);
        this.pool = new HikariDataSource(config);
    }

    /** The server process id of a connection (known to the driver; no round trip). */
    static int backendPid(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getBackendPID();
    }

    /** Binds the process to one tenant, replacing whatever binding it had. */
    void bind(int pid, String role, UUID tenantId) throws SQLException {
        write(pid, role, tenantId);
    }

    /** Lets the process see and change every tenant's rows: only for the connection that applies a plugin's migrations. */
    void bindAllTenants(int pid, String role) throws SQLException {
        write(pid, role, null);
    }

    /** Removes the process's binding; its statements then see no tenant's rows. */
    void unbind(int pid) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM vc_guard.connection_tenant WHERE pid = ?")) {
            delete.setInt(1, pid);
            delete.executeUpdate();
        }
    }

    /** Removes bindings of processes that no longer exist (left by a kernel node that stopped mid-call). */
    int removeStale() throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement delete = c.prepareStatement(
                     "DELETE FROM vc_guard.connection_tenant b WHERE NOT EXISTS "
                     + "(SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = b.pid)")) {
            return delete.executeUpdate();
        }
    }

    private void write(int pid, String role, UUID tenantId) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement upsert = c.prepareStatement(
                     "INSERT INTO vc_guard.connection_tenant (pid, role, tenant_id, all_tenants, bound_at) VALUES (?, ?, ?, ?, now()) "
                     + "ON CONFLICT (pid) DO UPDATE SET role = excluded.role, tenant_id = excluded.tenant_id, "
                     + "all_tenants = excluded.all_tenants, bound_at = excluded.bound_at")) {
            upsert.setInt(1, pid);
            upsert.setString(2, role);
            if (tenantId == null) {
                upsert.setNull(3, Types.OTHER);
            } else {
                upsert.setObject(3, tenantId);
            }
            upsert.setBoolean(4, tenantId == null);
            upsert.executeUpdate();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
