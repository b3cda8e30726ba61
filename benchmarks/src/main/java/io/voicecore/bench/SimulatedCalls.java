package io.voicecore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import io.voicecore.standins.twilio.TwilioSignature;

/**
 * Phone calls in progress, as Twilio drives a gather-mode call's webhooks: each call posts {@code /twilio/incoming},
 * then one {@code /twilio/gather} with {@code SpeechResult} and {@code Confidence} for each thing the caller says, then
 * {@code /twilio/status} with {@code CallStatus=completed}, each form-encoded and signed with
 * {@code X-Twilio-Signature}, and waits between two webhooks as long as speaking takes (2 to 5 s, at random). A number of
 * call slots, each one virtual thread with one keep-alive connection ({@link HttpLoad.Connection}), place one call after
 * the other, so that that many calls are in progress at any time once the slots have all started.
 *
 * <p>Slots start spread over one mean call duration (the ramp), so that calls start and end at a steady rate rather
 * than all at once. Latencies (from sending a webhook to its whole answer) are recorded for webhooks sent in the
 * measured window that follows the ramp; no call starts after the window, and those in progress finish. Every answer of
 * the whole run is checked: a status other than 2xx, an answer that is not TwiML, or (for the incoming and gather
 * webhooks) TwiML without a {@code <Gather>} (the caller was sent to an apology, a voicemail or a hang-up instead of
 * the conversation) is an error.
 */
final class SimulatedCalls {
    /** Seconds between a webhook's answer and the next webhook: the prompt being spoken and the caller answering. */
    static final double THINK_MIN_SECONDS = 2;
    static final double THINK_MAX_SECONDS = 5;
    static final String ACCOUNT_SID = "AC" + "0".repeat(32);

    /** The webhooks of a gather-mode call. */
    enum Webhook {
        INCOMING("/twilio/incoming"), GATHER("/twilio/gather"), STATUS("/twilio/status");

        final String route;

        Webhook(String route) {
            this.route = route;
        }
    }

    /**
     * What a caller says, in order; {@code {name}} and {@code {phone}} are the caller's.
     *
     * @param country     the caller's country, as Twilio sends it ({@code ES})
     * @param numberStart the start of the caller's numbers, completed with random digits to 12 or 13 characters
     */
    record Script(String country, String numberStart, List<String> names, List<String> utterances) {
    }

    /** Spanish and English callers booking and asking, each saying four things: the receptionist's ordinary work. */
    static final List<Script> SCRIPTS = List.of(
            new Script("ES", "+346", List.of("Lucía García", "Javier Martín", "Carmen López", "Pablo Sánchez", "Marta Romero"), List.of(
                    "Hola, buenos días. Quería pedir una cita para mañana por la tarde, si puede ser.",
                    "Me llamo {name} y es para una limpieza dental.",
                    "Mi teléfono es el {phone}, y si no contesto me pueden dejar un mensaje.",
                    "Perfecto, muchas gracias. Hasta luego.")),
            new Script("GB", "+44770090", List.of("Emma Wilson", "James Taylor", "Olivia Brown", "Harry Davies"), List.of(
                    "Hi there, I'd like to book an appointment for Friday morning, please.",
                    "My name is {name}, and it's for a check-up.",
                    "You can reach me on {phone}.",
                    "Great, thank you very much. Bye.")),
            new Script("ES", "+346", List.of("Antonio Ruiz", "Elena Navarro", "Sergio Gil", "Laura Molina"), List.of(
                    "Buenas tardes, ¿qué horario tienen los sábados?",
                    "Vale. ¿Y cuánto cuesta una primera consulta?",
                    "Entonces quiero reservar una para el sábado a las once. Soy {name}.",
                    "Sí, correcto. Gracias.")));

    /** Webhooks a call posts: incoming, one gather per utterance, status. */
    static final int WEBHOOKS_PER_CALL = 2 + SCRIPTS.getFirst().utterances().size();

    /** The mean duration of a call without the server's time: the think times between its webhooks. */
    static double meanCallSeconds() {
        return (WEBHOOKS_PER_CALL - 1) * (THINK_MIN_SECONDS + THINK_MAX_SECONDS) / 2;
    }

    /**
     * One run.
     *
     * @param latencies        latencies of the webhooks sent in the window, nanoseconds, sorted
     * @param byWebhook        the same, by webhook
     * @param webhooks         webhooks answered without error in the window
     * @param errors           webhooks of the whole run that failed, by what went wrong
     * @param callsCompleted   calls of the whole run whose every webhook succeeded
     * @param callsFailed      calls of the whole run with at least one failed webhook (they stop at the first)
     * @param windowSeconds    the measured window
     * @param meanInProgress   calls in progress during the window, sampled every 100 ms: the mean
     * @param minInProgress    and the least
     */
    record Result(long[] latencies, Map<Webhook, long[]> byWebhook, long webhooks, Map<String, Long> errors, long callsCompleted,
                  long callsFailed, double windowSeconds, double meanInProgress, int minInProgress) {
        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double webhooksPerSecond() {
            return webhooks / windowSeconds;
        }

        static double millis(long[] sorted, double quantile) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }

