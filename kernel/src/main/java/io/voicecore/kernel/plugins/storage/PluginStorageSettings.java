package io.voicecore.kernel.plugins.storage;

import java.time.Duration;

/**
 * Limits of plugin storage.
 *
 * @param poolSize          connections per plugin (its own role, its own small pool)
 * @param idleTimeout       how long an unused plugin connection stays open
 * @param connectionTimeout how long a call waits for a free connection before failing
 * @param statementTimeout  how long one statement may run: sent as the server's {@code statement_timeout}
 *                          and enforced by the driver too, so SQL that changes the setting cannot outrun it
 * @param maxRows           most rows one query may return (the kernel holds them in memory)
 * @param binderPoolSize    connections of the kernel's own pool that records which tenant each plugin connection serves
 */
public record PluginStorageSettings(int poolSize, Duration idleTimeout, Duration connectionTimeout, Duration statementTimeout,
                                    int maxRows, int binderPoolSize) {

    public PluginStorageSettings {
        if (poolSize < 1 || binderPoolSize < 1 || maxRows < 1) {
            throw new IllegalArgumentException("pool sizes and maxRows must be at least 1");
        }
        if (statementTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("statementTimeout must be at least one second, not " + statementTimeout);
        }
    }

    /** Four connections per plugin, closed after 60 s unused; 5 s per statement; 10,000 rows per query. */
    public static PluginStorageSettings defaults() {
        return new PluginStorageSettings(4, Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(5), 10_000, 8);
    }

    /** The same settings with another pool size per plugin. */
    public PluginStorageSettings withPoolSize(int size) {
        return new PluginStorageSettings(size, idleTimeout, connectionTimeout, statementTimeout, maxRows, binderPoolSize);
    }

    /** The same settings with another statement timeout. */
    public PluginStorageSettings withStatementTimeout(Duration timeout) {
        return new PluginStorageSettings(poolSize, idleTimeout, connectionTimeout, timeout, maxRows, binderPoolSize);
    }

    /** The same settings with another row limit. */
    public PluginStorageSettings withMaxRows(int rows) {
        return new PluginStorageSettings(poolSize, idleTimeout, connectionTimeout, statementTimeout, rows, binderPoolSize);
    }
}
