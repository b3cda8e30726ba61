package io.voicecore.kernel.plugins.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginObserver;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.sandbox.PluginInvoker;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.ServiceFactory;
import io.voicecore.sdk.capability.Services;

/**
 * One contained call into plugin code for a tenant: the tenant's admitted version, held while the call runs, the
 * call's context with its capabilities and services, and the limits {@link PluginInvoker} enforces (deadline,
 * allocation quota, concurrency). A failure that is the plugin's fault is counted towards its quarantine. Routes,
 * events, jobs and streams all call plugin code through here.
 */
public final class PluginCalls implements AutoCloseable {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private final TenantEnablement enablement;
    private final PluginInvoker invoker;
    private final CapabilityFactory capabilities;
    private final PluginRuntime.Settings settings;
    private final PluginObserver observer;

    /** Calls that nobody observes: a production kernel's. */
    public PluginCalls(TenantEnablement enablement, PluginInvoker invoker, CapabilityFactory capabilities,
                       PluginRuntime.Settings settings) {
        this(enablement, invoker, capabilities, settings, PluginObserver.NONE);
    }

    /**
     * @param observer told of each call's start and end (with its outcome, time and allocation); the capabilities,
     *                 made by {@link ObservedCapabilities} when there is an observer, report what the call does inside
     */
    public PluginCalls(TenantEnablement enablement, PluginInvoker invoker, CapabilityFactory capabilities,
                       PluginRuntime.Settings settings, PluginObserver observer) {
        this.enablement = enablement;
        this.invoker = invoker;
        this.capabilities = capabilities;
        this.settings = settings;
        this.observer = observer;
    }

    /** Work to run inside containment, prepared outside it with the version and context of the call. */
    @FunctionalInterface
    interface CallPlan<T> {
        Prepared<T> prepare(LoadedVersion version, RuntimePluginContext context);
    }

    /**
     * Prepared work.
     *
     * @param timeout       the deadline a streaming route asked for, instead of the plugin's {@code limits.timeoutMillis}
     * @param callerAtFault whether a failure came from the caller (a body over the limit, a broken or stalled
     *                      connection), which does not count towards quarantine
     */
    record Prepared<T>(Callable<T> work, Optional<Duration> timeout, BooleanSupplier callerAtFault) {
        static <T> Prepared<T> of(Callable<T> work) {
            return new Prepared<>(work, Optional.empty(), () -> false);
        }
    }

    /** Plugin code run with the call's context. */
    @FunctionalInterface
    public interface Work<T> {
        T run(PluginContext context) throws Exception;
    }

    /**
     * Calls plugin code for a tenant: on the tenant's active version, taking the new one if an upgrade retired it
     * between look-up and entry.
     *
     * @throws io.voicecore.kernel.plugins.PluginRefusal {@code NOT_ENABLED}
     * @throws PluginCallFailure                         when the plugin is quarantined, or the call failed
     */
    <T> T call(UUID tenantId, String pluginId, Optional<Caller> caller, String requestId, String what, CallPlan<T> plan) {
        while (true) {
            TenantEnablement.Admitted admitted = enablement.admit(tenantId, pluginId);
            LoadedVersion version = admitted.version();
            if (!version.enter()) {
                continue; // retired by an upgrade between look-up and entry: take the new version
            }
            try {
                PluginCall call = new PluginCall(tenantId, version.manifest(), admitted.tenant().granted(), caller, requestId);
                RuntimePluginContext context = contextFor(call, admitted.standing());
                Prepared<T> work = plan.prepare(version, context);
                PluginManifest.Limits asked = version.manifest().limits();
                PluginInvoker.Limits limits = new PluginInvoker.Limits(
                        work.timeout().orElse(Duration.ofMillis(Math.min(asked.timeoutMillis(), settings.maxTimeout().toMillis()))),
                        Math.min(asked.concurrency(), settings.maxConcurrency()), settings.allocationQuotaBytes(),
                        settings.allocationPerStreamedByte());
                java.util.function.Consumer<PluginCallFailure> faults = failure -> {
                    if (!work.callerAtFault().getAsBoolean()) {
                        enablement.countFault(tenantId, pluginId, failure);
                    }
                };
                if (observer == PluginObserver.NONE) {
                    return invoker.invoke(tenantId, version.manifest(), version.classLoader(), limits, what, work.work(), faults);
                }
                return observed(call, what, work.work(),
                        measured -> invoker.invoke(tenantId, version.manifest(), version.classLoader(), limits, what, measured, faults));
            } finally {
                version.leave();
            }
        }
    }

