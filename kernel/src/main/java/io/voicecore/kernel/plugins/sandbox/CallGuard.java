package io.voicecore.kernel.plugins.sandbox;

import java.lang.management.ManagementFactory;

/**
 * Checks injected into plugin bytecode at every method entry and loop back-edge, and before array
 * allocations, so a plugin call that outlives its deadline or allocates past its quota is stopped inside
 * plugin code, even when it ignores interruption; and the resource look-ups that replace
 * {@code Class#getResource*} in plugin code. Public only because instrumented plugin classes call it;
 * the verifier refuses any reference to it written in a plugin's source.
 */
public final class CallGuard {
    /**
     * The thread's allocation counter is read on every 4096th check only, or sooner when a millisecond has passed since
     * the last reading (code that allocates much per check, e.g. concatenating ever longer strings in JDK code) or when
     * the arrays allocated since then may add up to a mebibyte. So a call is stopped close to its quota, not hundreds
     * of mebibytes past it. (The clock is read on every check: with few checks and much work between them, reading it
     * less often let a doubling string pass the quota many times over.)
     */
    private static final int ALLOCATION_CHECK_INTERVAL = 4096;
    private static final long ALLOCATION_CHECK_NANOS = 1_000_000;
    private static final long ARRAY_BYTES_BETWEEN_CHECKS = 1 << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /**
     * The budget of a call on a thread that is not one of the runtime's {@link PluginThread}s (a test driving the guard
     * directly). Plugin calls keep theirs in a field of their thread: the guard runs at every loop back-edge, and a
     * thread-local look-up there cost more than the rest of the check.
     */
    private static final ThreadLocal<CallBudget> OTHER_THREADS = new ThreadLocal<>();
    /** At most this much of a call's time may be spent defining library classes without counting against its deadline. */
    static final long MAX_UNCHARGED_NANOS = 30_000_000_000L;

    private CallGuard() {
    }

    /**
     * A thread of the plugin runtime, which carries the budget of the call it runs: a pooled thread that calls are handed
     * to, or a thread that runs calls in place ({@link PluginInvoker#inPlaceThreads}). The budget is read by the guard on
     * every check and, for calls run in place, by the invoker's watchdog.
     */
    static final class PluginThread extends Thread {
        private volatile CallBudget budget;
        /** The invoker whose in-place thread this is, which watches it; {@code null} for a pooled thread. */
        private final PluginInvoker inPlaceOf;

        PluginThread(Runnable work, String name, PluginInvoker inPlaceOf) {
            super(work, name);
            this.inPlaceOf = inPlaceOf;
        }

        /** Whether {@code invoker} may run a call in place here: its own in-place thread, not already running a call. */
        boolean canRunInPlace(PluginInvoker invoker) {
            return inPlaceOf == invoker && budget == null;
        }

        CallBudget budget() {
            return budget;
        }
    }

    private static CallBudget current() {
        return Thread.currentThread() instanceof PluginThread thread ? thread.budget : OTHER_THREADS.get();
    }

    /** Called by instrumented plugin code. */
    public static void check() {
        CallBudget budget = current();
        if (budget == null) {
            return;
        }
        if (budget.aborted != null) {
            throw new PluginCallAborted(budget.aborted);
        }
        long checks = ++budget.checks;
        long now = System.nanoTime();
        if (now > budget.deadlineNanos) {
            budget.abort(PluginCallAborted.Reason.DEADLINE);
        }
        if (checks % ALLOCATION_CHECK_INTERVAL == 0 || now - budget.lastAllocationCheckNanos > ALLOCATION_CHECK_NANOS
            || budget.arrayBytesSinceCheck > ARRAY_BYTES_BETWEEN_CHECKS) {
            budget.lastAllocationCheckNanos = now;
            budget.arrayBytesSinceCheck = 0;
            checkAllocation(budget);
        }
    }

