package io.voicecore.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The closed loop of {@link HttpLoad} for plain calls instead of HTTP requests, e.g. a JDBC statement on a connection
 * of its own: every worker runs on a platform thread of its own and calls again as soon as the previous call returned.
 * It measures the baselines that plugin routes are compared with. A call that throws fails the run: a baseline that
 * fails is not a baseline.
 */
final class CallLoad {
    private CallLoad() {
    }

    /** One worker's call; {@code iteration} counts its calls from 0, so each can differ (another row to insert). */
    @FunctionalInterface
    interface Call {
        void call(long iteration) throws Exception;
    }

    /**
     * Runs every call back to back on its own thread for {@code seconds}.
     *
     * @return completed calls, the time, and the latency of every call (from its start to its return), sorted
     * @throws IllegalStateException naming the first call that failed
     */
    static HttpLoad.Result closedLoop(List<? extends Call> calls, double seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<long[]> latencies = new ArrayList<>();
        List<Future<Integer>> running = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(calls.size())) {
            for (Call call : calls) {
                long[][] mine = {new long[16 * 1024]};
                latencies.add(null);
                int slot = latencies.size() - 1;
                running.add(threads.submit(() -> {
                    int count = 0;
                    try {
                        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                            call.call(count);
                            if (count == mine[0].length) {
                                mine[0] = Arrays.copyOf(mine[0], count * 2);
                            }
                            mine[0][count++] = System.nanoTime() - now;
                        }
                    } finally {
                        synchronized (latencies) {
                            latencies.set(slot, Arrays.copyOf(mine[0], count));
                        }
                    }
                    return count;
                }));
            }
            for (Future<Integer> future : running) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a baseline call failed: " + e.getCause(), e.getCause());
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all;
        synchronized (latencies) {
            all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        }
        return new HttpLoad.Result(all.length, 0, elapsed, all, Double.NaN, "");
    }
}
