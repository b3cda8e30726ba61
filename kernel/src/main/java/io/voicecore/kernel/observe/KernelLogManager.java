package io.voicecore.kernel.observe;

import java.util.logging.LogManager;

/**
 * The JDK's log manager closes every handler from its own shutdown hook, racing the kernel's
 * shutdown, so "stopping"/"stopped" and any failure while draining requests would be lost. This
 * manager ignores that reset; the kernel's shutdown hook calls {@link #resetFinally()} once it is done.
 * Installed with {@code -Djava.util.logging.manager=io.voicecore.kernel.observe.KernelLogManager}.
 */
public final class KernelLogManager extends LogManager {
    private volatile boolean finished;

    @Override
    public void reset() {
        if (!finished && Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName())) {
            return;
        }
        super.reset();
    }

    /** Closes the handlers for good, if this manager is the installed one. */
    public static void resetFinally() {
        if (LogManager.getLogManager() instanceof KernelLogManager manager) {
            manager.finished = true;
            manager.reset();
        }
    }
}