    /**
     * Called by instrumented plugin code just before a call plugins may never make ({@code System.exit},
     * {@code new Thread}, {@code setAccessible}, ...). Always throws.
     */
    public static void refuse(String api) {
        throw new PluginRefusedOperation(api);
    }

    /** Called by instrumented platform-library code before a call it may never make for a plugin. Always throws. */
    public static void refuseInLibrary(String api) {
        throw PluginRefusedOperation.inLibrary(api);
    }

    /** Called by instrumented plugin code before allocating an array of {@code length} elements. */
    public static void array(int length) {
        CallBudget budget = current();
        if (budget == null) {
            return;
        }
        // Eight bytes per element is the largest element size: an upper bound, cheap to compute.
        long bytes = (long) Math.max(length, 0) * 8;
        if (bytes > budget.allocationQuotaBytes) {
            budget.abort(PluginCallAborted.Reason.MEMORY);
        }
        budget.arrayBytesSinceCheck += bytes;
        check();
    }

    /**
     * Replaces {@code type.getResource(name)} in plugin code: only the plugin's own classes find resources
     * (in its own jar). On an SDK, kernel, JDK or other plugin's class the look-up would search that class's
     * loader, e.g. the kernel's class path, so it finds nothing.
     *
     * @param caller the plugin class making the call, named by the instrumentation
     */
    public static java.net.URL getResource(Class<?> type, String name, Class<?> caller) {
        return sameLoader(type, caller) ? type.getResource(name) : null;
    }

    /** Replaces {@code type.getResourceAsStream(name)} in plugin code; see {@link #getResource(Class, String, Class)}. */
    public static java.io.InputStream getResourceAsStream(Class<?> type, String name, Class<?> caller) {
        return sameLoader(type, caller) ? type.getResourceAsStream(name) : null;
    }

    private static boolean sameLoader(Class<?> type, Class<?> caller) {
        ClassLoader loader = type.getClassLoader();
        return loader instanceof IsolatedPluginClassLoader && loader == caller.getClassLoader();
    }

    private static void checkAllocation(CallBudget budget) {
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        if (allocated >= 0 && allocated - budget.allocatedAtStart > budget.allocationQuotaBytes) {
            budget.abort(PluginCallAborted.Reason.MEMORY);
        }
    }

    /**
     * The budget of a call about to be submitted: its deadline runs from now, so the waiting side and the
     * guard inside the call agree on it (and on its extensions, see {@link #uncharged}).
     */
    static CallBudget budget(long timeoutNanos, long allocationQuotaBytes) {
        return new CallBudget(System.nanoTime() + timeoutNanos, allocationQuotaBytes);
    }

    /** Binds a budget to the current (platform) thread for the duration of one plugin call. */
    static void enter(CallBudget budget) {
        budget.allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
        // Just read: the first checks need not read it again (a short call, a frame of a media stream, makes few).
        budget.lastAllocationCheckNanos = System.nanoTime();
        if (Thread.currentThread() instanceof PluginThread thread) {
            thread.budget = budget;
        } else {
            OTHER_THREADS.set(budget);
        }
    }

