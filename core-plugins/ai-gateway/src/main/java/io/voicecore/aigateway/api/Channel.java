package io.voicecore.aigateway.api;

import java.util.Locale;

/**
 * Where a conversation takes place, which decides what the assistant asks the caller for.
 *
 * @since ai-gateway 0.3.0
 */
public enum Channel {
    /**
     * A written chat, or any conversation that is not a phone call: the assistant collects the caller's name, phone
     * number, e-mail address and reason, all of them required.
     */
    CHAT,
    /**
     * A phone call: the caller's number is known from the line ({@link CompletionRequest#callerNumber()}) and is not
     * asked for, and an e-mail address, awkward to spell out by phone, is optional: offered once, and the conversation
     * goes on to the confirmation without it when the caller declines or gives none.
     */
    CALL;

    /** @return whether a conversation on this channel needs the caller's e-mail address before it can be confirmed */
    public boolean requiresEmail() {
        return this == CHAT;
    }

    /** @return the lower-case wire name, e.g. {@code call} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
