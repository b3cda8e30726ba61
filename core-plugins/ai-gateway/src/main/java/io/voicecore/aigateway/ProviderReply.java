package io.voicecore.aigateway;

/**
 * The provider's answer to one request.
 *
 * @param text             the assistant's message
 * @param model            the model that answered, as the provider names it
 * @param promptTokens     tokens of the prompt, as the provider counted them
 * @param completionTokens tokens of the answer
 */
record ProviderReply(String text, String model, int promptTokens, int completionTokens) {
}
