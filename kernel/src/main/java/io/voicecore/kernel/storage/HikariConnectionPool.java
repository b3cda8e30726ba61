package io.voicecore.kernel.storage;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;

/** Gives Helidon's JDBC client its connections from a HikariCP pool (Helidon 4.5 ships no Hikari adapter). */
final class HikariConnectionPool implements JdbcConnectionPool {
    private final HikariDataSource dataSource;

    HikariConnectionPool(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("No database connection available: " + e.getMessage(), e);
        }
    }

    @Override
    public String dbType() {
        return "postgresql";
    }
}
