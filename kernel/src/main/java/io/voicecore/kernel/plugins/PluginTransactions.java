package io.voicecore.kernel.plugins;

import java.sql.Connection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The plugin storage transaction the current thread is inside, so capabilities used within it (events)
 * can join it instead of committing on their own. Bound only for the call that opened it.
 */
public final class PluginTransactions {
    private record Active(PluginCall call, Connection connection) {
    }

    private static final ThreadLocal<Active> CURRENT = new ThreadLocal<>();

    private PluginTransactions() {
    }

    /** Runs work with the transaction's connection visible to capabilities of the same call. */
    public static <T> T within(PluginCall call, Connection connection, Supplier<T> work) {
        Active previous = CURRENT.get();
        CURRENT.set(new Active(call, connection));
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** The connection of the open storage transaction of this very call, if any. */
    public static Optional<Connection> current(PluginCall call) {
        Active active = CURRENT.get();
        return active != null && active.call() == call ? Optional.of(active.connection()) : Optional.empty();
    }
}
