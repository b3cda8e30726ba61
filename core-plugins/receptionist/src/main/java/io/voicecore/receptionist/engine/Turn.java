package io.voicecore.receptionist.engine;

/**
 * The receptionist's answer to one caller turn.
 *
 * @param state     the conversation's state after the turn
 * @param reply     what the receptionist says, in {@code state.language()}
 * @param sentiment the caller turn's sentiment and emotion
 * @param escalatedNow whether this turn handed the conversation to a person
 */
public record Turn(ConversationState state, String reply, Sentiment sentiment, boolean escalatedNow) {
}
