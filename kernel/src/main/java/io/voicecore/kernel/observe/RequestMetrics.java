package io.voicecore.kernel.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.voicecore.kernel.http.RequestRecorder;

/**
 * Request counts and latency histograms by method, route pattern and status, rendered in the
 * Prometheus text exposition format. Routes are patterns, never raw paths, so the label set stays bounded.
 */
public final class RequestMetrics implements RequestRecorder {
    /** Histogram bucket upper bounds in seconds. */
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Key(String method, String route, int status) {
    }

    private static final class Series {
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
        final AtomicLong count = new AtomicLong();
        final AtomicLong sumNanos = new AtomicLong();
    }

    /** A family of labelled counters or a gauge read when rendered. */
    private record Family(String help, String type, Map<String, AtomicLong> counters,
                          java.util.function.Supplier<Map<String, Long>> gauge, String gaugeLabel) {
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, Family> families = new java.util.concurrent.ConcurrentSkipListMap<>();

    @Override
    public void record(String method, String route, int status, long nanos) {
        Key key = new Key(method, route, status);
        // Read first: computeIfAbsent locks the key's bin unless the key is the bin's first entry, and on a busy machine
        // a thread descheduled while holding that lock stalled every request behind it (docs/benchmarks.md, crm).
        Series s = series.get(key);
        if (s == null) {
            s = series.computeIfAbsent(key, k -> new Series());
        }
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
     * Counts an event with labels, e.g. {@code voicecore_plugin_stream_messages_total{plugin="hello",outcome="ok"}}.
     * Label values must come from a bounded set (plugin ids, outcomes), never from request data.
     */
    public void increment(String name, String help, Map<String, String> labels) {
        add(name, help, labels, 1);
    }

    /**
     * Adds to a labelled counter, e.g. the tokens a plugin metered:
     * {@code voicecore_plugin_usage_total{meter="ai.tokens.prompt",plugin="ai-gateway",unit="token"}}. Labels are
     * rendered in name order; the same bounded-values rule as {@link #increment(String, String, Map)} applies.
     */
    public void add(String name, String help, Map<String, String> labels, long amount) {
        Family family = families.computeIfAbsent(name, k -> new Family(help, "counter", new ConcurrentHashMap<>(), null, null));
        StringBuilder text = new StringBuilder("{");
        new java.util.TreeMap<>(labels).forEach((label, value) -> text.append(text.length() > 1 ? "," : "")
                .append(label).append("=\"").append(escape(value)).append('"'));
        family.counters().computeIfAbsent(text.append('}').toString(), k -> new AtomicLong()).addAndGet(amount);
    }

    /**
     * A gauge read when the metrics are rendered: one series per key of the supplied map, labelled {@code label}.
     */
    public void gauge(String name, String help, String label, java.util.function.Supplier<Map<String, Long>> values) {
        families.put(name, new Family(help, "gauge", Map.of(), values, label));
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
        families.forEach((name, family) -> {
            out.append("# HELP ").append(name).append(' ').append(family.help()).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(family.type()).append('\n');
            if (family.gauge() != null) {
                new java.util.TreeMap<>(family.gauge().get()).forEach((key, value) -> out.append(name).append('{')
                        .append(family.gaugeLabel()).append("=\"").append(escape(key)).append("\"} ").append(value).append('\n'));
            } else {
                new java.util.TreeMap<>(family.counters()).forEach((labels, value) -> out.append(name).append(labels)
                        .append(' ').append(value.get()).append('\n'));
            }
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
