package io.voicecore.aigateway;

import static io.voicecore.aigateway.AiGatewayPluginTest.spanishConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.aigateway.api.MuLaw;
import io.voicecore.aigateway.api.PhoneAudio;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.json.Json;
import io.voicecore.standins.openai.OpenAiStandIn;
import io.voicecore.standins.openai.RecordedRequest;
import io.voicecore.standins.openai.ScriptStep;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Speech online: transcription and synthesis through the official openai-java client and the kernel's egress, against
 * the OpenAI stand-in, by way of the gateway's {@code /transcribe} and {@code /speak} routes (which use the exported
 * {@link io.voicecore.aigateway.api.Speech} implementation).
 */
class OnlineSpeechTest {
    private static final String KEY_A = "sk-speech-a";
    private static final String KEY_B = "sk-speech-b";
    /** How long the stand-in speaks a character (docs/stand-ins.md). */
    private static final double SECONDS_PER_CHARACTER = 0.065;

    static OpenAiStandIn standIn;
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        standIn = OpenAiStandIn.start(0, Set.of(KEY_A, KEY_B));
        kit = PluginTestKit.builder(Path.of("target/classes")).withSecondTenant().start();
        kit.putSecret("openai.api-key", KEY_A);
        kit.secondTenant().putSecret("openai.api-key", KEY_B);
    }

    @AfterAll
    static void stop() {
        kit.close();
        standIn.close();
    }

    @BeforeEach
    void fresh() {
        kit.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("retryBackoffMillis", 10).build());
        standIn.scriptAudio(List.of());
        standIn.scriptTranscriptions(List.of());
    }

    private static List<RecordedRequest> accepted() {
        return standIn.requests().stream().filter(RecordedRequest::authorized).toList();
    }

    private static RecordedRequest lastAccepted() {
        List<RecordedRequest> sent = accepted();
        return sent.get(sent.size() - 1);
    }

    /** A caller's 440 Hz tone as the phone line carries it. */
    private static byte[] utterance(double seconds) {
        short[] pcm = new short[(int) Math.round(seconds * PhoneAudio.SAMPLE_RATE)];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(8_000 * Math.sin(2 * Math.PI * 440 * i / PhoneAudio.SAMPLE_RATE));
        }
        return PhoneAudio.ofPcm8k(pcm).muLaw();
    }

    private static TestResponse transcribe(TestTenant tenant, String query, byte[] audio) {
        return tenant.request(HttpMethod.POST, "/transcribe" + query, Map.of("content-type", AiGatewayPlugin.PHONE_AUDIO_TYPE), audio);
    }

    private static TestResponse speak(TestTenant tenant, String text) {
        return tenant.post("/speak", Json.object().put("text", text).put("language", "es").build());
    }

    @Test
    void anUtteranceIsUploadedAsAnEightKilohertzWaveAndItsTextReturnedAndMetered() {
        standIn.scriptTranscriptions(List.of("Quiero una cita para el martes"));
        long secondsBefore = kit.usage(GatewaySpeech.METER_TRANSCRIBED_SECONDS);
        long egressBefore = kit.usage("egress.requests");

        TestResponse answered = transcribe(kit.tenant(), "?language=es", utterance(1.5));

        assertEquals(200, answered.status(), answered.toString());
        assertEquals("Quiero una cita para el martes", answered.json().get("text").asString());
        assertEquals("es", answered.json().get("language").asString());
        assertEquals(1.5, answered.json().get("audioSeconds").asDecimal().doubleValue(), 0.001);
        RecordedRequest request = lastAccepted();
        assertEquals("/v1/audio/transcriptions", request.path());
        assertEquals(200, request.status());
        JsonNode form = request.body();
        assertEquals("gpt-4o-mini-transcribe", form.path("model").asText());
        assertEquals("es", form.path("language").asText());
        assertEquals("json", form.path("response_format").asText());
        assertEquals(OpenAiProvider.UTTERANCE_FILE, form.path("file").path("filename").asText());
        assertEquals(Wav.HEADER_BYTES + 2 * 12_000, form.path("file").path("bytes").asLong(), "16-bit samples at 8 kHz");
        assertEquals(1.5, form.path("file").path("seconds").asDouble(), 0.001, "the stand-in read the WAVE header");
        assertEquals(secondsBefore + 2, kit.usage(GatewaySpeech.METER_TRANSCRIBED_SECONDS), "1.5 s is billed as 2");
        assertEquals(egressBefore + 1, kit.usage("egress.requests"));
    }

    @Test
    void withoutALanguageHintTheModelDetectsIt() {
        TestResponse answered = transcribe(kit.tenant(), "", utterance(0.4));

        assertEquals(200, answered.status(), answered.toString());
        assertTrue(answered.json().get("language").isNull(), answered.toString());
        assertTrue(lastAccepted().body().path("language").isMissingNode(), lastAccepted().body().toString());
    }

    @Test
    void speechIsPhoneAudioAsLongAsTheStandInSpeaksTheTextAndIsMetered() {
        String text = "Su cita queda confirmada para el martes.";
        long charactersBefore = kit.usage(GatewaySpeech.METER_SYNTHESISED_CHARACTERS);

        TestResponse spoken = speak(kit.tenant(), text);

        assertEquals(200, spoken.status(), spoken.toString());
        assertEquals(AiGatewayPlugin.PHONE_AUDIO_TYPE, spoken.contentType().orElseThrow());
        PhoneAudio audio = PhoneAudio.ofMuLaw(spoken.bodyBytes());
        assertEquals(text.length() * SECONDS_PER_CHARACTER, audio.duration().toNanos() / 1e9, 0.01, audio.toString());
        int peak = 0;
        for (byte code : audio.muLaw()) {
            peak = Math.max(peak, Math.abs(MuLaw.decode(code)));
        }
        assertTrue(peak > 3_000, "voiced bursts, not silence: peak " + peak);
        JsonNode request = lastAccepted().body();
        assertEquals("/v1/audio/speech", lastAccepted().path());
        assertEquals("gpt-4o-mini-tts", request.path("model").asText());
        assertEquals("alloy", request.path("voice").asText());
        assertEquals("pcm", request.path("response_format").asText());
        assertEquals(text, request.path("input").asText());
        assertTrue(request.path("instructions").asText().contains("Spanish"), request.toString());
        assertEquals(charactersBefore + text.length(), kit.usage(GatewaySpeech.METER_SYNTHESISED_CHARACTERS));
    }

    @Test
    void theConfiguredModelsAndVoiceAreUsedAndShownInTheStatus() {
        kit.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("transcriptionModel", "whisper-1").put("speechModel", "tts-1")
                              .put("speechVoice", "coral").build());

        assertEquals(200, speak(kit.tenant(), "Hola").status());
        JsonNode speech = lastAccepted().body();
        assertEquals(200, transcribe(kit.tenant(), "", utterance(0.3)).status());
        JsonNode transcription = lastAccepted().body();

        assertEquals("tts-1", speech.path("model").asText());
        assertEquals("coral", speech.path("voice").asText());
        assertTrue(speech.path("instructions").isMissingNode(), "tts-1 takes no instructions");
        assertEquals("whisper-1", transcription.path("model").asText());
        Json status = kit.get("/status").json().get("speech");
        assertEquals("whisper-1", status.get("transcriptionModel").asString());
        assertEquals("tts-1", status.get("speechModel").asString());
        assertEquals("coral", status.get("voice").asString());
    }

    @Test
    void withoutAKeySpeechIsOfflineAndNothingIsSent() {
        assertTrue(kit.deleteSecret("openai.api-key"));
        try {
            int requests = standIn.requests().size();

            TestResponse transcribed = transcribe(kit.tenant(), "?language=es", utterance(0.5));
            TestResponse spoken = speak(kit.tenant(), "Hola");

            for (TestResponse refused : List.of(transcribed, spoken)) {
                assertEquals(409, refused.status(), refused.toString());
                assertEquals("offline", refused.json().get("reason").asString());
                assertTrue(refused.json().get("detail").asString().contains("openai.api-key"), refused.toString());
            }
            assertEquals(requests, standIn.requests().size(), "no request left the platform");
        } finally {
            kit.putSecret("openai.api-key", KEY_A);
        }
    }

    @Test
    void serverErrorsAreRetriedThenReportedAsAProviderFailure() {
        kit.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("retryBackoffMillis", 10).put("maxRetries", 1)
                              .put("breakerFailureThreshold", 100).build());
        long errors = kit.usage(Gateway.METER_PROVIDER_ERRORS);
        int calls = accepted().size();
        standIn.scriptAudio(List.of(ScriptStep.fail(500), ScriptStep.fail(500)));

        TestResponse failed = speak(kit.tenant(), "Hola");

        assertEquals(503, failed.status(), failed.toString());
        assertEquals("provider-failed", failed.json().get("reason").asString());
        assertTrue(failed.json().get("detail").asString().contains("the provider answered 500 (server error), 2 attempts"), failed.toString());
        assertEquals(calls + 2, accepted().size(), "the first attempt and one retry");
        assertEquals(errors + 2, kit.usage(Gateway.METER_PROVIDER_ERRORS));
        assertEquals("the provider answered 500 (server error), 2 attempts",
                     kit.get("/status").json().get("breaker").get("lastFailureReason").asString());

        standIn.scriptAudio(List.of(ScriptStep.fail(503)));
        TestResponse recovered = transcribe(kit.tenant(), "", utterance(0.3));
        assertEquals(200, recovered.status(), "a retry after one failure succeeds: " + recovered);
    }

    @Test
    void failedSpeechOpensTheProvidersOneCircuitBreakerAndThenNothingIsSent() {
        TestTenant tenant = kit.secondTenant();
        tenant.setConfig(Json.object().put("baseUrl", standIn.baseUrl()).put("maxRetries", 0).put("breakerFailureThreshold", 2)
                                 .put("breakerOpenSeconds", 600).put("cacheTtlSeconds", 0).build());
        standIn.scriptAudio(List.of(ScriptStep.fail(503), ScriptStep.fail(503)));
        assertEquals("provider-failed", speak(tenant, "Hola").json().get("reason").asString());
        assertEquals("provider-failed", transcribe(tenant, "", utterance(0.3)).json().get("reason").asString());
        int calls = accepted().size();

        TestResponse refused = speak(tenant, "Hola");
        Json completion = tenant.post("/complete", spanishConversation("hola")).json();

        assertEquals(503, refused.status(), refused.toString());
        assertEquals("circuit-open", refused.json().get("reason").asString());
        assertTrue(refused.json().get("detail").asString().contains("the circuit breaker is open"), refused.toString());
        assertEquals(calls, accepted().size(), "an open breaker does not call the provider");
        assertTrue(completion.get("fallbackReason").asString().startsWith("the circuit breaker is open"),
                   "completions share the breaker: " + completion);
        assertEquals(200, speak(kit.tenant(), "Hola").status(), "the breaker is per tenant");
    }
}