    /**
     * Starts the next unit of work of the current call (the next event, or batch of events, of one delivery call) with
     * limits of its own: a deadline from now and an allocation allowance counted from now, as if it were a call of its
     * own. Package-private: plugin code cannot reach it. A call already stopped stays stopped.
     */
    public static void renew(long timeoutNanos, long allocationQuotaBytes) {
        CallBudget budget = current();
        if (budget == null) {
            return;
        }
        if (budget.aborted != null) {
            throw new PluginCallAborted(budget.aborted);
        }
        budget.allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
        budget.allocationQuotaBytes = allocationQuotaBytes;
        budget.arrayBytesSinceCheck = 0;
        budget.deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    static void exit() {
        if (Thread.currentThread() instanceof PluginThread thread) {
            thread.budget = null;
        } else {
            OTHER_THREADS.remove();
        }
    }

    /**
     * Runs kernel work that happens on a plugin call's thread but is not the plugin's doing (defining the
     * classes of a platform library on first use): its allocations are not charged to the call's quota and
     * its time extends the call's deadline, up to {@link #MAX_UNCHARGED_NANOS} per call. Nested uses
     * (defining a class loads its superclass) are credited once, by the outermost.
     */
    static <T> java.util.Optional<T> uncharged(java.util.function.Supplier<T> work) {
        CallBudget budget = current();
        if (budget == null || budget.unchargedDepth > 0) {
            return java.util.Optional.ofNullable(work.get());
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        budget.unchargedDepth++;
        try {
            return java.util.Optional.ofNullable(work.get());
        } finally {
            budget.unchargedDepth--;
            budget.allocatedAtStart += THREADS.getCurrentThreadAllocatedBytes() - allocated;
            long credit = Math.min(System.nanoTime() - started, MAX_UNCHARGED_NANOS - budget.unchargedNanos);
            if (credit > 0) {
                budget.unchargedNanos += credit;
                budget.deadlineNanos += credit;
            }
        }
    }

    /**
     * Raises the current call's allocation allowance: called by the kernel's streams as a streaming call reads its
     * request body or writes its response body, so work proportional to the data streamed is allowed while a call
     * that streams nothing keeps the plain quota. Package-private: plugin code cannot reach it.
     */
    public static void credit(long bytes) {
        CallBudget budget = current();
        if (budget != null && bytes > 0) {
            budget.allocationQuotaBytes = saturatingAdd(budget.allocationQuotaBytes, bytes);
        }
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    /** The limits of one call; {@code aborted} is sticky so a plugin that catches the error is stopped again. */
    static final class CallBudget {
        private static final int RUNNING = 0;
        private static final int ENDED = 1;
        private static final int INTERRUPTING = 2;
        private static final int INTERRUPTED = 3;
        private static final java.lang.invoke.VarHandle STATE;

        static {
            try {
                STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(CallBudget.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Of a call run in place: whether it still runs, or was interrupted by the watchdog ({@link #stopOverdue}). */
        private volatile int state;
        /** Extended by {@link #uncharged}; read by the thread waiting for the call. */
        volatile long deadlineNanos;
        /** Grows as a streaming call streams ({@link #credit}); read and written by the call's own thread only. */
        long allocationQuotaBytes;
        long allocatedAtStart;
        volatile PluginCallAborted.Reason aborted;
        long checks;
        long lastAllocationCheckNanos;
        long arrayBytesSinceCheck;
        int unchargedDepth;
        long unchargedNanos;

        CallBudget(long deadlineNanos, long allocationQuotaBytes) {
            this.deadlineNanos = deadlineNanos;
            this.allocationQuotaBytes = allocationQuotaBytes;
            this.lastAllocationCheckNanos = System.nanoTime();
        }

        void abort(PluginCallAborted.Reason reason) {
            if (aborted == null) {
                aborted = reason;
            }
            throw new PluginCallAborted(aborted);
        }

        /**
         * Stops a call run in place on {@code thread} that is past its deadline: its next check throws, and the thread is
         * interrupted out of a wait, unless the call has ended already.
         */
        void stopOverdue(Thread thread) {
            if (aborted == null) {
                aborted = PluginCallAborted.Reason.DEADLINE;
            }
            if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                thread.interrupt();
                state = INTERRUPTED;
            }
        }

        /**
         * Ends a call run in place, on its own thread: afterwards no interrupt meant for the call can reach the thread,
         * which goes on serving its connection. An interrupt the watchdog sent is cleared here.
         */
        void endInPlace() {
            if (!STATE.compareAndSet(this, RUNNING, ENDED)) {
                while (state != INTERRUPTED) {
                    Thread.onSpinWait();
                }
                Thread.interrupted();
            }
        }
    }
}
