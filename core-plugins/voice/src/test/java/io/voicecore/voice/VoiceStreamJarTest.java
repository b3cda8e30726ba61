package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.WsClient;
import io.voicecore.standins.openai.OpenAiStandIn;
import io.voicecore.standins.openai.RecordedRequest;
import io.voicecore.standins.openai.ScriptStep;
import io.voicecore.standins.twilio.CallEvent;
import io.voicecore.standins.twilio.CallTranscript;
import io.voicecore.standins.twilio.CallerTurn;
import io.voicecore.standins.twilio.StreamRecording;
import io.voicecore.standins.twilio.TwilioCall;
import io.voicecore.standins.twilio.TwilioCallSettings;
import io.voicecore.standins.twilio.TwilioSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream mode against both stand-ins, on a real kernel with the packaged plugins: Twilio's stand-in plays an English
 * caller from espeak-ng WAV files over a Media Stream in real time; the plugin hears the utterances end, the AI gateway
 * has them transcribed and the replies spoken by the OpenAI stand-in, and the caller hears them. Barge-in, failures
 * mid-call, transfers and forged streams as a provider and an attacker would try them.
 */
class VoiceStreamJarTest {
    static final String TOKEN = "stream-auth-token-0001";
    static final String OPENAI_KEY = "sk-stream-test";
    static final String TENANT = "clinic-stream";
    static VoiceKernel voice;
    static OpenAiStandIn openAi;
    @TempDir
    static Path wavs;

    @BeforeAll
    static void start() {
        voice = new VoiceKernel();
        openAi = OpenAiStandIn.start(0, Set.of(OPENAI_KEY));
        voice.tenant(TENANT, TOKEN, Map.of("transferTo", "+34910000001"));
        voice.receptionist(TENANT, "Mon-Sun 00:00-24:00", "en");
        HttpResult key = voice.kernel.put("/api/v1/tenants/" + TENANT + "/plugins/ai-gateway/secrets/openai.api-key", voice.admin,
                                          Map.of("value", OPENAI_KEY));
        assertEquals(204, key.status(), key.body());
        VoiceKernel.ok(voice.kernel.put("/api/v1/tenants/" + TENANT + "/plugins/ai-gateway/config", voice.admin,
                                        Map.of("baseUrl", openAi.baseUrl(), "maxRetries", 0, "cacheTtlSeconds", 0)));
        VoiceKernel.ok(voice.kernel.put("/api/v1/tenants/" + TENANT + "/plugins/voice/config", voice.admin,
                                        Map.of("mode", "stream", "transferTo", "+34910000001")));
    }

    @AfterAll
    static void stop() {
        if (openAi != null) {
            openAi.close();
        }
        if (voice != null) {
            voice.close();
        }
    }

    /** A caller's words as espeak-ng says them, in a WAV file (the Debian package espeak-ng; .ci/run installs it). */
    static Path spoken(String name, String text) throws Exception {
        Path wav = wavs.resolve(name + ".wav");
        Process espeak;
        try {
            espeak = new ProcessBuilder("espeak-ng", "-v", "en", "-w", wav.toString(), text).redirectErrorStream(true).start();
        } catch (java.io.IOException missing) {
            throw new AssertionError("espeak-ng is needed to speak the caller's words (Debian package espeak-ng)", missing);
        }
        espeak.getInputStream().readAllBytes();
        assertTrue(espeak.waitFor(30, TimeUnit.SECONDS) && espeak.exitValue() == 0, "espeak-ng failed for: " + text);
        assertTrue(Files.size(wav) > 1_000, "espeak-ng wrote no audio for: " + text);
        return wav;
    }

