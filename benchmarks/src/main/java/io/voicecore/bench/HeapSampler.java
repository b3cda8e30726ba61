package io.voicecore.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The largest live heap while something runs. Every {@code interval} it forces a full collection
 * ({@code System.gc()}, stop-the-world with G1) and reads the heap in use right after it: what survives a full
 * collection is what the JVM really holds at that moment (the kernel, the request being served, the scenario's own
 * client), with none of the garbage that makes "used heap" or a pool's peak usage depend on when the collector last
 * ran. The forced collections slow the work down, so time is measured in separate runs.
 */
final class HeapSampler {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peak;
    private volatile int samples;
    /** One value per interval: 3,000 for ten minutes at 200 ms. */
    private final List<Long> series = new ArrayList<>();

    private HeapSampler(Duration interval) {
        this.thread = Thread.ofPlatform().daemon().name("heap-sampler").unstarted(() -> {
            while (running) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                record(liveHeapBytes());
            }
        });
    }

    /** @return the heap in use right after a full collection, in bytes */
    static long liveHeapBytes() {
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** Starts sampling now; the first sample is taken at once. */
    static HeapSampler start(Duration interval) {
        HeapSampler sampler = new HeapSampler(interval);
        sampler.record(liveHeapBytes());
        sampler.thread.start();
        return sampler;
    }

    private synchronized void record(long bytes) {
        peak = Math.max(peak, bytes);
        samples++;
        series.add(bytes);
    }

    /** Stops sampling; the last sample is taken as it stops. @return the largest live heap seen, in bytes */
    long stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        record(liveHeapBytes());
        return peak;
    }

    /** @return every sample in bytes, in the order taken */
    synchronized List<Long> series() {
        return List.copyOf(series);
    }

    /**
     * @return the median of the last quarter of the samples minus that of the first quarter, in bytes: near zero when
     *         the live heap does not grow over the run, whatever single spikes the peak caught
     */
    synchronized long trend() {
        int quarter = Math.max(1, series.size() / 4);
        return (long) (Stats.median(series.subList(series.size() - quarter, series.size()).stream().map(Long::doubleValue).toList())
                       - Stats.median(series.subList(0, quarter).stream().map(Long::doubleValue).toList()));
    }

    /** @return how many samples were taken */
    int samples() {
        return samples;
    }
}
