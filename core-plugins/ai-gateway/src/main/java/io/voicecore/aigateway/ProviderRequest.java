package io.voicecore.aigateway;

import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Message;

/**
 * One request to the provider, as {@link Prompt} builds it from a completion request.
 *
 * @param model     the provider's model, e.g. {@code gpt-4o-mini}
 * @param messages  the system prompt first, then the conversation
 * @param maxTokens the most tokens the answer may have
 */
record ProviderRequest(String model, List<Message> messages, Optional<Integer> maxTokens) {

    /** Copies the messages. */
    ProviderRequest {
        messages = List.copyOf(messages);
    }
}
