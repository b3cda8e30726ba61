package io.voicecore.receptionist.api;

import java.util.Optional;
import java.util.UUID;

/**
 * Phone calls answered by the receptionist, as it offers them to a telephony plugin: each call is one of the
 * receptionist's conversations on channel {@code call}, with the caller's number, its outcome and duration. The
 * telephony plugin hears and speaks (through its provider's speech recognition and synthesis); the receptionist holds
 * the conversation as over chat (the same turns, rules, escalation, transcript and summary), and ending it
 * publishes {@code conversation.ended}, which the CRM records as a {@code call} on the caller's contact. One thing
 * differs from a chat: the caller's number on the line is their phone, not asked for, and an e-mail address is offered
 * once and optional, so a caller who gives a name and a reason reaches the confirmation without spelling out an
 * address.
 *
 * <p>Obtain it per call with {@code context.services().require(Calls.class)}; it acts for the calling tenant with the
 * receptionist's own configuration (personality), tables and permissions.
 */
public interface Calls {

    /**
     * Answers a new call: a conversation on channel {@code call} with its greeting, in the tenant's first language or
     * the one asked for.
     *
     * @param callerNumber the caller's number in E.164 ({@code +34612345678}); empty when withheld
     * @param language     an ISO 639-1 language to greet the caller in, when the tenant offers it (e.g. guessed from the
     *                     number's country); empty, or one not offered, for the tenant's first. A greeting the tenant
     *                     wrote itself is always said as written, in its first language.
     * @return the conversation, its greeting and language, and whether the business is open now
     * @throws io.voicecore.sdk.PluginProblem 409 {@code language-model-unavailable} when the tenant has not enabled the
     *                                        AI gateway
     */
    CallStarted start(String callerNumber, Optional<String> language);

    /**
     * One thing the caller said: the receptionist's reply, and whether a person should take the call over now.
     *
     * @param conversationId the call's conversation
     * @param text           what the caller said, as recognised, 1 to 4000 characters
     * @param confidence     the recogniser's confidence, 0 to 1 (kept with the turn)
     * @return the reply and what the conversation knows after it
     * @throws io.voicecore.sdk.PluginProblem 404 for an unknown conversation, 409 once it has ended or when the
     *                                        language model is unavailable
     */
    CallTurn turn(UUID conversationId, String text, double confidence);

    /**
     * Ends a call's conversation: its outcome, duration and (for a voicemail) the caller's message are recorded, the
     * summary for the team is written, and {@code conversation.ended} is published with channel {@code call} and the
     * caller's number.
     *
     * @param conversationId the call's conversation
     * @param ending         how the call ended
     * @return the summary and the goodbye
     * @throws io.voicecore.sdk.PluginProblem 404 for an unknown conversation, 409 once it has ended
     */
    CallEnded end(UUID conversationId, CallEnding ending);
}
