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
 * @param channel     where the conversation takes place: in a {@link Channel#CHAT chat} every detail is asked for; on a
 *                    {@link Channel#CALL call} the number on the line is not, and the e-mail address is optional
 *                    (since ai-gateway 0.3.0)
 * @param callerNumber the caller's phone number as the line gives it (caller id, E.164 such as {@code +34600111222}),
 *                    taken as their phone number instead of asking for it; empty when withheld or unknown, and then
 *                    the number is asked for (since ai-gateway 0.3.0)
 */
public record CompletionRequest(Persona persona, List<Message> messages, List<KnowledgeEntry> knowledge, Optional<String> language,
                                Optional<Integer> maxTokens, Optional<Instant> currentTime, Channel channel, Optional<String> callerNumber) {
    /** The largest {@link #maxTokens()}. */
    public static final int MAX_TOKENS = 8000;
    /** The most messages a request may carry. */
    public static final int MAX_MESSAGES = 1000;
    /**
     * The form of {@link #callerNumber()}: E.164, a plus then 7 to 15 digits, the first not 0.
     *
     * @since ai-gateway 0.3.0
     */
    public static final String E164 = "\\+[1-9][0-9]{6,14}";

    /** Checks the values and copies the lists. */
    public CompletionRequest {
        Objects.requireNonNull(persona, "persona");
        messages = List.copyOf(messages);
        knowledge = List.copyOf(knowledge);
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(currentTime, "currentTime");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(callerNumber, "callerNumber");
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
        callerNumber.ifPresent(number -> {
            if (!number.matches(E164)) {
                throw new IllegalArgumentException("callerNumber: '" + number + "' is not a number in E.164 such as +34600111222");
            }
        });
    }

    /**
     * A request in a chat, with no caller number: the form from before the channel was known.
     *
     * @param persona     who the assistant is
     * @param messages    the conversation so far
     * @param knowledge   entries the answer may draw on
     * @param language    the language to answer in; empty: the caller's
     * @param maxTokens   the most tokens the answer may have (online only)
     * @param currentTime the moment of the conversation
     */
    public CompletionRequest(Persona persona, List<Message> messages, List<KnowledgeEntry> knowledge, Optional<String> language,
                             Optional<Integer> maxTokens, Optional<Instant> currentTime) {
        this(persona, messages, knowledge, language, maxTokens, currentTime, Channel.CHAT, Optional.empty());
    }

    /**
     * A request in a chat with no knowledge entries, in the caller's language, without a token limit or a current time.
     *
     * @param persona  who the assistant is
     * @param messages the conversation so far
     */
    public CompletionRequest(Persona persona, List<Message> messages) {
        this(persona, messages, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * This request on another channel.
     *
     * @param channel      where the conversation takes place
     * @param callerNumber the caller's number from the line, in E.164; empty when unknown
     * @return a copy of this request with the channel and the caller's number
     * @since ai-gateway 0.3.0
     */
    public CompletionRequest on(Channel channel, Optional<String> callerNumber) {
        return new CompletionRequest(persona, messages, knowledge, language, maxTokens, currentTime, channel, callerNumber);
    }
}
