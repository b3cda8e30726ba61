package io.voicecore.kernel.plugins.storage;

import java.sql.SQLException;

import io.voicecore.sdk.PluginProblem;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A plugin's SQL failed. It is a {@link PluginProblem}: a plugin may catch it, and one that escapes a route
 * is answered as a problem whose detail is the database's message (its primary text only: no statement,
 * no row values, no stack trace). {@link #sqlState()} tells the plugin what kind of failure it was.
 */
public final class PluginStorageException extends PluginProblem {
    private final String sqlState;

    PluginStorageException(int status, String type, String sqlState, String detail) {
        super(status, type, detail);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE code, e.g. {@code 23505} for a unique violation; empty when the failure was not the database's. */
    public String sqlState() {
        return sqlState;
    }

    /** Maps a driver failure to a problem: constraint violations are the caller's (4xx), the rest the plugin's or the platform's. */
    static PluginStorageException from(String pluginId, SQLException failure) {
        String state = failure.getSQLState() == null ? "" : failure.getSQLState();
        String message = databaseMessage(failure);
        String detail = "Storage of plugin '" + pluginId + "' failed" + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")") + ": " + message;
        if (state.equals("23505")) {
            return new PluginStorageException(409, "storage-conflict", state, detail);
        }
        if (state.startsWith("23")) {
            return new PluginStorageException(422, "storage-constraint-violation", state, detail);
        }
        if (state.startsWith("22")) {
            return new PluginStorageException(400, "storage-invalid-value", state, detail);
        }
        if (state.equals("42501")) {
            return new PluginStorageException(403, "storage-permission-denied", state, detail);
        }
        if (state.equals("57014")) {
            return new PluginStorageException(503, "storage-timeout", state, detail);
        }
        if (state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
            return new PluginStorageException(503, "storage-contention", state, detail);
        }
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
            return new PluginStorageException(503, "storage-unavailable", state, detail);
        }
        return new PluginStorageException(500, "storage-error", state, detail);
    }

    /** A failure that is not the database's: misuse of the API by the plugin. */
    static PluginStorageException misuse(String pluginId, String type, String message) {
        return new PluginStorageException(500, type, "", "Storage of plugin '" + pluginId + "': " + message);
    }

    /** The server's primary message, without the driver's "ERROR:" prefix, detail, hint or statement position. */
    static String databaseMessage(SQLException failure) {
        if (failure instanceof PSQLException psql) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return server.getMessage();
            }
        }
        String text = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
