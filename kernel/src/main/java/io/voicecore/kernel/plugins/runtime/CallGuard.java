package io.voicecore.kernel.plugins.runtime;

import java.lang.management.ManagementFactory;

/**
 * Checks injected into plugin bytecode at every method entry and loop back-edge, and before array
 * allocations, so a plugin call that outlives its deadline or allocates past its quota is stopped inside
 * plugin code, even when it ignores interruption. Public only because instrumented plugin classes call
 * it; the verifier refuses any reference to it written in a plugin's source.
 */
public final class CallGuard {
    /** Reading the thread's allocation counter costs ~100 ns, so it is read on every 256th check. */
    private static final int ALLOCATION_CHECK_INTERVAL = 256;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ThreadLocal<CallBudget> CURRENT = new ThreadLocal<>();

    private CallGuard() {
    }

    /** Called by instrumented plugin code. */
    public static void check() {
        CallBudget budget = CURRENT.get();
        if (budget == null) {
            return;
        }
        if (budget.aborted != null) {
            throw new PluginCallAborted(budget.aborted);
        }
        if (System.nanoTime() > budget.deadlineNanos) {
            budget.abort(PluginCallAborted.Reason.DEADLINE);
        }
        if (++budget.checks % ALLOCATION_CHECK_INTERVAL == 0) {
            checkAllocation(budget);
        }
    }

    /** Called by instrumented plugin code before allocating an array of {@code length} elements. */
    public static void array(int length) {
        CallBudget budget = CURRENT.get();
        if (budget == null) {
            return;
        }
        // Eight bytes per element is the largest element size: an upper bound, cheap to compute.
        if ((long) length * 8 > budget.allocationQuotaBytes) {
            budget.abort(PluginCallAborted.Reason.MEMORY);
        }
        check();
    }

    private static void checkAllocation(CallBudget budget) {
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        if (allocated >= 0 && allocated - budget.allocatedAtStart > budget.allocationQuotaBytes) {
            budget.abort(PluginCallAborted.Reason.MEMORY);
        }
    }

    /** Binds a budget to the current (platform) thread for the duration of one plugin call. */
    static CallBudget enter(long timeoutNanos, long allocationQuotaBytes) {
        CallBudget budget = new CallBudget(System.nanoTime() + timeoutNanos, allocationQuotaBytes,
                                           THREADS.getCurrentThreadAllocatedBytes());
        CURRENT.set(budget);
        return budget;
    }

    static void exit() {
        CURRENT.remove();
    }

    /** The limits of one call; {@code aborted} is sticky so a plugin that catches the error is stopped again. */
    static final class CallBudget {
        final long deadlineNanos;
        final long allocationQuotaBytes;
        final long allocatedAtStart;
        volatile PluginCallAborted.Reason aborted;
        long checks;

        CallBudget(long deadlineNanos, long allocationQuotaBytes, long allocatedAtStart) {
            this.deadlineNanos = deadlineNanos;
            this.allocationQuotaBytes = allocationQuotaBytes;
            this.allocatedAtStart = allocatedAtStart;
        }

        void abort(PluginCallAborted.Reason reason) {
            if (aborted == null) {
                aborted = reason;
            }
            throw new PluginCallAborted(aborted);
        }
    }
}
