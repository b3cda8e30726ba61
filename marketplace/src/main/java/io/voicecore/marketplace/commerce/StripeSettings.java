package io.voicecore.marketplace.commerce;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How the marketplace reaches Stripe: {@code VOICECORE_STRIPE_BASE_URL} (Stripe's own API by default, a stand-in in
 * tests and trials), {@code VOICECORE_STRIPE_SECRET_KEY} and {@code VOICECORE_STRIPE_WEBHOOK_SECRET}. Without a secret
 * key, paid plans cannot be bought and the marketplace says so; free plans and trials work as before.
 *
 * @param baseUrl       the API's base URL, without a trailing slash
 * @param secretKey     the secret API key ({@code sk_...}); never logged nor answered
 * @param webhookSecret the webhook signing secret ({@code whsec_...}); never logged nor answered
 * @param readTimeout   how long a call waits for Stripe's answer before it counts as unanswered (and is repeated later
 *                      with the same idempotency key)
 */
public record StripeSettings(String baseUrl, Optional<String> secretKey, Optional<String> webhookSecret, java.time.Duration readTimeout) {
    private static final java.time.Duration DEFAULT_READ_TIMEOUT = java.time.Duration.ofSeconds(20);

    public StripeSettings(String baseUrl, Optional<String> secretKey, Optional<String> webhookSecret) {
        this(baseUrl, secretKey, webhookSecret, DEFAULT_READ_TIMEOUT);
    }

    public StripeSettings withReadTimeout(java.time.Duration timeout) {
        return new StripeSettings(baseUrl, secretKey, webhookSecret, timeout);
    }

    public static final String STRIPE_API = "https://api.stripe.com";

    public StripeSettings {
        URI parsed = URI.create(baseUrl);
        if (parsed.getScheme() == null || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
            || parsed.getHost() == null) {
            throw new IllegalArgumentException("VOICECORE_STRIPE_BASE_URL must be an http(s) URL, not '" + baseUrl + "'");
        }
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public static StripeSettings none() {
        return new StripeSettings(STRIPE_API, Optional.empty(), Optional.empty());
    }

    public static StripeSettings fromEnvironment(Map<String, String> environment) {
        return new StripeSettings(environment.getOrDefault("VOICECORE_STRIPE_BASE_URL", STRIPE_API),
                                  Optional.ofNullable(environment.get("VOICECORE_STRIPE_SECRET_KEY")).filter(k -> !k.isBlank()),
                                  Optional.ofNullable(environment.get("VOICECORE_STRIPE_WEBHOOK_SECRET")).filter(k -> !k.isBlank()));
    }

    /** Never shows the secrets. */
    @Override
    public String toString() {
        return "StripeSettings[" + baseUrl + ", secret key " + (secretKey.isPresent() ? "set" : "not set") + ", webhook secret "
               + (webhookSecret.isPresent() ? "set" : "not set") + "]";
    }
}
