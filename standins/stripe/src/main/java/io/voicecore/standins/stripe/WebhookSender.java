package io.voicecore.standins.stripe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Posts events to the webhook endpoint the way Stripe does: the Event JSON as the body, and a
 * {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" keyed with the signing secret>}
 * header that stripe-java's {@code Webhook.constructEvent} accepts. Delivery is asynchronous, one event at a time;
 * an attempt answered with anything but 2xx (or not answered) is retried after a delay that doubles each time, up
 * to the configured number of attempts. Each attempt is signed afresh, with its own timestamp.
 */
final class WebhookSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookSender.class.getName());
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final URI endpoint;
    private final String secret;
    private final Clock clock;
    private final int attempts;
    private final Duration firstRetryDelay;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService executor;
    private final List<Delivery> deliveries = new ArrayList<>();

    /** One event on its way; its fields change on the sender's thread and are read under the list's monitor. */
    private static final class Delivery {
        final String eventId;
        final String type;
        final String payload;
        int attempts;
        Integer lastStatus;
        boolean delivered;
        String lastError;

        Delivery(String eventId, String type, String payload) {
            this.eventId = eventId;
            this.type = type;
            this.payload = payload;
        }
    }

    WebhookSender(URI endpoint, String secret, Clock clock, int attempts, Duration firstRetryDelay) {
        this.endpoint = endpoint;
        this.secret = secret;
        this.clock = clock;
        this.attempts = attempts;
        this.firstRetryDelay = firstRetryDelay;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "stripe-standin-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = pool;
    }

    /** Queues {@code event} for delivery; its payload is fixed now. */
    void deliver(ObjectNode event) {
        String payload;
        try {
            payload = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event is plain JSON", e);
        }
        Delivery delivery = new Delivery(event.path("id").asText(), event.path("type").asText(), payload);
        synchronized (deliveries) {
            deliveries.add(delivery);
        }
        executor.execute(() -> attempt(delivery));
    }

    private void attempt(Delivery delivery) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(ATTEMPT_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .header("Stripe-Signature", signatureHeader(delivery.payload, secret, timestamp))
                .POST(HttpRequest.BodyPublishers.ofString(delivery.payload, StandardCharsets.UTF_8)).build();
        Integer status = null;
        String error = null;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        int made;
        boolean delivered = status != null && status >= 200 && status < 300;
        synchronized (deliveries) {
            made = ++delivery.attempts;
            delivery.lastStatus = status;
            delivery.lastError = error;
            delivery.delivered = delivered;
        }
        if (!delivered && made < attempts && !executor.isShutdown()) {
            long delay = firstRetryDelay.toMillis() << Math.min(made - 1, 20);
            LOG.log(Level.FINE, () -> "webhook " + delivery.eventId + " attempt " + made + " failed; retrying");
            executor.schedule(() -> attempt(delivery), delay, TimeUnit.MILLISECONDS);
        } else if (!delivered) {
            LOG.warning("webhook " + delivery.eventId + " (" + delivery.type + ") to " + endpoint + " not delivered after "
                        + made + " attempt(s)");
        }
    }

    /** @return the {@code Stripe-Signature} value for {@code payload} signed at {@code timestamp} */
    static String signatureHeader(String payload, String secret, long timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(signature);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    List<WebhookDelivery> deliveries() {
        synchronized (deliveries) {
            return deliveries.stream().map(d -> new WebhookDelivery(d.eventId, d.type, d.attempts,
                                                                    Optional.ofNullable(d.lastStatus), d.delivered,
                                                                    Optional.ofNullable(d.lastError)))
                    .toList();
        }
    }

    void forget() {
        synchronized (deliveries) {
            deliveries.clear();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
