package io.voicecore.standins.twilio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The call's events as they happen, timed on one monotonic clock from the call's start. Events come from the call's
 * thread and from its Media Streams' threads; each is added and passed to the listener under one lock, so both see
 * them in the order of their times.
 */
final class CallLog {
    private volatile long startNanos = System.nanoTime();
    private final List<CallEvent> events = new ArrayList<>();
    private final Consumer<CallEvent> listener;

    CallLog(Consumer<CallEvent> listener) {
        this.listener = listener;
    }

    /** Starts the call's clock now: the call rings. */
    void start() {
        startNanos = System.nanoTime();
    }

    /** @return the time since the call started */
    Duration now() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Adds the event {@code timed} makes for the current time. */
    synchronized <T extends CallEvent> T add(Function<Duration, T> timed) {
        T event = timed.apply(now());
        events.add(event);
        listener.accept(event);
        return event;
    }

    synchronized List<CallEvent> events() {
        return List.copyOf(events);
    }
}
