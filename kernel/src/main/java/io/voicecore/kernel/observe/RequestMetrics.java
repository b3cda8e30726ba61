package io.voicecore.kernel.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request counts and latency histograms by method, route pattern and status, rendered in the
 * Prometheus text exposition format. Routes are patterns, never raw paths, so the label set stays bounded.
 */
public final class RequestMetrics {
    /** Histogram bucket upper bounds in seconds. */
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Key(String method, String route, int status) {
    }

    private static final class Series {
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
        final AtomicLong count = new AtomicLong();
        final AtomicLong sumNanos = new AtomicLong();
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    /** Labelled counters: name, then the rendered label set, then the value. */
    private final Map<String, Map<String, AtomicLong>> labelledCounters = new ConcurrentHashMap<>();

    public void record(String method, String route, int status, long nanos) {
        Series s = series.computeIfAbsent(new Key(method, route, status), k -> new Series());
        s.count.incrementAndGet();
        s.sumNanos.addAndGet(nanos);
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                s.buckets.incrementAndGet(i);
                break;
            }
        }
    }

    /** Counts a named event, e.g. {@code voicecore_login_failures_total}. */
    public void increment(String counterName) {
        counters.computeIfAbsent(counterName, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Adds to a labelled counter, e.g. {@code voicecore_plugin_egress_requests_total{plugin="ai-gateway",status="429"}}.
     * Callers keep label values bounded (plugin ids, hosts from manifests, status codes), never ids of requests or tenants.
     *
     * @param labels label names to values, rendered in the given order
     */
    public void add(String counterName, Map<String, String> labels, long amount) {
        StringBuilder text = new StringBuilder("{");
        labels.forEach((name, value) -> {
            if (text.length() > 1) {
                text.append(',');
            }
            text.append(name).append("=\"").append(escape(value)).append('"');
        });
        String rendered = text.append('}').toString();
        labelledCounters.computeIfAbsent(counterName, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(rendered, k -> new AtomicLong()).addAndGet(amount);
    }

    /** Label names and values in order, for {@link #add}: {@code labels("plugin", id, "status", "429")}. */
    public static Map<String, String> labels(String... namesAndValues) {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            labels.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return labels;
    }

    public String prometheusText() {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP voicecore_http_requests_total HTTP requests served, by method, route and status.\n");
        out.append("# TYPE voicecore_http_requests_total counter\n");
        series.forEach((key, s) -> out.append("voicecore_http_requests_total").append(labels(key, null))
                .append(' ').append(s.count.get()).append('\n'));
        out.append("# HELP voicecore_http_request_duration_seconds HTTP request latency, by method, route and status.\n");
        out.append("# TYPE voicecore_http_request_duration_seconds histogram\n");
        series.forEach((key, s) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += s.buckets.get(i);
                out.append("voicecore_http_request_duration_seconds_bucket").append(labels(key, Double.toString(BUCKETS[i])))
                        .append(' ').append(cumulative).append('\n');
            }
            out.append("voicecore_http_request_duration_seconds_bucket").append(labels(key, "+Inf"))
                    .append(' ').append(s.count.get()).append('\n');
            out.append("voicecore_http_request_duration_seconds_sum").append(labels(key, null))
                    .append(' ').append(s.sumNanos.get() / 1e9).append('\n');
            out.append("voicecore_http_request_duration_seconds_count").append(labels(key, null))
                    .append(' ').append(s.count.get()).append('\n');
        });
        counters.forEach((name, value) -> {
            out.append("# TYPE ").append(name).append(" counter\n");
            out.append(name).append(' ').append(value.get()).append('\n');
        });
        labelledCounters.forEach((name, bySet) -> {
            out.append("# TYPE ").append(name).append(" counter\n");
            bySet.forEach((labels, value) -> out.append(name).append(labels).append(' ').append(value.get()).append('\n'));
        });
        return out.toString();
    }

    private static String labels(Key key, String le) {
        StringBuilder text = new StringBuilder("{method=\"").append(key.method())
                .append("\",route=\"").append(escape(key.route()))
                .append("\",status=\"").append(key.status()).append('"');
        if (le != null) {
            text.append(",le=\"").append(le).append('"');
        }
        return text.append('}').toString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
