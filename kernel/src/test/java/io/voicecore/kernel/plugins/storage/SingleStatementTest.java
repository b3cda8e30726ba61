package io.voicecore.kernel.plugins.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A ';' separates statements only outside literals, quoted identifiers and comments. */
class SingleStatementTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "SELECT 'a;b'",
            "SELECT 'it''s; fine'",
            "SELECT E'back\\\\slash\\'; still a string'",
            "SELECT \"odd;name\" FROM t",
            "SELECT 1 -- trailing; comment",
            "SELECT /* one; /* nested; */ still; comment */ 1",
            "SELECT $$dollar; quoted$$",
            "SELECT $fn$ body; with $$ inside; $fn$",
            "SELECT a$b FROM t WHERE x = 'y'",
            "INSERT INTO t (doc) VALUES ('{\"k\": \";\"}')"})
    void oneStatementIsAccepted(String sql) {
        assertEquals(OptionalInt.empty(), SingleStatement.separator(sql), sql);
        SingleStatement.require(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1; SELECT 2",
            "SELECT 1;",
            "SELECT 'a'; DROP TABLE t",
            "SELECT 'it''s'; DELETE FROM t",
            "SELECT E'\\''; DELETE FROM t",
            "SELECT 1 -- comment\n; DELETE FROM t",
            "SELECT /* c */ 1; DELETE FROM t",
            "SELECT $$x$$; DELETE FROM t",
            "SELECT \"a\"\"b\"; DELETE FROM t"})
    void aSecondStatementIsRefused(String sql) {
        assertTrue(SingleStatement.separator(sql).isPresent(), sql);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SingleStatement.require(sql));
        assertTrue(e.getMessage().contains("one SQL statement per call"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void emptySqlIsRefused(String sql) {
        assertThrows(IllegalArgumentException.class, () -> SingleStatement.require(sql));
    }
}
