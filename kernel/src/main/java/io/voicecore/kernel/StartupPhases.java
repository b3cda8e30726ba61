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
 * can tell the database's own start from the kernel's work. Phases recorded with the process's CPU time are followed by
 * it ({@code ... total=1530; process CPU (ms): database=300 plugins-loaded=450}): on a shared machine the wall time of a
 * phase grows with everything else running, its CPU time (all threads, JIT compiler and GC included) much less.
 */
public final class StartupPhases {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Map<String, Long> cpuNanos = new LinkedHashMap<>();

    /** Records a phase's duration; a phase recorded twice keeps the sum. */
    public synchronized void record(String phase, long durationNanos) {
        nanos.merge(phase, Math.max(0, durationNanos), Long::sum);
    }

    /**
     * Records a phase's duration and the CPU time the whole process used meanwhile; a phase recorded twice keeps the sums.
     *
     * @param processCpuNanos difference of two {@link #processCpuNanos()} readings; negative when unknown (not recorded)
     */
    public synchronized void record(String phase, long durationNanos, long processCpuNanos) {
        record(phase, durationNanos);
        if (processCpuNanos >= 0) {
            cpuNanos.merge(phase, processCpuNanos, Long::sum);
        }
    }

    /** @return the CPU time this process has used so far (every thread), in nanoseconds, or -1 where the JVM does not tell */
    public static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** @return the process CPU time of each phase recorded with one, in milliseconds, in the order first recorded */
    public synchronized Map<String, Long> cpuMillis() {
        Map<String, Long> millis = new LinkedHashMap<>();
        cpuNanos.forEach((phase, value) -> millis.put(phase, value / 1_000_000));
        return millis;
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

    /**
     * @return the log line, e.g. {@code Start-up phases (ms): database=812 services=40 http=120 total=972}, followed by
     *         {@code ; process CPU (ms): database=310 services=95} when CPU times were recorded
     */
    public synchronized String describe() {
        String cpu = cpuNanos.isEmpty() ? "" : "; process CPU (ms): " + join(cpuMillis());
        return "Start-up phases (ms): " + join(millis()) + " total=" + totalNanos() / 1_000_000 + cpu;
    }

    private static String join(Map<String, Long> millis) {
        return millis.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
