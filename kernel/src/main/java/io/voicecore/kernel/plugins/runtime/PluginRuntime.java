package io.voicecore.kernel.plugins.runtime;

import java.time.Duration;

import io.voicecore.kernel.plugins.install.PluginCatalog;

/**
 * The plugin runtime, in the parts {@code KernelServices} wires by hand: the {@linkplain PluginCatalog catalog} of
 * installed versions, each tenant's {@linkplain TenantEnablement enablement} with consent and quarantine, the
 * {@linkplain PluginCalls contained call}, and the calls of {@linkplain RouteCalls routes} and of
 * {@linkplain EventCalls events and jobs} built on it. Closing it stops calls, then every loaded version.
 */
public record PluginRuntime(PluginCatalog catalog, TenantEnablement enablement, PluginCalls calls, RouteCalls routes,
                            EventCalls events) implements AutoCloseable {

    /**
     * Runtime settings.
     *
     * @param maxTimeout                the longest deadline an ordinary call may ask for
     * @param allocationQuotaBytes      what one call may allocate in total, before any streaming credit
     * @param maxBodyBytes              the largest request body of an ordinary route ({@code http.max-body-bytes})
     * @param maxStreamBytes            the largest request body of a streaming route ({@code plugins.max-stream-bytes})
     * @param maxStreamTimeout          the longest deadline a streaming route may ask for ({@code plugins.max-stream-timeout})
     * @param allocationPerStreamedByte how much a call's allocation allowance grows per byte it streams in or out
     * @param licenceHold               how long events wait while the tenant's licence refuses their subscriber, before
     *                                  they are tried again ({@code plugins.events.licence-hold}); attaching a licence
     *                                  ends the wait at once
     */
    public record Settings(Duration maxTimeout, int maxConcurrency, long allocationQuotaBytes, int faultThreshold,
                           Duration faultWindow, Duration quarantine, long maxBodyBytes, long maxStreamBytes,
                           Duration maxStreamTimeout, long allocationPerStreamedByte, Duration licenceHold) {
        /**
         * Allocation allowed per byte streamed. Measured on the CRM import (docs/benchmarks.md): parsing, validating and
         * storing a CSV row allocates 6 to 14 KB whatever its width, so 180 times the size of a 75-byte row and 800 times
         * that of a 7-byte one; the factor covers narrow rows too and still ties a call to the data it actually moves.
         */
        public static final long DEFAULT_ALLOCATION_PER_STREAMED_BYTE = 1024;

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), 64, 64L * 1024 * 1024, 5, Duration.ofMinutes(1), Duration.ofMinutes(5),
                                1024 * 1024, 256L * 1024 * 1024, Duration.ofMinutes(10), DEFAULT_ALLOCATION_PER_STREAMED_BYTE,
                                Duration.ofSeconds(30));
        }

        /** The same settings with the kernel's configured body limits and streaming deadline. */
        public Settings withBodyLimits(long maxBodyBytes, long maxStreamBytes, Duration maxStreamTimeout) {
            return new Settings(maxTimeout, maxConcurrency, allocationQuotaBytes, faultThreshold, faultWindow, quarantine,
                                maxBodyBytes, maxStreamBytes, maxStreamTimeout, allocationPerStreamedByte, licenceHold);
        }

        /** The same settings with another wait for events whose subscriber's licence refuses. */
        public Settings withLicenceHold(Duration hold) {
            if (hold.isNegative() || hold.isZero()) {
                throw new IllegalArgumentException("the licence hold must be a positive duration, not " + hold);
            }
            return new Settings(maxTimeout, maxConcurrency, allocationQuotaBytes, faultThreshold, faultWindow, quarantine,
                                maxBodyBytes, maxStreamBytes, maxStreamTimeout, allocationPerStreamedByte, hold);
        }

        /** When repeated faults quarantine a plugin for a tenant. */
        public TenantEnablement.Quarantine quarantinePolicy() {
            return new TenantEnablement.Quarantine(faultThreshold, faultWindow, quarantine);
        }
    }

    /**
     * Runs the plugin's own check of a configuration a tenant is about to save (SDK {@code ConfigCheck}), when the
     * version the tenant runs registered one, as a plugin call for the tenant; nothing to check otherwise.
     *
     * @throws io.voicecore.sdk.PluginProblem the plugin's refusal
     * @throws io.voicecore.kernel.plugins.sandbox.PluginCallFailure the check failed (a fault), or the plugin is busy or
     *                                                               quarantined
     */
    public void checkConfig(java.util.UUID tenantId, String pluginId, io.voicecore.sdk.capability.PluginConfig proposed,
                            io.voicecore.sdk.Caller caller, String requestId) {
        enablement.versionFor(tenantId, pluginId).ifPresent(version -> version.configCheck().ifPresent(check ->
                calls.callVersion(tenantId, version, caller, requestId, "config check", context -> {
                    check.check(proposed, context);
                    return null;
                })));
    }

    @Override
    public void close() {
        enablement.close();
        catalog.close();
        calls.close();
    }
}
