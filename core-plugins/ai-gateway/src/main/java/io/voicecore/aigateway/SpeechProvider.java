package io.voicecore.aigateway;

import java.util.Optional;

/**
 * The audio side of the provider: speech to text and text to speech. Like {@link ModelProvider} it only sends one
 * request through the kernel's egress; {@link ProviderCalls} retries it and counts it against the circuit breaker.
 */
interface SpeechProvider {

    /**
     * @param model    the transcription model, e.g. {@code gpt-4o-mini-transcribe}
     * @param wav      the utterance as a RIFF/WAVE file
     * @param language ISO 639-1 hint, if any
     * @return the text heard
     * @throws ProviderFailure when the provider did not answer
     */
    String transcribe(String model, byte[] wav, Optional<String> language);

    /**
     * @param model        the speech model, e.g. {@code gpt-4o-mini-tts}
     * @param text         what to say
     * @param voice        the voice, one of {@link io.voicecore.aigateway.api.Speech#VOICES}
     * @param instructions how to speak it, for models that take instructions
     * @return the speech as signed 16-bit little-endian mono samples at {@value Resampler#INPUT_RATE} Hz
     * @throws ProviderFailure when the provider did not answer
     */
    byte[] speak(String model, String text, String voice, Optional<String> instructions);
}
