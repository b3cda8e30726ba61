package io.voicecore.kernel.plugins.script;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.graalvm.polyglot.Context;

/**
 * Stops script calls that run past their deadline or allocate past their bound, by cancelling their context
 * ({@code close(true)}) from this thread. Allocation is what the JVM counts for the call's thread
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), sampled every {@link #PERIOD_NANOS}: between two
 * samples a script can allocate past the bound by what it allocates in that time (a few MiB when it does nothing else),
 * so the bound is a ceiling with that overshoot, not an exact quota. The thread sleeps while no call runs.
 */
final class ScriptWatchdog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ScriptWatchdog.class.getName());
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Why a call was stopped. */
    enum Reason { DEADLINE, MEMORY, ABANDONED }

    /** One call being watched. */
    static final class Watched {
        private final Context context;
        private final Thread thread;
        private final long deadlineNanos;
        private final long allocatedAtStart;
        private final long maxAllocatedBytes;
        private volatile Reason stopped;
        private volatile long allocatedWhenStopped;

        private Watched(Context context, Thread thread, long deadlineNanos, long allocatedAtStart, long maxAllocatedBytes) {
            this.context = context;
            this.thread = thread;
            this.deadlineNanos = deadlineNanos;
            this.allocatedAtStart = allocatedAtStart;
            this.maxAllocatedBytes = maxAllocatedBytes;
        }

        /** Why the call was stopped, or null when it was not. */
        Reason stopped() {
            return stopped;
        }

        /** What the call had allocated when the watchdog stopped it for memory. */
        long allocatedWhenStopped() {
            return allocatedWhenStopped;
        }

        /** Cancels the call's context; the call fails with a cancelled {@code PolyglotException}. */
        void stop(Reason reason) {
            if (stopped != null) {
                return;
            }
            stopped = reason;
            // close(true) waits for the cancelled thread to leave the context: not on the watchdog's own thread
            Thread.ofVirtual().name("voicecore-script-cancel").start(() -> {
                try {
                    context.close(true);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "cancelling a script context", e);
                }
            });
        }
    }

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Set<Watched> running = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    private volatile boolean closed;

    ScriptWatchdog() {
        if (!threads.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM does not measure allocation per thread; scripts cannot be bounded");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        watcher = Thread.ofPlatform().daemon().name("voicecore-script-watchdog").start(this::watch);
    }

    /** Starts watching a call that runs on the current thread. */
    Watched start(Context context, long timeoutNanos, long maxAllocatedBytes) {
        Thread current = Thread.currentThread();
        Watched watched = new Watched(context, current, System.nanoTime() + timeoutNanos,
                                      threads.getThreadAllocatedBytes(current.threadId()), maxAllocatedBytes);
        running.add(watched);
        LockSupport.unpark(watcher);
        return watched;
    }

    void finish(Watched watched) {
        running.remove(watched);
    }

    private void watch() {
        while (!closed) {
            if (running.isEmpty()) {
                LockSupport.park(this);
                continue;
            }
            long now = System.nanoTime();
            for (Watched call : running) {
                if (now - call.deadlineNanos >= 0) {
                    call.stop(Reason.DEADLINE);
                } else {
                    long allocated = threads.getThreadAllocatedBytes(call.thread.threadId()) - call.allocatedAtStart;
                    if (allocated > call.maxAllocatedBytes) {
                        call.allocatedWhenStopped = allocated;
                        call.stop(Reason.MEMORY);
                    }
                }
            }
            LockSupport.parkNanos(this, PERIOD_NANOS);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(watcher);
    }
}
