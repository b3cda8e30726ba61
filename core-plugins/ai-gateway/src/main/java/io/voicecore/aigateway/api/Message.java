package io.voicecore.aigateway.api;

import java.util.Locale;
import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role who said it
 * @param text what was said
 */
public record Message(Role role, String text) {

    /** Who said a message. */
    public enum Role {
        /** Instructions to the model (not said to the caller). */
        SYSTEM,
        /** The caller. */
        USER,
        /** The assistant. */
        ASSISTANT;

        /** @return the lower-case wire name, e.g. {@code user} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the values. */
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
    }

    /** @param text what the caller said @return a user message */
    public static Message user(String text) {
        return new Message(Role.USER, text);
    }

    /** @param text what the assistant said @return an assistant message */
    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, text);
    }

    /** @param text instructions for the model @return a system message */
    public static Message system(String text) {
        return new Message(Role.SYSTEM, text);
    }
}