        double millis(double quantile) {
            return millis(latencies, quantile);
        }

        String errorSummary() {
            return errors.isEmpty() ? "no errors" : errors.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
                    .collect(Collectors.joining("; "));
        }
    }

    private final int port;
    private final InetSocketAddress server;
    private final List<String> pluginBases;
    private final String authToken;

    /**
     * @param port        the server's loopback port
     * @param pluginBases the path of the voice plugin of each tenant the calls are spread over, e.g.
     *                    {@code /api/v1/tenants/bench-1/voice}; call slot {@code i} calls the {@code i % size}-th
     * @param authToken   the auth token every tenant signs with
     */
    SimulatedCalls(int port, List<String> pluginBases, String authToken) {
        this.port = port;
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.pluginBases = List.copyOf(pluginBases);
        this.authToken = authToken;
    }

    /**
     * Runs {@code calls} call slots: the ramp, then a window of {@code windowSeconds}, then the calls in progress finish.
     *
     * @param label for the progress line printed every 10 s
     */
    Result run(int calls, double windowSeconds, String label, PrintStream progress) throws Exception {
        double ramp = meanCallSeconds();
        long start = System.nanoTime() + 50_000_000;
        long windowStart = start + (long) (ramp * 1e9);
        long windowEnd = windowStart + (long) (windowSeconds * 1e9);
        AtomicInteger inProgress = new AtomicInteger();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            slots.add(new Slot(pluginBases.get(i % pluginBases.size())));
        }
        List<Integer> samples = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                Slot slot = slots.get(i);
                long first = start + (long) (i * ramp * 1e9 / calls);
                running.add(threads.submit(() -> {
                    try (slot) {
                        sleepUntil(first);
                        while (System.nanoTime() < windowEnd) {
                            inProgress.incrementAndGet();
                            try {
                                String error = slot.call(windowStart, windowEnd);
                                if (error == null) {
                                    completed.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                    errors.computeIfAbsent(error, e -> new LongAdder()).increment();
                                }
                            } finally {
                                inProgress.decrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            long nextReport = start + 10_000_000_000L;
            for (long now = System.nanoTime(); now < windowEnd; now = System.nanoTime()) {
                Thread.sleep(100);
                if (now >= windowStart) {
                    samples.add(inProgress.get());
                }
                if (now >= nextReport) {
                    progress.printf(Locale.ROOT, "   %s: %.0f s, %,d calls in progress, %,d completed, %,d failed%n", label,
                                    (now - start) / 1e9, inProgress.get(), completed.get(), failed.get());
                    nextReport += 10_000_000_000L;
                }
            }
            for (Future<?> future : running) {
                future.get();
            }
        }
        Map<Webhook, long[]> byWebhook = new LinkedHashMap<>();
        long[] all = new long[0];
        for (Webhook webhook : Webhook.values()) {
            long[] these = slots.stream().flatMapToLong(slot -> Arrays.stream(slot.latencies.get(webhook).values())).sorted().toArray();
            byWebhook.put(webhook, these);
            all = concat(all, these);
        }
        Arrays.sort(all);
        Map<String, Long> errorCounts = new LinkedHashMap<>();
        errors.forEach((what, count) -> errorCounts.put(what, count.sum()));
        return new Result(all, byWebhook, all.length, errorCounts, completed.get(), failed.get(), windowSeconds,
                          samples.stream().mapToInt(Integer::intValue).average().orElse(0),
                          samples.stream().mapToInt(Integer::intValue).min().orElse(0));
    }

    private static long[] concat(long[] a, long[] b) {
        long[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static void think() throws InterruptedException {
        double seconds = ThreadLocalRandom.current().nextDouble(THINK_MIN_SECONDS, THINK_MAX_SECONDS);
        Thread.sleep((long) (seconds * 1000));
    }

    /** A growable array of longs. */
    private static final class Longs {
        private long[] values = new long[256];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] values() {
            return Arrays.copyOf(values, size);
        }
    }

    /** One call slot: its connection, the tenant it calls, and the latencies it recorded. */
    private final class Slot implements AutoCloseable {
        private final String pluginBase;
        private final HttpLoad.Connection connection = new HttpLoad.Connection(server, true);
        private final Map<Webhook, Longs> latencies = new LinkedHashMap<>();

        Slot(String pluginBase) {
            this.pluginBase = pluginBase;
            for (Webhook webhook : Webhook.values()) {
                latencies.put(webhook, new Longs());
            }
        }

        /**
         * One whole call.
         *
         * @return null when every webhook was answered as it should be, else what went wrong (the call stops there)
         */
        String call(long windowStart, long windowEnd) throws InterruptedException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Script script = SCRIPTS.get(random.nextInt(SCRIPTS.size()));
            String number = script.numberStart() + digits(random, (script.numberStart().startsWith("+34") ? 12 : 13) - script.numberStart().length());
            String name = script.names().get(random.nextInt(script.names().size()));
            Map<String, String> call = new LinkedHashMap<>();
            call.put("AccountSid", ACCOUNT_SID);
            call.put("ApiVersion", "2010-04-01");
            call.put("CallSid", "CA" + HexFormat.of().formatHex(randomBytes(random)));
            call.put("Called", "+34910000000");
            call.put("CalledCountry", "ES");
            call.put("Caller", number);
            call.put("CallerCountry", script.country());
            call.put("Direction", "inbound");
            call.put("From", number);
            call.put("FromCountry", script.country());
            call.put("To", "+34910000000");
            call.put("ToCountry", "ES");
            long began = System.nanoTime();
            String error = post(Webhook.INCOMING, call, Map.of("CallStatus", "ringing"), windowStart, windowEnd);
            int turn = 0;
            for (; error == null && turn < script.utterances().size(); turn++) {
                think();
                String said = script.utterances().get(turn).replace("{name}", name).replace("{phone}", number);
                error = post(Webhook.GATHER, call, Map.of("CallStatus", "in-progress", "SpeechResult", said,
                                                          "Confidence", String.format(Locale.ROOT, "%.8f", random.nextDouble(0.75, 0.97))),
                             windowStart, windowEnd);
            }
            if (error == null) {
                think();
                error = post(Webhook.STATUS, call, Map.of("CallStatus", "completed",
                                                          "CallDuration", String.valueOf((System.nanoTime() - began) / 1_000_000_000L)),
                             windowStart, windowEnd);
            } else {
                // The caller heard Twilio's error and hung up; the next caller comes no sooner than after a whole call,
                // so that a failing server is not offered more webhooks than a working one.
                for (int left = turn; left < script.utterances().size() + 1; left++) {
                    think();
                }
            }
            return error;
        }

        /** Posts one webhook; records its latency when sent in the window; returns what was wrong with the answer, if anything. */
        private String post(Webhook webhook, Map<String, String> call, Map<String, String> more, long windowStart, long windowEnd) {
            Map<String, String> params = new LinkedHashMap<>(call);
            params.putAll(more);
            String path = pluginBase + webhook.route;
            String body = params.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(TwilioSignature.HEADER, TwilioSignature.sign(authToken, "http://127.0.0.1:" + port + path, params));
            headers.put("Accept", "*/*");
            headers.put("User-Agent", "TwilioProxy/1.1");
            byte[] request = HttpLoad.request(port, "POST", path, headers, "application/x-www-form-urlencoded",
                                              body.getBytes(StandardCharsets.UTF_8));
            long sent = System.nanoTime();
            HttpLoad.Answer answer;
            try {
                answer = connection.exchange(request);
            } catch (IOException e) {
                return webhook.name().toLowerCase(Locale.ROOT) + ": " + e.getClass().getSimpleName();
            }
            long latency = System.nanoTime() - sent;
            String wrong = wrong(webhook, answer);
            if (wrong == null && sent >= windowStart && sent < windowEnd) {
                latencies.get(webhook).add(latency);
            }
            return wrong;
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** @return what is wrong with a webhook's answer, or null when it is what Twilio needs */
    static String wrong(Webhook webhook, HttpLoad.Answer answer) {
        String name = webhook.name().toLowerCase(Locale.ROOT);
        if (answer.status() < 200 || answer.status() > 299) {
            return name + ": status " + answer.status();
        }
        String body = answer.bodyText();
        if (!answer.contentType().contains("xml") || !body.contains("<Response")) {
            return name + ": not TwiML";
        }
        if (webhook != Webhook.STATUS && !body.contains("<Gather")) {
            // The conversation did not go on: an apology, a transfer, a voicemail or a hang-up.
            return name + ": no <Gather> (" + (body.contains("<Record") ? "voicemail" : body.contains("<Dial") ? "transfer"
                    : body.contains("<Hangup") ? "hang-up" : "other") + ")";
        }
        return null;
    }

    private static byte[] randomBytes(ThreadLocalRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String digits(ThreadLocalRandom random, int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
