package io.voicecore.aigateway;

import java.util.Optional;

import io.voicecore.sdk.PluginContext;

/** Makes the online provider for a tenant's call. */
final class ModelProviders {
    /** The fallback reason while no provider is plugged in. */
    static final String UNAVAILABLE = "no OpenAI provider is installed in this build of the gateway";

    private ModelProviders() {
    }

    /**
     * The OpenAI provider for this call: the official openai-java client with its HTTP going through
     * {@code context.http()} (the kernel's egress, permission {@code http:egress}), authenticated with {@code apiKey},
     * pointed at {@code settings.baseUrl()}. It maps the client's outcomes to {@link ProviderReply} and
     * {@link ProviderFailure} (429 with its {@code Retry-After}, 5xx, 401, time-outs, and the egress's
     * {@code PermissionDeniedException}) and leaves retries to {@link Gateway} (the client's own retries off).
     *
     * <p>This is where it plugs in. It needs the kernel's platform libraries
     * ({@code docs/design-notes/platform-libraries.md}) to load openai-java inside the sandbox; until then there is no
     * provider, and every online call is answered by the offline engine with the reason {@link #UNAVAILABLE}.
     *
     * @param context  the gateway's context for the tenant's call
     * @param settings the tenant's configuration
     * @param apiKey   the tenant's OpenAI key, from the secret {@link Gateway#API_KEY_SECRET}
     * @return the provider, or empty when this build has none
     */
    static Optional<ModelProvider> openAi(PluginContext context, GatewaySettings settings, String apiKey) {
        return Optional.empty();
    }
}
