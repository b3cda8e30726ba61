package io.voicecore.aigateway;

/**
 * The online side of the gateway: one language-model provider, called with the prompt the gateway built. An
 * implementation runs inside the plugin's call and reaches the provider only through the kernel's egress
 * ({@code context.http()}); it does no retrying, caching or falling back of its own: {@link Gateway} does that around it.
 * {@link ModelProviders} makes the provider for a tenant.
 */
interface ModelProvider {

    /**
     * Sends one request to the provider.
     *
     * @param request the model, the messages and the token limit
     * @return the provider's answer
     * @throws ProviderFailure when the provider did not answer: rate-limited, server error, unauthorized, time-out, or
     *                         the egress refused the call (permission denied)
     */
    ProviderReply complete(ProviderRequest request);
}