    /** Runs a call with the observer told of its start and end, and the allocation measured on the thread that runs it. */
    private <T> T observed(PluginCall call, String what, Callable<T> work, java.util.function.Function<Callable<T>, T> invoke) {
        // Written by the thread that runs the plugin's code, which need not be this one; -1 if it never finished.
        java.util.concurrent.atomic.AtomicLong allocated = new java.util.concurrent.atomic.AtomicLong(-1);
        Callable<T> measured = () -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                return work.call();
            } finally {
                long after = THREADS.getCurrentThreadAllocatedBytes();
                allocated.set(before < 0 || after < 0 ? -1 : after - before);
            }
        };
        observer.callStarted(call, what);
        long started = System.nanoTime();
        T result;
        try {
            result = invoke.apply(measured);
        } catch (RuntimeException | Error failure) {
            observer.callEnded(call, what, Optional.empty(), Optional.of(failure), System.nanoTime() - started, allocated.get());
            throw failure;
        }
        observer.callEnded(call, what, Optional.ofNullable(result), Optional.empty(), System.nanoTime() - started, allocated.get());
        return result;
    }

    /**
     * One call into exactly {@code version} (e.g. a stream's handler, bound to the version it was opened on), with
     * the same containment as a route: deadline, allocation quota, concurrency limit and fault counting.
     *
     * @throws StreamVersionChanged when the tenant no longer uses that version
     */
    public <T> T callVersion(UUID tenantId, LoadedVersion version, Caller caller, String requestId, String what, Work<T> work) {
        String pluginId = version.manifest().id();
        return call(tenantId, pluginId, Optional.of(caller), requestId, what, (active, context) -> {
            if (active != version) {
                throw new StreamVersionChanged(pluginId, active.manifest().version());
            }
            return Prepared.of(() -> work.run(context));
        });
    }

    /**
     * The context plugin code gets for a call: the kernel's capabilities, each checking this call's permissions, and
     * the licence view of the standing the call was admitted with.
     */
    RuntimePluginContext contextFor(PluginCall call, LicenceStanding standing) {
        return new RuntimePluginContext(call, capabilities, this::servicesFor, standing.licence());
    }

    /** The services a call may use: those its manifest requires, from providers enabled for the same tenant. */
    private Services servicesFor(PluginCall consumer) {
        return new Services() {
            @Override
            public <T> T require(Class<T> type) {
                consumer.require(PluginManifest.Permission.SERVICES);
                PluginManifest.ServiceRequirement requirement = consumer.manifest().requires().stream()
                        .filter(r -> r.service().equals(type.getName())).findFirst()
                        .orElseThrow(() -> new PermissionDeniedException(PluginManifest.Permission.SERVICES, "Plugin '"
                                + consumer.pluginId() + "' does not declare that it requires " + type.getName() + "."));
                LoadedVersion provider = enablement.versionFor(consumer.tenantId(), requirement.plugin())
                        .orElseThrow(() -> new PermissionDeniedException(PluginManifest.Permission.SERVICES, "Plugin '"
                                + requirement.plugin() + "', which provides " + type.getName() + ", is not enabled for this tenant."));
                ServiceFactory<?> factory = provider.services().get(type.getName());
                if (factory == null) {
                    throw new PermissionDeniedException(PluginManifest.Permission.SERVICES, "Plugin '" + requirement.plugin()
                            + "' " + provider.manifest().version() + " does not export " + type.getName() + ".");
                }
                PluginStore.TenantPlugin providerTenant = enablement.tenantPlugin(consumer.tenantId(), requirement.plugin()).orElseThrow();
                // The provider's own licence: a service is a call into the provider on the consumer's behalf.
                LicenceStanding providerStanding = enablement.licenceStanding(providerTenant);
                if (!providerStanding.serves()) {
                    throw new PermissionDeniedException(PluginManifest.Permission.SERVICES, "Plugin '" + requirement.plugin()
                            + "', which provides " + type.getName() + ", has no licence in force for this tenant ("
                            + providerStanding.detail() + "); a tenant admin can renew it in the marketplace.");
                }
                PluginCall providerCall = new PluginCall(consumer.tenantId(), provider.manifest(), providerTenant.granted(),
                                                         consumer.caller(), consumer.requestId(), Optional.of(consumer));
                Object service = factory.create(contextFor(providerCall, providerStanding));
                return type.cast(service);
            }
        };
    }

    /**
     * Threads on which calls run in place, with no hand-over to another thread: the HTTP server serves its connections
     * on them (see {@link io.voicecore.kernel.plugins.sandbox.PluginInvoker#inPlaceThreads}).
     */
    public java.util.concurrent.ThreadFactory inPlaceThreads(String prefix) {
        return invoker.inPlaceThreads(prefix);
    }

    /** The runtime's settings: limits of calls and bodies. */
    PluginRuntime.Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        invoker.close();
    }
}
