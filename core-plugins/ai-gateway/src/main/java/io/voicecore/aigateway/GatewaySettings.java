package io.voicecore.aigateway;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import io.voicecore.aigateway.api.Speech;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.PluginConfig;

/**
 * The tenant's configuration of the gateway ({@code plugin.yaml} documents each key), already validated by the kernel
 * against the manifest, with defaults applied.
 *
 * @param model                   the provider's model, e.g. {@code gpt-4o-mini}
 * @param baseUrl                 the provider's API base URL, e.g. {@code https://api.openai.com/v1}
 * @param maxRetries              retries of a call that failed with 429, 5xx or a time-out
 * @param retryBackoff            the wait before the first retry; doubled for each further one, with jitter
 * @param retryMaxWait            the longest single wait, also the longest {@code Retry-After} honoured
 * @param breakerFailureThreshold failed calls in a row that open the circuit breaker
 * @param breakerOpenFor          how long the breaker stays open before a trial call
 * @param cacheTtl                how long an online answer is reused for an identical request; zero disables the cache
 * @param transcriptionModel      the provider's speech-to-text model, e.g. {@code gpt-4o-mini-transcribe}
 * @param speechModel             the provider's text-to-speech model, e.g. {@code gpt-4o-mini-tts}
 * @param speechVoice             the voice speech is synthesised with when the caller names none, one of {@link Speech#VOICES}
 */
record GatewaySettings(String model, URI baseUrl, int maxRetries, Duration retryBackoff, Duration retryMaxWait, int breakerFailureThreshold,
                       Duration breakerOpenFor, Duration cacheTtl, String transcriptionModel, String speechModel, String speechVoice) {
    static final String DEFAULT_MODEL = "gpt-4o-mini";
    static final String DEFAULT_TRANSCRIPTION_MODEL = "gpt-4o-mini-transcribe";
    static final String DEFAULT_SPEECH_MODEL = "gpt-4o-mini-tts";
    static final String DEFAULT_SPEECH_VOICE = "alloy";
    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /** @param config the tenant's configuration @return the settings */
    static GatewaySettings of(PluginConfig config) {
        return new GatewaySettings(config.string("model").filter(m -> !m.isBlank()).orElse(DEFAULT_MODEL),
                                   URI.create(config.string("baseUrl").filter(u -> !u.isBlank()).orElse(DEFAULT_BASE_URL)),
                                   (int) config.number("maxRetries").orElse(2L).longValue(),
                                   Duration.ofMillis(config.number("retryBackoffMillis").orElse(250L)),
                                   Duration.ofMillis(config.number("retryMaxWaitMillis").orElse(4000L)),
                                   (int) config.number("breakerFailureThreshold").orElse(5L).longValue(),
                                   Duration.ofSeconds(config.number("breakerOpenSeconds").orElse(30L)),
                                   Duration.ofSeconds(config.number("cacheTtlSeconds").orElse(300L)),
                                   config.string("transcriptionModel").filter(m -> !m.isBlank()).orElse(DEFAULT_TRANSCRIPTION_MODEL),
                                   config.string("speechModel").filter(m -> !m.isBlank()).orElse(DEFAULT_SPEECH_MODEL),
                                   config.string("speechVoice").filter(v -> !v.isBlank()).orElse(DEFAULT_SPEECH_VOICE));
    }

    /** @return the host of {@link #baseUrl()}, lower case */
    String providerHost() {
        return baseUrl.getHost() == null ? "" : baseUrl.getHost().toLowerCase(Locale.ROOT);
    }

    /** @return the retry schedule these settings describe (a first wait above the longest one is the longest one) */
    Backoff backoff() {
        return new Backoff(maxRetries, retryBackoff, retryMaxWait.compareTo(retryBackoff) < 0 ? retryBackoff : retryMaxWait);
    }

    /** @return the circuit breaker these settings describe */
    CircuitBreaker breaker() {
        return new CircuitBreaker(breakerFailureThreshold, breakerOpenFor);
    }

    /**
     * The provider is called over HTTPS, or over plain HTTP on the loopback interface only (a local stand-in).
     *
     * @throws PluginProblem 409 {@code invalid-base-url} saying how to fix the configuration
     */
    void requireUsableBaseUrl() {
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        boolean usable = scheme.equals("https") || scheme.equals("http") && LOOPBACK.contains(providerHost());
        if (!usable || providerHost().isEmpty()) {
            throw new PluginProblem(409, "invalid-base-url", "The gateway's baseUrl '" + baseUrl.getScheme() + "://" + providerHost()
                    + "' cannot be used: set it to an https URL (e.g. " + DEFAULT_BASE_URL + ") or to a plain http URL on 127.0.0.1 or "
                    + "localhost (a local stand-in) with PUT /api/v1/tenants/{tenant}/plugins/ai-gateway/config.");
        }
    }
}
