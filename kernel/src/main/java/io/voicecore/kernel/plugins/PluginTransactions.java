package io.voicecore.kernel.plugins;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The plugin storage transaction the current thread is inside, so capabilities used within it (events)
 * can join it instead of committing on their own. Bound only for the call that opened it.
 *
 * <p>A capability can also {@linkplain #join join} it with a {@link Participant}: what it collected during the work is
 * written just before the commit, on the transaction's connection (events published in one transaction go to the
 * database in one statement), and it is told once the transaction committed.
 */
public final class PluginTransactions {

    /** A capability's part of one open transaction. */
    public interface Participant {
        /** Writes what the work collected; runs on the transaction's connection after the work, before the commit. */
        void beforeCommit(Connection connection) throws SQLException;

        /** Runs once the transaction committed; not at all when it rolled back. */
        void afterCommit();
    }

    private record Active(PluginCall call, Connection connection, Map<Class<?>, Participant> participants) {
    }

    private static final ThreadLocal<Active> CURRENT = new ThreadLocal<>();

    private PluginTransactions() {
    }

    /** What must run on the connection before the participants' first statement (the storage call's start). */
    @FunctionalInterface
    public interface Preparation {
        void run() throws SQLException;
    }

    /**
     * Runs work with the transaction's connection visible to capabilities of the same call, then lets the participants
     * that joined meanwhile write before the caller commits, after {@code beforeParticipants}. They are added to
     * {@code joined}, so the caller can tell them {@link Participant#afterCommit()} once the commit succeeded.
     */
    public static <T> T within(PluginCall call, Connection connection, List<Participant> joined, Supplier<T> work,
                               Preparation beforeParticipants) throws SQLException {
        Active previous = CURRENT.get();
        Active active = new Active(call, connection, new LinkedHashMap<>());
        CURRENT.set(active);
        try {
            T result = work.get();
            if (!active.participants().isEmpty()) {
                beforeParticipants.run();
            }
            for (Participant participant : active.participants().values()) {
                participant.beforeCommit(connection);
            }
            joined.addAll(active.participants().values());
            return result;
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

    /**
     * The participant of the given kind in the open storage transaction of this very call, created on first use; empty
     * when the call is not inside one.
     */
    public static <P extends Participant> Optional<P> join(PluginCall call, Class<P> kind, Function<Connection, P> create) {
        Active active = CURRENT.get();
        if (active == null || active.call() != call) {
            return Optional.empty();
        }
        return Optional.of(kind.cast(active.participants().computeIfAbsent(kind, k -> create.apply(active.connection()))));
    }
}
