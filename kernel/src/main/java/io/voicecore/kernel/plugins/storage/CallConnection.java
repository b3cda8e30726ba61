package io.voicecore.kernel.plugins.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A plugin connection for the length of one storage call, and the start of the call that travels in front of its
 * first statement: {@code vc_guard.begin_call(tenant, key)} resets what the connection's previous call left and binds
 * the connection to this call's tenant, in the same round trip and transaction as the statement. If that round trip
 * fails, the binding is undone with the statement, and the call's next statement is sent behind {@code begin_call}
 * again; no statement of the call runs unless a {@code begin_call} before it succeeded.
 *
 * <p>The key is the connection's own ({@link PluginPool}); it is a bind parameter of the kernel's statement only, and
 * the plugin's SQL cannot read it back.
 */
final class CallConnection {
    private static final String BEGIN_CALL = "SELECT vc_guard.begin_call(?, ?, ?)";

    private final Connection connection;
    private final UUID tenantId;
    private final byte[] key;
    private final boolean transaction;
    private boolean begun;
    private boolean used;
    private boolean namesAdvisoryLocks;
    /** The statement that carries {@code begin_call} in front of the plugin's, until it has run. */
    private PreparedStatement carrying;

    CallConnection(Connection connection, UUID tenantId, byte[] key, boolean transaction) {
        this.connection = connection;
        this.tenantId = tenantId;
        this.key = key;
        this.transaction = transaction;
    }

    /**
     * The statement for one of the plugin's SQL statements, with {@code begin_call} in front while the call has not
     * begun; its parameters start at {@link #firstParameter(PreparedStatement)}.
     */
    PreparedStatement prepare(String sql) throws SQLException {
        used = true;
        namesAdvisoryLocks |= containsIgnoreCase(sql, "advisory");
        if (begun) {
            return connection.prepareStatement(sql);
        }
        PreparedStatement statement = connection.prepareStatement(BEGIN_CALL + ";\n" + sql);
        try {
            beginParameters(statement);
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
        carrying = statement;
        return statement;
    }

    /** Index of the plugin's first parameter in a statement from {@link #prepare(String)}. */
    int firstParameter(PreparedStatement statement) {
        return statement == carrying ? 4 : 1;
    }

    /**
     * Runs a statement from {@link #prepare(String)}; like {@link PreparedStatement#execute()}, true when the plugin's
     * statement answered rows, with its result current.
     */
    boolean execute(PreparedStatement statement) throws SQLException {
        boolean rows = statement.execute();
        if (statement == carrying) {
            carrying = null;
            begun = true;
            // The first result is begin_call's; the plugin's follows.
            rows = statement.getMoreResults();
        }
        return rows;
    }

    /** Begins the call on its own round trip, for the kernel's statements that run before any of the plugin's. */
    void begin() throws SQLException {
        if (begun) {
            return;
        }
        used = true;
        try (PreparedStatement statement = connection.prepareStatement(BEGIN_CALL)) {
            beginParameters(statement);
            statement.execute();
        }
        begun = true;
    }

    private void beginParameters(PreparedStatement statement) throws SQLException {
        statement.setObject(1, tenantId);
        statement.setBytes(2, key);
        statement.setBoolean(3, transaction);
    }

    /** The connection itself, for work that calls {@link #begin()} before its first statement. */
    Connection connection() {
        return connection;
    }

    /** Whether any statement was sent, so the connection's session may hold state of this call. */
    boolean used() {
        return used;
    }

    /**
     * Whether the plugin's SQL named advisory locks: then a session lock it took must not outlive the call, and the
     * connection is reset at its end rather than at its next call's start.
     */
    boolean namesAdvisoryLocks() {
        return namesAdvisoryLocks;
    }

    private static boolean containsIgnoreCase(String text, String word) {
        int last = text.length() - word.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }
}
