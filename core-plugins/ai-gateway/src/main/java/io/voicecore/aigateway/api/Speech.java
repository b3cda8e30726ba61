package io.voicecore.aigateway.api;

import java.util.List;
import java.util.Optional;

/**
 * The tenant's speech-to-text and text-to-speech for phone calls, as the AI gateway offers it to other plugins. Obtain
 * it per call with {@code context.services().require(Speech.class)}; it acts for the calling tenant with the gateway's
 * own configuration, secrets and permissions, inside the caller's deadline.
 *
 * <p>Speech needs the provider: without an OpenAI key ({@link GatewayStatus.Mode#OFFLINE}) both methods throw
 * {@link SpeechUnavailableException.Reason#OFFLINE} at once, without any network. With a key, calls go to the provider
 * through the kernel's egress with the same retries and the same circuit breaker as completions; when it cannot answer
 * they throw {@link SpeechUnavailableException} with the reason, since no offline engine can hear or speak.
 * Transcribed seconds and synthesised characters are metered per tenant.
 *
 * @since ai-gateway 0.3.0
 */
public interface Speech {
    /** The longest text {@link #synthesise} takes (OpenAI's limit). */
    int MAX_TEXT = 4096;

    /** The voices of OpenAI's speech models, for {@link #synthesise} and the gateway's {@code speechVoice} setting. */
    List<String> VOICES = List.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
                                  "marin", "cedar");

    /** @return whether speech can be used now for the calling tenant: {@code OFFLINE} without an OpenAI key */
    GatewayStatus.Mode mode();

    /**
     * Transcribes one utterance of a caller.
     *
     * @param audio    the utterance, from where the caller started speaking to where they stopped
     * @param language ISO 639-1 code of what the caller speaks, as a hint; empty to let the model detect it
     * @return what was said
     * @throws SpeechUnavailableException when there is no key, the provider failed or the breaker is open, or the
     *                                    kernel refused the call
     * @throws IllegalArgumentException   when the audio is empty or the language is not two lower-case letters
     */
    Transcript transcribe(PhoneAudio audio, Optional<String> language) throws SpeechUnavailableException;

    /**
     * Speaks text as phone audio.
     *
     * @param text     what to say, at most {@value #MAX_TEXT} characters
     * @param language ISO 639-1 code of the text's language
     * @param voice    an OpenAI voice name (e.g. {@code alloy}, see {@link #VOICES}); empty for the gateway's
     *                 configured voice
     * @return the speech, 8 kHz μ-law
     * @throws SpeechUnavailableException when there is no key, the provider failed or the breaker is open, or the
     *                                    kernel refused the call
     * @throws IllegalArgumentException   when the text is blank or too long, the language is not two lower-case letters
     *                                    or the voice is not one of {@link #VOICES}
     */
    PhoneAudio synthesise(String text, String language, Optional<String> voice) throws SpeechUnavailableException;
}
