package io.voicecore.kernel.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the kernel reads from its configuration, already validated.
 * See {@link ConfigLoader} for where each value comes from and {@code docs/operator-guide.md} for the keys.
 *
 * @param masterKeyPrevious      older master keys (base64) still used to open values sealed under them
 * @param egressMaxResponseBytes the largest response body a plugin's outbound HTTP call may read
 * @param pluginMaxJarBytes      the largest plugin jar an upload may carry
 * @param pluginsDir             plugin jars shipped with the distribution, installed at start-up
 * @param eventMaxAttempts       delivery attempts of a plugin event before it becomes a dead letter
 * @param eventRetryBackoff      wait after an event delivery's first failed attempt, doubled after each further one
 * @param eventLicenceHold       how long events wait while the tenant's licence refuses their subscriber, before they
 *                               are tried again (attaching a licence ends the wait at once)
 * @param eventClaimTimeout      how long a node's claim on event deliveries lasts: how late another node takes over the
 *                               deliveries a node that died had started
 * @param streamMaxFrameBytes    the largest message a client may send on a plugin stream (WebSocket), in bytes
 * @param streamMaxPerTenant     plugin streams one tenant may hold open at once on one kernel node
 * @param pluginMaxStreamBytes   the largest request body a streaming plugin route may receive
 * @param pluginMaxStreamTimeout the longest deadline a streaming plugin route may ask for in its manifest
 * @param pluginStoragePoolSize  database connections of each plugin's own pool (on each kernel node)
 * @param pluginStoragePoolSizes the pool sizes of plugins that need another number, by plugin id
 * @param egressAllowPrivate     private, loopback, link-local or metadata addresses (CIDR ranges, addresses or host
 *                               names) plugins may reach all the same; empty: none
 * @param streamMaxMessagesPerSecond messages a client may send per second on one plugin stream (bursts of as many)
 * @param streamAllowedOrigins   web origins whose pages may open plugin streams besides the API's own
 * @param retention              how long the kernel keeps history it may delete (keys {@code retention.*})
 * @param scripts                the limits of the script sandbox (keys {@code scripts.*})
 */
public record KernelConfig(
        String host,
        int port,
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        int dbPoolSize,
        Optional<String> redisUrl,
        String redisKeyPrefix,
        Optional<String> adminToken,
        Optional<String> masterKey,
        List<String> masterKeyPrevious,
        Duration sessionTtl,
        int rateLimitPerMinute,
        long maxBodyBytes,
        Duration shutdownGrace,
        String logFormat,
        long egressMaxResponseBytes,
        long pluginMaxJarBytes,
        Path pluginsDir,
        int eventMaxAttempts,
        Duration eventRetryBackoff,
        Duration eventLicenceHold,
        Duration eventClaimTimeout,
        int streamMaxFrameBytes,
        int streamMaxPerTenant,
        long pluginMaxStreamBytes,
        Duration pluginMaxStreamTimeout,
        int pluginStoragePoolSize,
        Map<String, Integer> pluginStoragePoolSizes,
        List<String> egressAllowPrivate,
        int streamMaxMessagesPerSecond,
        List<String> streamAllowedOrigins,
        Retention retention,
        Scripts scripts) {

    /**
     * The limits of every JavaScript call in the script sandbox (keys {@code scripts.*}): script plugins and tenant
     * scripts alike.
     *
     * @param statementLimit     statements one call may run (reset for each call)
     * @param timeout            wall-clock time one call may take before its context is cancelled
     * @param maxAllocatedBytes  bytes one call may allocate before its context is cancelled
     * @param threads            calls that run at once on this node; more wait for a free thread
     * @param pooledContexts     idle contexts kept for each tenant and script, ready for the next call
     */
    public record Scripts(long statementLimit, Duration timeout, long maxAllocatedBytes, int threads, int pooledContexts) {
    }

    /**
     * What the retention job deletes, and when (keys {@code retention.*}). The audit log is never deleted.
     *
     * @param enabled      whether this node takes part in retention passes at all
     * @param interval     how often a pass runs (one node does each pass)
     * @param batchSize    rows deleted per transaction, so no pass holds locks for long
     * @param events       age after which events whose deliveries were all delivered are deleted (never pending or dead ones)
     * @param jobRuns      age (of the due time) after which job run records are deleted
     * @param sessions     time after a login session ended (expired or revoked) when its row is deleted
     * @param usageRecords age after which raw usage records are deleted, unless billing or a spend cap still needs them
     */
    public record Retention(boolean enabled, Duration interval, int batchSize, Duration events, Duration jobRuns,
                            Duration sessions, Duration usageRecords) {
    }
}
