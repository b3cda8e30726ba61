package io.voicecore.standins.stripe;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link StripeStandIn} runs. Start from {@link #defaults()} and change what a test needs:
 * {@code StripeStandInSettings.defaults().withKeys("sk_test_123").withWebhook(uri, "whsec_abc")}.
 *
 * @param host              the address to listen on
 * @param keys              the secret keys accepted in {@code Authorization: Bearer …}; test-mode keys only
 *                          ({@code sk_test_…} or restricted {@code rk_test_…}), since everything is {@code livemode:false}
 * @param webhookUrl        where events are posted, or empty for no webhooks (events are still recorded)
 * @param webhookSecret     the signing secret ({@code whsec_…}) of the {@code Stripe-Signature} header
 * @param clock             the time objects are created at, signatures are dated with and idempotency keys expire by
 * @param idempotencyWindow how long an idempotency key's answer is kept (Stripe: 24 hours)
 * @param webhookAttempts   how many times an event is sent at most, when the endpoint does not answer 2xx
 * @param webhookRetryDelay the wait before the first retry; it doubles with each further one
 */
public record StripeStandInSettings(String host, Set<String> keys, Optional<URI> webhookUrl, String webhookSecret,
                                    Clock clock, Duration idempotencyWindow, int webhookAttempts,
                                    Duration webhookRetryDelay) {
    /** The key accepted when none is configured. */
    public static final String DEFAULT_KEY = "sk_test_standin";
    /** The signing secret used when a webhook is configured without one. */
    public static final String DEFAULT_WEBHOOK_SECRET = "whsec_standin";

    /** Checks every setting, saying what is wrong with it. */
    public StripeStandInSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the stand-in needs an address to listen on (host)");
        }
        keys = Set.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the stand-in needs at least one secret key to accept, such as "
                                               + DEFAULT_KEY);
        }
        for (String key : keys) {
            if (!key.startsWith("sk_test_") && !key.startsWith("rk_test_")) {
                throw new IllegalArgumentException("the stand-in accepts test-mode keys only (sk_test_… or rk_test_…),"
                                                   + " not one starting " + key.substring(0, Math.min(8, key.length()))
                                                   + "…; never give it a live key");
            }
        }
        webhookUrl.ifPresent(url -> {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("the webhook URL must be http or https, not " + url);
            }
        });
        if (webhookSecret == null || !webhookSecret.startsWith("whsec_") || webhookSecret.length() < 8) {
            throw new IllegalArgumentException("the webhook signing secret must look like Stripe's: whsec_ and at least"
                                               + " two more characters");
        }
        if (idempotencyWindow.isNegative() || idempotencyWindow.isZero()) {
            throw new IllegalArgumentException("idempotencyWindow must be positive");
        }
        if (webhookAttempts < 1) {
            throw new IllegalArgumentException("webhookAttempts must be at least 1");
        }
        if (webhookRetryDelay.isNegative()) {
            throw new IllegalArgumentException("webhookRetryDelay must not be negative");
        }
    }

    /**
     * @return the loopback address, key {@value #DEFAULT_KEY}, no webhook, the system clock, idempotency keys kept
     *         24 hours, webhooks sent up to 4 times with retries after 1, 2 and 4 seconds
     */
    public static StripeStandInSettings defaults() {
        return new StripeStandInSettings("127.0.0.1", Set.of(DEFAULT_KEY), Optional.empty(), DEFAULT_WEBHOOK_SECRET,
                                         Clock.systemUTC(), Duration.ofHours(24), 4, Duration.ofSeconds(1));
    }

    public StripeStandInSettings withHost(String newHost) {
        return new StripeStandInSettings(newHost, keys, webhookUrl, webhookSecret, clock, idempotencyWindow,
                                         webhookAttempts, webhookRetryDelay);
    }

    public StripeStandInSettings withKeys(String... newKeys) {
        return new StripeStandInSettings(host, Set.of(newKeys), webhookUrl, webhookSecret, clock, idempotencyWindow,
                                         webhookAttempts, webhookRetryDelay);
    }

    /** @return these settings, posting events to {@code url} signed with {@code secret} */
    public StripeStandInSettings withWebhook(URI url, String secret) {
        return new StripeStandInSettings(host, keys, Optional.of(url), secret, clock, idempotencyWindow, webhookAttempts,
                                         webhookRetryDelay);
    }

    public StripeStandInSettings withClock(Clock newClock) {
        return new StripeStandInSettings(host, keys, webhookUrl, webhookSecret, newClock, idempotencyWindow,
                                         webhookAttempts, webhookRetryDelay);
    }

    public StripeStandInSettings withIdempotencyWindow(Duration window) {
        return new StripeStandInSettings(host, keys, webhookUrl, webhookSecret, clock, window, webhookAttempts,
                                         webhookRetryDelay);
    }

    /** @return these settings, sending each event up to {@code attempts} times, first retrying after {@code delay} */
    public StripeStandInSettings withWebhookRetries(int attempts, Duration delay) {
        return new StripeStandInSettings(host, keys, webhookUrl, webhookSecret, clock, idempotencyWindow, attempts,
                                         delay);
    }
}
