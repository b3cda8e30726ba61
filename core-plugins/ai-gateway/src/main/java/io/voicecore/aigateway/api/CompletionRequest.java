package io.voicecore.aigateway.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the assistant should answer.
 *
 * @param persona     who the assistant is and what it knows about the business
 * @param messages    the conversation so far, oldest first; with no {@link Message.Role#USER} message the answer is
 *                    the greeting. The offline engine derives what the caller already gave (name, phone, e-mail,
 *                    reason) from the user messages, so pass the whole conversation.
 * @param knowledge   entries the answer may draw on (the business's knowledge base, or the part relevant here)
 * @param language    the ISO 639-1 language to answer in; empty: the caller's, as found in the last user message
 * @param maxTokens   the most tokens the answer may have (online only), 1 to {@value #MAX_TOKENS}
 * @param currentTime the moment of the conversation, so the answer can say whether the business is open now; empty:
 *                    the answer tells the opening hours only. Part of the cache key: pass it at minute precision.
 */
public record CompletionRequest(Persona persona, List<Message> messages, List<KnowledgeEntry> knowledge, Optional<String> language,
                                Optional<Integer> maxTokens, Optional<Instant> currentTime) {
    /** The largest {@link #maxTokens()}. */
    public static final int MAX_TOKENS = 8000;
    /** The most messages a request may carry. */
    public static final int MAX_MESSAGES = 1000;

    /** Checks the values and copies the lists. */
    public CompletionRequest {
        Objects.requireNonNull(persona, "persona");
        messages = List.copyOf(messages);
        knowledge = List.copyOf(knowledge);
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(currentTime, "currentTime");
        if (messages.size() > MAX_MESSAGES) {
            throw new IllegalArgumentException("messages: at most " + MAX_MESSAGES + " per request, not " + messages.size());
        }
        language.ifPresent(code -> {
            if (!code.matches("[a-z]{2}")) {
                throw new IllegalArgumentException("language: '" + code + "' is not an ISO 639-1 code such as 'en' or 'es'");
            }
        });
        maxTokens.ifPresent(tokens -> {
            if (tokens < 1 || tokens > MAX_TOKENS) {
                throw new IllegalArgumentException("maxTokens: must be 1 to " + MAX_TOKENS + ", not " + tokens);
            }
        });
    }

    /**
     * A request with no knowledge entries, in the caller's language, without a token limit or a current time.
     *
     * @param persona  who the assistant is
     * @param messages the conversation so far
     */
    public CompletionRequest(Persona persona, List<Message> messages) {
        this(persona, messages, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
