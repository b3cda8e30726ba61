package io.voicecore.kernel.plugins.storage;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * Connections for applying a plugin's migrations: each LOGS IN as the plugin's owner role (so the migration's
 * session user is the owner itself, and no {@code RESET ROLE} can get back to the kernel's rights), and is
 * bound to every tenant while open, so a migration can change the rows of existing tables. Closing the
 * connection removes the binding.
 */
final class MigrationDataSource implements DataSource {
    private final PGSimpleDataSource login;
    private final TenantBinder binder;
    private final String ownerRole;

    MigrationDataSource(PGSimpleDataSource login, TenantBinder binder, String ownerRole) {
        this.login = login;
        this.binder = binder;
        this.ownerRole = ownerRole;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = login.getConnection();
        int pid;
        try {
            pid = TenantBinder.backendPid(connection);
            binder.bindAllTenants(pid, ownerRole);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                try {
                    if (!connection.isClosed()) {
                        binder.unbind(pid);
                    }
                } finally {
                    connection.close();
                }
                return null;
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("plugin migrations log in as the plugin's owner role only");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // Not used: the driver logs through java.util.logging.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        login.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return login.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("org.postgresql");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
