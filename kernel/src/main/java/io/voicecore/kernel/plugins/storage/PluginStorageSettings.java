package io.voicecore.kernel.plugins.storage;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Limits of plugin storage.
 *
 * @param poolSize          connections per plugin (its own role, its own small pool), unless {@code poolSizes} names the plugin
 * @param poolSizes         connections of the plugins that need another number than {@code poolSize}, by plugin id
 * @param idleTimeout       how long an unused plugin connection stays open
 * @param connectionTimeout how long a call waits for a free connection before failing
 * @param statementTimeout  how long one statement may run: sent as the server's {@code statement_timeout}
 *                          and enforced by the driver too, so SQL that changes the setting cannot outrun it
 * @param maxRows           most rows one query may return (the kernel holds them in memory)
 * @param binderPoolSize    connections of the kernel's own pool that records which tenant each plugin connection serves
 */
public record PluginStorageSettings(int poolSize, Map<String, Integer> poolSizes, Duration idleTimeout, Duration connectionTimeout,
                                    Duration statementTimeout, int maxRows, int binderPoolSize) {

    /** Connections per plugin unless configured otherwise ({@code plugins.storage.pool-size}). */
    public static final int DEFAULT_POOL_SIZE = 8;

    public PluginStorageSettings {
        poolSizes = Map.copyOf(poolSizes);
        if (poolSize < 1 || binderPoolSize < 1 || maxRows < 1 || poolSizes.values().stream().anyMatch(size -> size < 1)) {
            throw new IllegalArgumentException("pool sizes and maxRows must be at least 1");
        }
        if (statementTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("statementTimeout must be at least one second, not " + statementTimeout);
        }
    }

    /**
     * {@value #DEFAULT_POOL_SIZE} connections per plugin, closed after 60 s unused; 5 s per statement; 10,000 rows per query;
     * 8 connections to bind plugin connections to tenants.
     */
    public static PluginStorageSettings defaults() {
        return new PluginStorageSettings(DEFAULT_POOL_SIZE, Map.of(), Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(5),
                                         10_000, 8);
    }

    /** The number of connections of one plugin's pool. */
    public int poolSizeOf(String pluginId) {
        return poolSizes.getOrDefault(pluginId, poolSize);
    }

    /** The same settings with another pool size for every plugin not named in {@link #poolSizes()}. */
    public PluginStorageSettings withPoolSize(int size) {
        return new PluginStorageSettings(size, poolSizes, idleTimeout, connectionTimeout, statementTimeout, maxRows, binderPoolSize);
    }

    /** The same settings with one plugin's pool size set apart from the others'. */
    public PluginStorageSettings withPoolSize(String pluginId, int size) {
        Map<String, Integer> sizes = new HashMap<>(poolSizes);
        sizes.put(pluginId, size);
        return new PluginStorageSettings(poolSize, sizes, idleTimeout, connectionTimeout, statementTimeout, maxRows, binderPoolSize);
    }

    /** The same settings with these plugins' pool sizes set apart from the others' (replacing any set before). */
    public PluginStorageSettings withPoolSizes(Map<String, Integer> sizes) {
        return new PluginStorageSettings(poolSize, sizes, idleTimeout, connectionTimeout, statementTimeout, maxRows, binderPoolSize);
    }

    /** The same settings with another wait for a free connection. */
    public PluginStorageSettings withConnectionTimeout(Duration timeout) {
        return new PluginStorageSettings(poolSize, poolSizes, idleTimeout, timeout, statementTimeout, maxRows, binderPoolSize);
    }

    /** The same settings with another statement timeout. */
    public PluginStorageSettings withStatementTimeout(Duration timeout) {
        return new PluginStorageSettings(poolSize, poolSizes, idleTimeout, connectionTimeout, timeout, maxRows, binderPoolSize);
    }

    /** The same settings with another row limit. */
    public PluginStorageSettings withMaxRows(int rows) {
        return new PluginStorageSettings(poolSize, poolSizes, idleTimeout, connectionTimeout, statementTimeout, rows, binderPoolSize);
    }
}
