package io.voicecore.standins.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The command line: a call from arguments, its transcript as JSON lines, and the exit status. */
class TwilioStandInTest {
    private static final String TOKEN = "00112233445566778899aabbccddeeff";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path folder;
    private VoiceApp app;

    @BeforeEach
    void start() throws Exception {
        app = new VoiceApp(TOKEN);
        app.route("/voice", """
                <Response>
                  <Gather input="speech dtmf" action="/answer" language="es-ES">
                    <Say language="es-ES" voice="Polly.Lucia">Hola, ¿en qué puedo ayudarle?</Say>
                  </Gather>
                </Response>""");
        app.route("/answer", request -> VoiceApp.Answer.twiml("""
                <Response>
                  <Say language="es-ES">Ha dicho: %s</Say>
                  <Gather input="dtmf" numDigits="1" action="/confirm"><Say>Pulse 1 para confirmar.</Say></Gather>
                </Response>""".formatted(request.param("SpeechResult"))));
        app.route("/confirm", request -> VoiceApp.Answer.twiml("""
                <Response><Dial action="/dialled">+34910000001</Dial></Response>"""));
        app.route("/dialled", request -> VoiceApp.Answer.twiml("<Response><Say>" + request.param("DialCallStatus")
                                                               + "</Say><Hangup/></Response>"));
        app.route("/broken", request -> new VoiceApp.Answer(500, "text/plain", "boom"));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private record Run(int status, List<JsonNode> lines, String err) {
    }

    private Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TwilioStandIn.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                                       new PrintStream(err, true, StandardCharsets.UTF_8));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return new Run(status, lines, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void placesTheCallAndPrintsItsTranscriptAsJsonLines() throws Exception {
        Run run = run("call", "--webhook", app.url("/voice").toString(), "--auth-token", TOKEN,
                      "--from", "+34600111222", "--say", "Quiero una cita", "--confidence", "0.81", "--digits", "1",
                      "--dial-status", "no-answer");

        assertEquals(0, run.status(), run.err());
        assertEquals("call-started", run.lines().get(0).path("event").asText());
        assertEquals("+34600111222", run.lines().get(0).path("from").asText());
        List<String> said = run.lines().stream().filter(line -> line.path("event").asText().equals("said"))
                .map(line -> line.path("language").asText("") + "|" + line.path("text").asText()).toList();
        assertEquals(List.of("es-ES|Hola, ¿en qué puedo ayudarle?", "es-ES|Ha dicho: Quiero una cita",
                             "|Pulse 1 para confirmar.", "|no-answer"), said);
        List<JsonNode> gathers = run.lines().stream().filter(line -> line.path("event").asText().equals("gathered"))
                .toList();
        assertEquals("Quiero una cita", gathers.get(0).path("speech").asText());
        assertEquals(0.81, gathers.get(0).path("confidence").asDouble(), 1e-9);
        assertEquals("1", gathers.get(1).path("digits").asText());
        assertTrue(run.lines().stream().anyMatch(line -> line.path("event").asText().equals("dialled")
                                                         && line.path("dialCallStatus").asText().equals("no-answer")));
        assertTrue(run.lines().stream().filter(line -> line.path("event").asText().equals("response-received"))
                           .allMatch(line -> line.path("status").asInt() == 200));
        JsonNode last = run.lines().get(run.lines().size() - 1);
        assertEquals("call-ended", last.path("event").asText());
        assertEquals("hangup", last.path("end").asText());
        assertTrue(app.received().stream().allMatch(VoiceApp.Received::signatureValid));
    }

    @Test
    void onAStreamTheWavIsSpokenAndWhatTheCallerHeardIsWritten() throws Exception {
        try (MediaStreamServer server = new MediaStreamServer(StreamModeTest.EchoBot::new)) {
            app.route("/stream", "<Response><Connect><Stream url=\"" + server.url() + "\"/></Connect></Response>");
            Path wav = folder.resolve("hola.wav");
            CallerWavs.synthetic("Hola, buenos días").writeWav(wav);
            Path heard = folder.resolve("heard.wav");
            Run run = run("call", "--webhook", app.url("/stream").toString(), "--auth-token", TOKEN, "--say",
                          "Hola, buenos días", "--wav", wav.toString(), "--hang-up-after-ms", "500",
                          "--heard-wav", heard.toString());

            assertEquals(0, run.status(), run.err());
            List<String> timeline = run.lines().stream().filter(line -> line.path("event").asText()
                    .equals("stream-event")).map(line -> line.path("kind").asText()).toList();
            assertTrue(timeline.containsAll(List.of("audio-arrived", "playback-started", "mark-received",
                                                    "mark-echoed", "utterance-started", "utterance-ended",
                                                    "stop-sent")), timeline.toString());
            JsonNode utterance = run.lines().stream().filter(line -> line.path("kind").asText()
                    .equals("utterance-started")).findFirst().orElseThrow();
            assertEquals("Hola, buenos días", utterance.path("detail").asText());
            assertEquals("caller-hung-up", run.lines().get(run.lines().size() - 1).path("end").asText());
            // The greeting and the echo of the caller, in real time: seconds of audio, much of it audible.
            PcmAudio heardAudio = PcmAudio.readWav(heard);
            assertTrue(heardAudio.duration().toMillis() > 3_000, heardAudio.toString());
            assertTrue(heardAudio.rms() > 1_000, "rms " + heardAudio.rms());
        }
    }

    @Test
    void aCallThatDoesNotCompleteExitsWithOneAndSaysWhy() throws Exception {
        Run broken = run("call", "--webhook", app.url("/broken").toString(), "--auth-token", TOKEN);
        assertEquals(1, broken.status());
        assertTrue(broken.err().contains("application error (11200)"), broken.err());
        assertTrue(broken.err().contains("answered 500"), broken.err());
        assertEquals("application-error", broken.lines().get(broken.lines().size() - 2).path("event").asText());

        Run forged = run("call", "--webhook", app.url("/voice").toString(), "--auth-token", TOKEN, "--sign-with",
                         "not-the-token");
        assertEquals(1, forged.status());
        assertTrue(forged.err().contains("answered 403"), forged.err());
    }

    @Test
    void aCommandLineThatCannotRunExitsWithTwo() throws Exception {
        assertEquals(2, run("call", "--auth-token", TOKEN).status());
        assertTrue(run("call", "--auth-token", TOKEN).err().contains("--webhook URL is needed"));
        Run missingWav = run("call", "--webhook", app.url("/voice").toString(), "--auth-token", TOKEN, "--say", "Hola",
                             "--wav", folder.resolve("missing.wav").toString());
        assertEquals(2, missingWav.status());
        assertTrue(missingWav.err().contains("missing.wav"), missingWav.err());
        assertEquals(2, run("dial").status());
        assertEquals(2, run("call", "--webhook", app.url("/voice").toString(), "--auth-token", TOKEN, "--dial-status",
                            "maybe").status());
        assertEquals(0, run("--help").status());
    }
}
