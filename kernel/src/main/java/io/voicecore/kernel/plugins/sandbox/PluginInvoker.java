package io.voicecore.kernel.plugins.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.PluginProblem;

/**
 * Runtime containment (sandbox layer 5): every call into plugin code runs on a platform thread with a deadline, an
 * allocation quota and a bounded number of concurrent calls per (tenant, plugin). An exception, timeout or exhausted
 * quota becomes a {@link PluginCallFailure} for that call only; the kernel and other plugins keep serving. Faults are
 * reported so repeated ones can quarantine the plugin. Platform threads, because the JVM measures allocation per
 * platform thread only.
 *
 * <p>A call made on one of this invoker's {@linkplain #inPlaceThreads in-place threads} (the HTTP server runs its
 * connections on them) runs right there, with no hand-over; a watchdog interrupts it if it is still waiting past its
 * deadline. A call made on any other thread (a virtual thread, or from inside another call) is handed to a pooled
 * platform thread and waited for until its deadline.
 */
public final class PluginInvoker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginInvoker.class.getName());
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** How often the watchdog looks for calls run in place that are past their deadline and its grace. */
    private static final long WATCH_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    /**
     * A call's limits.
     *
     * @param allocationQuotaBytes        what the call may allocate in total, to begin with
     * @param allocationPerStreamedByte   how much the allowance grows per byte the call streams in or out
     */
    public record Limits(Duration timeout, int concurrency, long allocationQuotaBytes, long allocationPerStreamedByte) {
        /** Limits of a call that streams nothing. */
        public Limits(Duration timeout, int concurrency, long allocationQuotaBytes) {
            this(timeout, concurrency, allocationQuotaBytes, 0);
        }
    }

    private final ThreadPoolExecutor executor;
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
    /** The live in-place threads, which the watchdog looks at. */
    private final Set<CallGuard.PluginThread> inPlace = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inPlaceNumber = new AtomicInteger();
    private volatile Thread watchdog;
    private volatile boolean closed;

    public PluginInvoker(int maxThreads) {
        AtomicInteger number = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new CallGuard.PluginThread(runnable, "plugin-call-" + number.incrementAndGet(), null);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Makes threads on which plugin calls run in place, without a hand-over to the pool: platform threads, so the
     * allocation quota is measured as on the pool's, watched so a call waiting past its deadline is interrupted. Whoever
     * runs work on them (the HTTP server, a connection each) gets the calls made there served at the cost of a method
     * call.
     *
     * @param prefix the threads' names, numbered
     */
    public ThreadFactory inPlaceThreads(String prefix) {
        startWatchdog();
        return runnable -> {
            CallGuard.PluginThread[] self = new CallGuard.PluginThread[1];
            self[0] = new CallGuard.PluginThread(() -> {
                inPlace.add(self[0]);
                try {
                    runnable.run();
                } finally {
                    inPlace.remove(self[0]);
                }
            }, prefix + inPlaceNumber.incrementAndGet(), this);
            self[0].setDaemon(true);
            return self[0];
        };
    }

    private synchronized void startWatchdog() {
        if (watchdog == null && !closed) {
            watchdog = Thread.ofPlatform().daemon().name("plugin-call-watchdog").start(this::watch);
        }
    }

    /**
     * Interrupts calls run in place that are still running past their deadline and grace: a call waiting (sleeping, on a
     * lock, on a capability's I/O) is not stopped by the guard, which only runs while plugin code does.
     */
    private void watch() {
        while (!closed) {
            LockSupport.parkNanos(WATCH_PERIOD_NANOS);
            long now = System.nanoTime();
            for (CallGuard.PluginThread thread : inPlace) {
                CallGuard.CallBudget budget = thread.budget();
                if (budget != null && now - (budget.deadlineNanos + GRACE_NANOS) > 0) {
                    budget.stopOverdue(thread);
                }
            }
        }
    }

    /**
     * Runs plugin code for a tenant within limits.
     *
     * @param onFault told about each fault (after the failure is decided), for quarantine accounting
     * @throws PluginProblem      what the plugin deliberately answered (not a fault)
     * @throws PluginCallFailure  when the call failed, timed out, ran out of memory or was refused as busy
     */
    public <T> T invoke(UUID tenantId, PluginManifest plugin, ClassLoader classLoader, Limits limits, String what,
                        Callable<T> work, Consumer<PluginCallFailure> onFault) {
        String pluginId = plugin.id();
        Semaphore permits = inFlight.computeIfAbsent(tenantId + "/" + pluginId, k -> new Semaphore(limits.concurrency()));
        if (!permits.tryAcquire()) {
            throw new PluginCallFailure(PluginCallFailure.Kind.BUSY, pluginId, "Plugin '" + pluginId + "' already has "
                    + limits.concurrency() + " calls in flight for this tenant; retry shortly.", null);
        }
        try {
            return run(pluginId, classLoader, limits, what, work);
        } catch (PluginCallFailure failure) {
            if (failure.isFault()) {
                LOG.log(Level.WARNING, "Plugin " + pluginId + "@" + plugin.version() + " failed in " + what + ": " + failure.getMessage(),
                        failure.getCause());
                onFault.accept(failure);
            }
            throw failure;
        } finally {
            permits.release();
        }
    }

    private <T> T run(String pluginId, ClassLoader classLoader, Limits limits, String what, Callable<T> work) {
        CallGuard.CallBudget budget = CallGuard.budget(limits.timeout().toNanos(), limits.allocationQuotaBytes());
        if (Thread.currentThread() instanceof CallGuard.PluginThread thread && thread.canRunInPlace(this)) {
            return runInPlace(thread, pluginId, classLoader, limits, what, work, budget);
        }
        Future<T> future;
        try {
            future = executor.submit(() -> {
                Thread thread = Thread.currentThread();
                ClassLoader previous = thread.getContextClassLoader();
                thread.setContextClassLoader(classLoader);
                CallGuard.enter(budget);
                try {
                    return work.call();
                } finally {
                    CallGuard.exit();
                    thread.setContextClassLoader(previous);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new PluginCallFailure(PluginCallFailure.Kind.BUSY, pluginId,
                                        "The plugin runtime is at its thread limit; retry shortly.", null);
        }
        try {
            return awaitWithinDeadline(future, budget);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timeout(pluginId, limits, what);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PluginCallFailure(PluginCallFailure.Kind.FAILED, pluginId, "interrupted while waiting for the plugin", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), pluginId, limits, what);
        }
    }

    /**
     * Runs a call on the calling thread. It ends as a handed-over call does: what it returned or threw, or a timeout if
     * it ended past its deadline and grace (by then a handed-over call's caller has stopped waiting).
     */
    private <T> T runInPlace(CallGuard.PluginThread thread, String pluginId, ClassLoader classLoader, Limits limits,
                             String what, Callable<T> work, CallGuard.CallBudget budget) {
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        CallGuard.enter(budget);
        T result = null;
        Throwable thrown = null;
        try {
            result = work.call();
        } catch (Throwable e) {
            thrown = e;
        } finally {
            CallGuard.exit();
            budget.endInPlace();
            thread.setContextClassLoader(previous);
        }
        if (budget.aborted == PluginCallAborted.Reason.DEADLINE
            || System.nanoTime() - (budget.deadlineNanos + GRACE_NANOS) > 0) {
            throw timeout(pluginId, limits, what);
        }
        if (thrown != null) {
            throw failure(thrown, pluginId, limits, what);
        }
        return result;
    }

    /** What a call that threw {@code cause} ends with: the plugin's problem as it is, anything else as a failure. */
    private static RuntimeException failure(Throwable cause, String pluginId, Limits limits, String what) {
        if (cause instanceof PluginProblem problem) {
            return problem;
        }
        if (cause instanceof PluginCallAborted aborted) {
            return aborted.reason() == PluginCallAborted.Reason.DEADLINE ? timeout(pluginId, limits, what)
                    : new PluginCallFailure(PluginCallFailure.Kind.MEMORY, pluginId, "Plugin '" + pluginId
                    + "' allocated more than its quota of " + limits.allocationQuotaBytes() / (1024 * 1024) + " MiB"
                    + (limits.allocationPerStreamedByte() > 0 ? " plus " + limits.allocationPerStreamedByte()
                                                                 + " bytes per byte streamed" : "")
                    + " in " + what + ".", null);
        }
        if (cause instanceof OutOfMemoryError) {
            return new PluginCallFailure(PluginCallFailure.Kind.MEMORY, pluginId, "Plugin '" + pluginId
                    + "' ran out of memory in " + what + ".", null);
        }
        if (cause instanceof PluginCallFailure nested) {
            return nested;
        }
        return new PluginCallFailure(PluginCallFailure.Kind.FAILED, pluginId, "Plugin '" + pluginId + "' failed in "
                + what + " (" + cause.getClass().getSimpleName() + ").", cause);
    }

    /**
     * Waits until the call's deadline plus a little grace (the guard inside plugin code usually stops the
     * call first); the deadline is read again after each wait, since defining library classes extends it.
     */
    private static <T> T awaitWithinDeadline(Future<T> future, CallGuard.CallBudget budget)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            long remaining = budget.deadlineNanos + GRACE_NANOS - System.nanoTime();
            try {
                return future.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (budget.deadlineNanos + GRACE_NANOS - System.nanoTime() <= 0) {
                    throw e;
                }
            }
        }
    }

    private static PluginCallFailure timeout(String pluginId, Limits limits, String what) {
        return new PluginCallFailure(PluginCallFailure.Kind.TIMEOUT, pluginId, "Plugin '" + pluginId + "' did not answer "
                + what + " within " + limits.timeout().toMillis() + " ms.", null);
    }

    /** Threads currently running plugin code, pooled or in place, for metrics and tests. */
    public int activeThreads() {
        int running = executor.getActiveCount();
        for (CallGuard.PluginThread thread : inPlace) {
            if (thread.budget() != null) {
                running++;
            }
        }
        return running;
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }
}