    static TwilioCallSettings call(String from) {
        return TwilioCallSettings.call(URI.create(voice.incomingUrl(TENANT)), TOKEN).withFrom(from)
                .withStatusCallback(URI.create(voice.url(TENANT, "/twilio/status")))
                .withStreamTiming(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    static List<RecordedRequest> since(long sequence, String path) {
        return openAi.requests().stream().filter(r -> r.sequence() > sequence && r.path().equals(path)).toList();
    }

    static long lastSequence() {
        List<RecordedRequest> all = openAi.requests();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).sequence();
    }

    @Test
    void anEnglishCallerIsHeardTranscribedAnsweredAndSpokenBackOverTheStream() throws Exception {
        long before = lastSequence();
        openAi.scriptTranscriptions(List.of("Hi, my name is John Smith.", "I would like an appointment tomorrow."));
        // Online, the model writes the greeting too: greeting, then one reply per utterance.
        List<String> replies = List.of("Hello, this is Ava at Clínica Sol. How can I help you?",
                                       "Nice to meet you, John. How can I help you today?",
                                       "Of course. I have noted that you would like an appointment tomorrow.");
        openAi.script(replies.stream().map(ScriptStep::reply).toList());
        CallTranscript call = TwilioCall.place(call("+14155550101"), List.of(
                CallerTurn.say("Hi, my name is John Smith.", spoken("name", "Hi, my name is John Smith.")),
                CallerTurn.say("I would like an appointment tomorrow.", spoken("appointment", "I would like an appointment tomorrow."))));

        assertTrue(call.applicationError().isEmpty(), call.jsonLines());
        assertEquals(1, call.streams().size(), call.jsonLines());
        StreamRecording stream = call.streams().get(0);
        assertTrue(stream.bidirectional());
        // Greeting, then one reply per utterance: each arrived as audio and played to the caller.
        List<CallEvent.StreamEvent> arrived = stream.timeline(CallEvent.StreamEventKind.AUDIO_ARRIVED);
        assertTrue(arrived.size() >= 3, "greeting and two replies: " + stream.timeline());
        assertTrue(stream.timeline(CallEvent.StreamEventKind.MARK_ECHOED).size() >= 3, stream.timeline().toString());
        assertTrue(stream.timeline(CallEvent.StreamEventKind.PROTOCOL_ERROR).isEmpty(), stream.timeline().toString());

        List<RecordedRequest> transcriptions = since(before, "/v1/audio/transcriptions");
        assertEquals(2, transcriptions.size(), "one transcription per utterance: " + transcriptions);
        for (RecordedRequest upload : transcriptions) {
            assertEquals(200, upload.status(), upload.body().toString());
            assertEquals("en", upload.body().get("language").asText(), upload.body().toString());
        }
        List<RecordedRequest> spokenBack = since(before, "/v1/audio/speech");
        assertEquals(replies, spokenBack.stream().limit(3).map(s -> s.body().get("input").asText()).toList(),
                     "the greeting and each reply spoken, in order");
        assertTrue(spokenBack.stream().allMatch(s -> s.status() == 200 && s.body().get("response_format").asText().equals("pcm")));

        // The audio the caller heard is the audio the gateway synthesised: as long as the replies, not silence.
        Duration audible = stream.audibleBetween(Duration.ZERO, stream.endedAt().orElseThrow());
        assertTrue(audible.compareTo(Duration.ofSeconds(3)) > 0, "the caller heard " + audible);

        String conversation = voice.conversationOf(call.callSid());
        JsonNode record = VoiceKernel.await(Duration.ofSeconds(30), "the call's end", () -> {
            JsonNode read = voice.conversation(TENANT, conversation);
            return read.get("status").asText().equals("ended") ? read : null;
        });
        assertEquals("call", record.get("channel").asText(), record.toString());
        assertTrue(record.toString().contains("Hi, my name is John Smith."), "the transcribed turns are the conversation's: " + record);
        assertTrue(voice.usage(TENANT, "voice.minutes") >= 1);
    }

    @Test
    void aCallerTalkingOverTheGreetingStopsItWithin200Milliseconds() throws Exception {
        openAi.scriptTranscriptions(List.of("Sorry, one question."));
        openAi.script(List.of(ScriptStep.reply("Of course, go ahead.")));
        CallTranscript call = TwilioCall.place(call("+14155550102"), List.of(
                CallerTurn.say("Sorry, one question.", spoken("interrupt", "Sorry, one question."))
                        .startingWhen(CallerTurn.Start.interrupting(Duration.ofMillis(800)))));

        StreamRecording stream = call.streams().get(0);
        Duration toClear = stream.clearAfterUtterance(0).orElseThrow(() -> new AssertionError("no clear: " + stream.timeline()));
        assertTrue(toClear.compareTo(Duration.ofMillis(200)) <= 0, "our audio stopped " + toClear.toMillis() + " ms after the caller spoke");
        Duration overlap = stream.audioHeardWhileSpeaking(0);
        assertTrue(overlap.compareTo(Duration.ofMillis(240)) <= 0, "the caller heard " + overlap.toMillis() + " ms of us over their voice");
        assertFalse(stream.timeline(CallEvent.StreamEventKind.CLEAR_RECEIVED).isEmpty());
    }

    @Test
    void aCallerWhoAsksForAPersonIsPutThroughAfterTheStreamEnds() throws Exception {
        openAi.scriptTranscriptions(List.of("I want to speak to a person, please."));
        CallTranscript call = TwilioCall.place(call("+14155550103").withDialStatuses("completed"), List.of(
                CallerTurn.say("I want to speak to a person, please.", spoken("person", "I want to speak to a person, please."))));

        assertTrue(call.applicationError().isEmpty(), call.jsonLines());
        List<CallEvent.Dialled> dialled = call.events(CallEvent.Dialled.class);
        assertEquals(1, dialled.size(), call.jsonLines());
        assertEquals("+34910000001", dialled.get(0).targets().get(0).address());
        assertTrue(call.streams().get(0).endReason().orElse("").contains("closed-by-server"), call.streams().get(0).endReason().toString());
    }

    @Test
    void aCallerTheTenantsCallFlowRoutesToADepartmentIsPutThroughToItAfterTheStreamEnds() throws Exception {
        String callFlow = "/api/v1/tenants/" + TENANT + "/receptionist/call-flow";
        VoiceKernel.ok(voice.kernel.put("/api/v1/tenants/" + TENANT + "/plugins/receptionist/config", voice.admin,
                                        Map.of("assistantName", "Ava", "businessName", "Clínica Sol", "languages", "en",
                                               "businessHours", "Mon-Sun 00:00-24:00", "timeZone", "Europe/Madrid",
                                               "departments", "sales=+34910000055")));
        VoiceKernel.ok(voice.kernel.put(callFlow, voice.admin, Map.of("script",
                "function decide(turn) {\n  return /sales/i.test(turn.text) ? { action: 'route', to: 'sales' } : null;\n}\n")));
        try {
            openAi.scriptTranscriptions(List.of("Put me through to sales, please."));
            CallTranscript call = TwilioCall.place(call("+14155550105").withDialStatuses("completed"), List.of(
                    CallerTurn.say("Put me through to sales, please.", spoken("sales", "Put me through to sales, please."))));

            assertTrue(call.applicationError().isEmpty(), call.jsonLines());
            List<CallEvent.Dialled> dialled = call.events(CallEvent.Dialled.class);
            assertEquals(1, dialled.size(), call.jsonLines());
            assertEquals("+34910000055", dialled.get(0).targets().get(0).address(), "the department's number, not the plugin's transferTo");
        } finally {
            assertEquals(204, voice.kernel.delete(callFlow, voice.admin).status());
            voice.receptionist(TENANT, "Mon-Sun 00:00-24:00", "en");
        }
    }

    @Test
    void aTranscriptionThatFailsMidCallEndsInAnApologyAndATransferNeverSilence() throws Exception {
        openAi.scriptAudio(List.of(ScriptStep.fail(503), ScriptStep.fail(503)));
        CallTranscript call;
        try {
            call = TwilioCall.place(call("+14155550104").withDialStatuses("no-answer"), List.of(
                    CallerTurn.say("Hello, are you open on Saturday?", spoken("saturday", "Hello, are you open on Saturday?"))));
        } finally {
            openAi.scriptAudio(List.of());
        }
        assertTrue(call.applicationError().isEmpty(), call.jsonLines());
        assertTrue(call.said().stream().anyMatch(text -> text.startsWith("I'm sorry") || text.contains("technical problem")),
                   "an apology: " + call.said());
        assertEquals(1, call.events(CallEvent.Dialled.class).size(), call.jsonLines());
        // Nobody took the transfer: the caller may leave a voicemail.
        assertEquals(1, call.events(CallEvent.Recorded.class).size(), call.jsonLines());
    }

    @Test
    void aStreamNotOpenedByTwilioForACallItCreatedIsClosedAndChangesNothing() throws Exception {
        URI media = URI.create(voice.url(TENANT, "/twilio/media").replaceFirst("^http", "ws"));
        JsonNode unsigned = WsClient.connectWithHeaders(media, Map.of()).open().nextJson();
        assertEquals("urn:voicecore:plugin:voice:invalid-signature", unsigned.get("problem").get("type").asText(), unsigned.toString());
        JsonNode otherToken = WsClient.connectWithHeaders(media, Map.of("X-Twilio-Signature",
                TwilioSignature.sign("someone-elses-token", media.toString(), Map.of()))).open().nextJson();
        assertEquals("urn:voicecore:plugin:voice:invalid-signature", otherToken.get("problem").get("type").asText());

        // Signed, but naming a call the webhook never created, or with a made-up token: closed before any audio.
        try (WsClient signed = WsClient.connectWithHeaders(media, Map.of("X-Twilio-Signature", TwilioSignature.sign(TOKEN, media.toString(), Map.of())))
                .open()) {
            signed.send("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
            signed.send("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\"MZ00000000000000000000000000000001\",\"start\":"
                        + "{\"callSid\":\"CA00000000000000000000000000000009\",\"streamSid\":\"MZ00000000000000000000000000000001\","
                        + "\"customParameters\":{\"callToken\":\"made-up\"}}}");
            WsClient.Closure closed = signed.awaitClose();
            assertEquals(4403, closed.code(), closed.toString());
        }
        assertEquals(0, voice.count("SELECT count(*) FROM plugin_voice.calls WHERE call_sid = ?", "CA00000000000000000000000000000009"));
    }

    @Test
    void streamModeIsRefusedAtConfigurationTimeWhileTheGatewayIsOffline() {
        voice.tenant("stream-offline", TOKEN, Map.of());
        HttpResult refused = voice.kernel.put("/api/v1/tenants/stream-offline/plugins/voice/config", voice.admin, Map.of("mode", "stream"));
        assertEquals(409, refused.status(), refused.body());
        assertEquals("urn:voicecore:plugin:voice:stream-mode-needs-speech", refused.json().get("type").asText(), refused.body());
        assertTrue(refused.json().get("detail").asText().contains("openai.api-key"), refused.body());
        HttpResult kept = voice.kernel.get("/api/v1/tenants/stream-offline/plugins/voice/config", voice.admin);
        assertEquals("gather", kept.json().get("mode").asText(), "nothing was saved");
    }
}
