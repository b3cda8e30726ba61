package io.voicecore.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM (the kernel, its plugins and the load generator) and by the database server's processes,
 * read from the operating system. On a machine that other work shares, CPU per request is a steadier measure of what a
 * request costs than throughput, which moves with whatever else runs; on a quiet machine whose cores are saturated the
 * two agree (throughput is the inverse of CPU per request). Linux only: elsewhere the database's part reads zero.
 */
final class CpuMeter {
    /** Clock ticks of /proc/PID/stat per second (USER_HZ, 100 on Linux). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final long postmaster;

    private CpuMeter(long postmaster) {
        this.postmaster = postmaster;
    }

    /** A meter of this JVM and of the PostgreSQL server that {@code connection} (any login) is connected to on this machine. */
    static CpuMeter of(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            // Every backend is a child of the postmaster.
            return new CpuMeter(stat(rs.getLong(1))[1]);
        }
    }

    /** CPU nanoseconds used so far by this JVM, and by the database's processes alive now. */
    record Reading(long jvmNanos, long databaseNanos) {
        /** The CPU used from {@code earlier} to this reading, in microseconds per request of {@code requests}. */
        Reading perRequestSince(Reading earlier, long requests) {
            long n = Math.max(1, requests);
            return new Reading((jvmNanos - earlier.jvmNanos) / n, (databaseNanos - earlier.databaseNanos) / n);
        }

        double totalMicros() {
            return (jvmNanos + databaseNanos) / 1e3;
        }

        double databaseMicros() {
            return databaseNanos / 1e3;
        }
    }

    Reading read() {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long[] stat = stat(pid);
                if (stat != null && (pid == postmaster || stat[1] == postmaster)) {
                    ticks += stat[2] + stat[3];
                }
            }
        } catch (IOException e) {
            return new Reading(jvm, 0);
        }
        return new Reading(jvm, ticks * NANOS_PER_TICK);
    }

    /** pid, parent pid, user and system ticks of a process, or null once it has ended. */
    private static long[] stat(long pid) {
        String line;
        try {
            line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
        // The command name, in parentheses, may hold spaces; the fields after it are: state, ppid, ..., utime (12th), stime.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return new long[] {pid, Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }
}
