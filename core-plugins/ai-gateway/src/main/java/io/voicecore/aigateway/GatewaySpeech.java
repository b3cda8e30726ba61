package io.voicecore.aigateway;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.voicecore.aigateway.api.GatewayStatus;
import io.voicecore.aigateway.api.PhoneAudio;
import io.voicecore.aigateway.api.Speech;
import io.voicecore.aigateway.api.SpeechUnavailableException;
import io.voicecore.aigateway.api.Transcript;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;

/**
 * The tenant's speech, for one call: what other plugins get from {@code services().require(Speech.class)} and what the
 * gateway's {@code /transcribe} and {@code /speak} routes use. Acts with the gateway's context.
 *
 * <p>Only with the secret {@value Gateway#API_KEY_SECRET}; then each request goes to the provider through
 * {@link ProviderCalls}, sharing the completions' retries and circuit breaker. An utterance is uploaded as a 16-bit
 * 8 kHz WAVE file; speech comes back as OpenAI's 24 kHz {@code pcm} and is filtered down to 8 kHz μ-law. Transcribed
 * seconds (rounded up per utterance) and synthesised characters are metered.
 */
final class GatewaySpeech implements Speech {
    static final String METER_TRANSCRIBED_SECONDS = "speech.transcribed-seconds";
    static final String METER_SYNTHESISED_CHARACTERS = "speech.synthesised-characters";

    private final PluginContext context;
    private final Clock clock;
    private final RandomGenerator random;

    /** @param context the gateway's context for the tenant's call */
    GatewaySpeech(PluginContext context) {
        this(context, Clock.systemUTC(), new SplittableRandom());
    }

    /**
     * @param context the gateway's context for the tenant's call
     * @param clock   the time, for the breaker
     * @param random  the jitter of retry waits
     */
    GatewaySpeech(PluginContext context, Clock clock, RandomGenerator random) {
        this.context = context;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public GatewayStatus.Mode mode() {
        return context.secrets().get(Gateway.API_KEY_SECRET).isPresent() ? GatewayStatus.Mode.ONLINE : GatewayStatus.Mode.OFFLINE;
    }

    @Override
    public Transcript transcribe(PhoneAudio audio, Optional<String> language) {
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(language, "language");
        if (audio.isEmpty()) {
            throw new IllegalArgumentException("there is no audio to transcribe");
        }
        language.ifPresent(GatewaySpeech::requireLanguage);
        String apiKey = apiKey("transcribe what callers say");
        GatewaySettings settings = usableSettings();
        SpeechProvider provider = ModelProviders.openAiSpeech(context, settings, apiKey);
        byte[] wav = Wav.mono16(audio.pcm8k(), PhoneAudio.SAMPLE_RATE);
        String text = answer(settings, () -> provider.transcribe(settings.transcriptionModel(), wav, language), "transcribe the caller");
        Duration heard = audio.duration();
        context.usage().record(METER_TRANSCRIBED_SECONDS, Math.max(1, (heard.toMillis() + 999) / 1000), "second");
        return new Transcript(text.strip(), language, heard);
    }

    @Override
    public PhoneAudio synthesise(String text, String language, Optional<String> voice) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(voice, "voice");
        if (text.isBlank() || text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("the text to speak must be non-blank and at most " + MAX_TEXT + " characters, not "
                                               + text.length());
        }
        requireLanguage(language);
        voice.ifPresent(name -> {
            if (!VOICES.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a voice; use one of " + String.join(", ", VOICES));
            }
        });
        String apiKey = apiKey("speak");
        GatewaySettings settings = usableSettings();
        SpeechProvider provider = ModelProviders.openAiSpeech(context, settings, apiKey);
        Optional<String> instructions = instructions(settings.speechModel(), language);
        byte[] pcm24k = answer(settings, () -> provider.speak(settings.speechModel(), text, voice.orElse(settings.speechVoice()), instructions),
                               "speak");
        context.usage().record(METER_SYNTHESISED_CHARACTERS, text.length(), "character");
        return PhoneAudio.ofPcm8k(Resampler.from24kTo8k(Wav.fromLittleEndian(pcm24k)));
    }

    /** The provider's answer, or the exception that says why there is none. */
    private <T> T answer(GatewaySettings settings, Supplier<T> attempt, String task) {
        ProviderCalls.Outcome<T> outcome;
        try {
            outcome = new ProviderCalls(context, settings, clock, random).call(attempt);
        } catch (PermissionDeniedException refused) {
            throw new SpeechUnavailableException(SpeechUnavailableException.Reason.PERMISSION, "The platform refused the AI gateway's call to "
                    + "OpenAI, so it cannot " + task + ": " + refused.getMessage(), refused);
        }
        return switch (outcome) {
            case ProviderCalls.Answered<T>(T value) -> value;
            case ProviderCalls.BreakerOpen<T>(String reason) -> throw new SpeechUnavailableException(
                    SpeechUnavailableException.Reason.CIRCUIT_OPEN, "OpenAI is not being called for a while, so the AI gateway cannot "
                    + task + ": " + reason + ". It is tried again when the breaker's open time is over; see the gateway's GET /status.");
            case ProviderCalls.Failed<T>(String reason) -> throw new SpeechUnavailableException(
                    SpeechUnavailableException.Reason.PROVIDER_FAILED, "OpenAI did not answer, so the AI gateway cannot " + task + ": "
                    + reason + ".");
        };
    }

    private String apiKey(String task) {
        return context.secrets().get(Gateway.API_KEY_SECRET).orElseThrow(() -> new SpeechUnavailableException(
                SpeechUnavailableException.Reason.OFFLINE, "The AI gateway is offline, so it cannot " + task + ": set the tenant's "
                + "OpenAI API key in the secret " + Gateway.API_KEY_SECRET + " to turn speech on."));
    }

    /** The settings, with a base URL speech may be sent to (else the tenant's configuration needs fixing). */
    private GatewaySettings usableSettings() {
        GatewaySettings settings = GatewaySettings.of(context.config());
        try {
            settings.requireUsableBaseUrl();
        } catch (PluginProblem unusable) {
            throw new SpeechUnavailableException(SpeechUnavailableException.Reason.PROVIDER_FAILED, unusable.getMessage(), unusable);
        }
        return settings;
    }

    /**
     * How to speak, for the models that take instructions (not {@code tts-1} and {@code tts-1-hd}): in the text's
     * language, so that a short Spanish reply does not come out with an English accent.
     */
    static Optional<String> instructions(String speechModel, String language) {
        if (speechModel.startsWith("tts-1")) {
            return Optional.empty();
        }
        String name = Locale.forLanguageTag(language).getDisplayLanguage(Locale.ENGLISH);
        return Optional.of("Speak in " + (name.isBlank() ? language : name) + ", clearly and warmly, at a natural pace for a phone call.");
    }

    private static void requireLanguage(String language) {
        if (language == null || !language.matches("[a-z]{2}")) {
            throw new IllegalArgumentException("a language must be an ISO 639-1 code such as 'es', not '" + language + "'");
        }
    }
}
