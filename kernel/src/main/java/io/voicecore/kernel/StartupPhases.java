package io.voicecore.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How long each phase of the kernel's start took, in the order they ran: {@code database} (the database started or
 * reached and the kernel's own migrations applied), {@code services}, {@code plugins-loaded} (installed versions
 * loaded), {@code plugins-installed} (jars of the plugin directories inspected and, when new, verified, migrated and
 * loaded), {@code background} and {@code http} (routes registered and the server listening). Logged once as
 * {@code Start-up phases (ms): database=812 services=40 ... total=1530}, so an operator (and the start-up benchmark)
 * can tell the database's own start from the kernel's work.
 */
public final class StartupPhases {
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    /** Records a phase's duration; a phase recorded twice keeps the sum. */
    public synchronized void record(String phase, long durationNanos) {
        nanos.merge(phase, Math.max(0, durationNanos), Long::sum);
    }

    /** @return every recorded phase and its duration in milliseconds, in the order first recorded */
    public synchronized Map<String, Long> millis() {
        Map<String, Long> millis = new LinkedHashMap<>();
        nanos.forEach((phase, value) -> millis.put(phase, value / 1_000_000));
        return millis;
    }

    /** @return the sum of every recorded phase, in nanoseconds */
    public synchronized long totalNanos() {
        return nanos.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return the log line, e.g. {@code Start-up phases (ms): database=812 services=40 http=120 total=972} */
    public synchronized String describe() {
        return "Start-up phases (ms): " + millis().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")) + " total=" + totalNanos() / 1_000_000;
    }
}
