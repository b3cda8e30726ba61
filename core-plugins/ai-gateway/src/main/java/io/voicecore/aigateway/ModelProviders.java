package io.voicecore.aigateway;

import java.time.Duration;

import io.voicecore.sdk.PluginContext;

/** Makes the online providers for a tenant's call. */
final class ModelProviders {
    /** How long one request to the provider may take; retries and the caller's deadline bound the whole call. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(8);

    private ModelProviders() {
    }

    /**
     * The OpenAI provider for this call: the official openai-java client (the kernel's platform library
     * {@code openai-java}) with its HTTP going through {@code context.http()} (the kernel's egress, permission
     * {@code http:egress}), authenticated with {@code apiKey}, pointed at {@code settings.baseUrl()}.
     *
     * @param context  the gateway's context for the tenant's call
     * @param settings the tenant's configuration
     * @param apiKey   the tenant's OpenAI key, from the secret {@link Gateway#API_KEY_SECRET}
     */
    static ModelProvider openAi(PluginContext context, GatewaySettings settings, String apiKey) {
        return new OpenAiProvider(context.http(), settings.baseUrl().toString(), apiKey, REQUEST_TIMEOUT);
    }

    /**
     * The OpenAI provider's audio side for this call, reached as {@link #openAi} describes.
     *
     * @param context  the gateway's context for the tenant's call
     * @param settings the tenant's configuration
     * @param apiKey   the tenant's OpenAI key, from the secret {@link Gateway#API_KEY_SECRET}
     */
    static SpeechProvider openAiSpeech(PluginContext context, GatewaySettings settings, String apiKey) {
        return new OpenAiProvider(context.http(), settings.baseUrl().toString(), apiKey, REQUEST_TIMEOUT);
    }
}
