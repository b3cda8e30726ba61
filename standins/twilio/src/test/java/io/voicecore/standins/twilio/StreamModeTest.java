package io.voicecore.standins.twilio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.voicecore.standins.twilio.CallEvent.StreamEventKind;
import io.voicecore.standins.twilio.MediaStreamServer.Message;

/**
 * Calls in stream mode against a Helidon WebSocket server: Twilio's Media Streams messages, real-time pacing,
 * μ-law audio from WAV files, marks, {@code clear} and the barge-in timeline, DTMF, a stream the server closes,
 * and a forked {@code <Start><Stream>}.
 */
class StreamModeTest {
    private static final String TOKEN = "fedcba9876543210fedcba9876543210";
    private static final long MILLIS = 1_000_000L;
    @TempDir
    Path folder;
    private VoiceApp app;

    @BeforeEach
    void start() throws Exception {
        app = new VoiceApp(TOKEN);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private static short[] samples(String payload) {
        return MuLaw.decode(Base64.getDecoder().decode(payload));
    }

    private static double rms(short[] samples) {
        double sum = 0;
        for (short sample : samples) {
            sum += (double) sample * sample;
        }
        return Math.sqrt(sum / Math.max(1, samples.length));
    }

    /**
     * A voice receptionist that greets with two seconds of audio, stops talking ({@code clear}) the moment the caller
     * speaks over it, and answers each utterance by repeating it once the caller has been quiet for 300 ms, each
     * reply followed by a mark.
     */
    static final class EchoBot extends MediaStreamServer.Bot {
        static final int GREETING_BYTES = 16_000;
        final ByteArrayOutputStream utterance = new ByteArrayOutputStream();
        final List<Long> speechStarts = new ArrayList<>();
        final List<Long> clearsSent = new ArrayList<>();
        final List<Long> repliesSent = new ArrayList<>();
        final List<Integer> replyBytes = new ArrayList<>();
        boolean callerSpeaking;
        long lastLoud;
        long playingUntil;

        @Override
        void handle(Message message) {
            long now = message.nanos();
            switch (message.event()) {
                case "start" -> {
                    play(PcmAudio.tone(8_000, 440, 2.0, 9_000).toMuLaw());
                    mark("greeting");
                    playingUntil = now + 2_000 * MILLIS;
                }
                case "media" -> {
                    String payload = message.json().path("media").path("payload").asText();
                    boolean loud = rms(samples(payload)) > 1_000;
                    if (loud && !callerSpeaking) {
                        callerSpeaking = true;
                        speechStarts.add(now);
                        if (now < playingUntil) {
                            clear();
                            clearsSent.add(now);
                            playingUntil = now;
                        }
                    }
                    if (callerSpeaking) {
                        if (loud) {
                            lastLoud = now;
                        }
                        utterance.writeBytes(Base64.getDecoder().decode(payload));
                        if (!loud && now - lastLoud > 300 * MILLIS) {
                            callerSpeaking = false;
                            byte[] reply = utterance.toByteArray();
                            utterance.reset();
                            repliesSent.add(System.nanoTime());
                            replyBytes.add(reply.length);
                            play(reply);
                            mark("reply-" + repliesSent.size());
                            playingUntil = System.nanoTime() + reply.length / 8 * MILLIS;
                        }
                    }
                }
                default -> {
                }
            }
        }
    }

    private String connectTwiml(URI stream, String action) {
        return """
                <Response>
                  <Say language="es-ES">Le paso con la recepcionista.</Say>
                  <Connect%s>
                    <Stream url="%s" name="receptionist">
                      <Parameter name="tenant" value="clinica-sonrisas"/>
                      <Parameter name="purpose" value="appointments"/>
                    </Stream>
                  </Connect>
                </Response>""".formatted(action == null ? "" : " action=\"" + action + "\"", stream);
    }

    @Test
    void aCallerBargesIntoTheGreetingAndTheTimelineMeasuresIt() throws Exception {
        try (MediaStreamServer server = new MediaStreamServer(EchoBot::new)) {
            app.route("/voice", connectTwiml(server.url(), null));
            PcmAudio firstWords = PcmAudio.readWav(CallerWavs.saying(folder, "perdone", "Perdone, quería pedir una cita"));
            TwilioCallSettings settings = TwilioCallSettings.call(app.url("/voice"), TOKEN)
                    .withStreamTiming(Duration.ofSeconds(5), Duration.ofMillis(800), Duration.ofSeconds(40));
            CallTranscript call = TwilioCall.place(settings, List.of(
                    CallerTurn.say("Perdone, quería pedir una cita", firstWords)
                            .startingWhen(CallerTurn.Start.interrupting(Duration.ofMillis(600))),
                    CallerTurn.say("El martes por la mañana")));

            assertTrue(call.completed(), call.jsonLines());
            assertEquals(CallEnd.CALLER_HUNG_UP, call.end());
            assertEquals(List.of("Le paso con la recepcionista."), call.said());
            assertTrue(app.received("/after-stream").isEmpty());
            EchoBot bot = (EchoBot) server.bots().get(0);
            StreamRecording stream = call.streams().get(0);

            // The handshake is signed like a webhook, over the URL alone.
            assertTrue(IndependentTwilioSignature.valid(TOKEN, server.url().toString(), Map.of(), bot.signature),
                       "signature " + bot.signature);

            // connected, start, then media, each numbered after the previous one; stop last.
            List<Message> messages = bot.messages;
            assertEquals("connected", messages.get(0).event());
            assertEquals("Call", messages.get(0).json().path("protocol").asText());
            assertEquals("1.0.0", messages.get(0).json().path("version").asText());
            JsonNode start = messages.get(1).json();
            assertEquals("start", start.path("event").asText());
            assertEquals("1", start.path("sequenceNumber").asText());
            JsonNode metadata = start.path("start");
            assertTrue(metadata.path("streamSid").asText().matches("MZ[0-9a-f]{32}"));
            assertEquals(stream.streamSid(), metadata.path("streamSid").asText());
            assertEquals(stream.streamSid(), start.path("streamSid").asText());
            assertEquals(call.callSid(), metadata.path("callSid").asText());
            assertEquals(settings.accountSid(), metadata.path("accountSid").asText());
            assertEquals("[\"inbound\"]", metadata.path("tracks").toString());
            assertEquals("audio/x-mulaw", metadata.path("mediaFormat").path("encoding").asText());
            assertEquals(8000, metadata.path("mediaFormat").path("sampleRate").asInt());
            assertEquals(1, metadata.path("mediaFormat").path("channels").asInt());
            assertEquals("clinica-sonrisas", metadata.path("customParameters").path("tenant").asText());
            assertEquals("appointments", metadata.path("customParameters").path("purpose").asText());
            assertEquals(Map.of("tenant", "clinica-sonrisas", "purpose", "appointments"), stream.customParameters());
            for (int i = 1; i < messages.size(); i++) {
                assertEquals(Integer.toString(i), messages.get(i).json().path("sequenceNumber").asText(),
                             "message " + i + " " + messages.get(i).event());
            }
            Message last = messages.get(messages.size() - 1);
            assertEquals("stop", last.event());
            assertEquals(call.callSid(), last.json().path("stop").path("callSid").asText());
            assertEquals(settings.accountSid(), last.json().path("stop").path("accountSid").asText());

            // Media: 160-byte frames, chunks counting from 1, timestamps 20 ms apart, sent in real time.
            List<Message> media = bot.messages("media");
            assertTrue(media.size() > 200, media.size() + " frames");
            for (int i = 0; i < media.size(); i++) {
                JsonNode frame = media.get(i).json().path("media");
                assertEquals("inbound", frame.path("track").asText());
                assertEquals(Integer.toString(i + 1), frame.path("chunk").asText());
                assertEquals(Integer.toString(i * 20), frame.path("timestamp").asText());
                assertEquals(160, Base64.getDecoder().decode(frame.path("payload").asText()).length);
            }
            assertPacedInRealTime(stream.sentAt(), media.stream().map(Message::nanos).toList(),
                                  stream.timeline(StreamEventKind.FRAMES_LATE).size());

            // Barge-in: the caller spoke over the greeting; the clear came back within a few frames, and the caller
            // heard almost nothing of the greeting over their own voice.
            Duration clearDelay = stream.clearAfterUtterance(0).orElseThrow();
            // (Typically a few milliseconds and one frame; the bounds leave room for a busy machine.)
            assertTrue(clearDelay.toMillis() < 300, "clear " + clearDelay.toMillis() + " ms after the caller spoke");
            Duration heardOver = stream.audioHeardWhileSpeaking(0);
            assertTrue(heardOver.toMillis() <= 300, "heard " + heardOver.toMillis() + " ms of greeting over the caller");
            assertEquals(1, bot.clearsSent.size(), "only the greeting was interrupted");
            assertTrue(stream.clearAfterUtterance(1).isEmpty(), "the second utterance came after the reply");
            Duration greetingHeard = stream.audibleBetween(stream.startedAt(), stream.utteranceStarts().get(0));
            assertTrue(greetingHeard.toMillis() >= 560 && greetingHeard.toMillis() <= 800,
                       "the caller interrupted 600 ms into the greeting, heard " + greetingHeard.toMillis());

            // Marks: the greeting's came back at the clear, each reply's once the reply had played.
            List<CallEvent.StreamEvent> echoed = stream.timeline(StreamEventKind.MARK_ECHOED);
            assertEquals("greeting (cleared before it played)", echoed.get(0).detail());
            assertEquals(List.of("greeting", "reply-1", "reply-2"),
                         bot.messages("mark").stream().map(mark -> mark.json().path("mark").path("name").asText())
                                 .toList());
            long replyPlayed = bot.messages("mark").get(1).nanos() - bot.repliesSent.get(0);
            long replyLength = bot.replyBytes.get(0) / 8 * MILLIS;
            assertTrue(replyPlayed >= replyLength - 60 * MILLIS,
                       "the reply's mark came " + replyPlayed / MILLIS + " ms after it was sent, for "
                       + replyLength / MILLIS + " ms of audio");

            // The audio received is exactly what the bot sent, and the echo of the caller's WAV decodes within
            // μ-law's error bound of the original, resampled to 8 kHz.
            assertArrayEquals(bot.sentAudio.toByteArray(), stream.receivedMuLaw());
            byte[] echo = java.util.Arrays.copyOfRange(stream.receivedMuLaw(), EchoBot.GREETING_BYTES,
                                                       EchoBot.GREETING_BYTES + bot.replyBytes.get(0));
            assertWithinMuLawError(firstWords.resampled(8_000).samples(), echo);

            // What the caller heard, one frame per tick, and what was received, as WAV files.
            assertEquals(stream.sentMuLaw().length, stream.heardMuLaw().length);
            Path heard = folder.resolve("heard.wav");
            stream.writeHeardWav(heard);
            PcmAudio heardAudio = PcmAudio.readWav(heard);
            assertEquals(8_000, heardAudio.sampleRate());
            assertEquals(stream.heardMuLaw().length, heardAudio.samples().length);
            Path received = folder.resolve("received.wav");
            stream.writeReceivedWav(received);
            assertEquals(stream.receivedMuLaw().length, PcmAudio.readWav(received).samples().length);

            List<StreamEventKind> kinds = stream.timeline().stream().map(CallEvent.StreamEvent::kind)
                    .filter(kind -> kind != StreamEventKind.FRAMES_LATE).toList();
            assertEquals(2, kinds.stream().filter(kind -> kind == StreamEventKind.UTTERANCE_STARTED).count());
            assertEquals(2, kinds.stream().filter(kind -> kind == StreamEventKind.UTTERANCE_ENDED).count());
            assertEquals(StreamEventKind.STOP_SENT, kinds.get(kinds.size() - 1));
            assertEquals("caller-hung-up", stream.endReason().orElseThrow());
            assertTrue(call.ended().durationSeconds() >= 5, "stream time counts in CallDuration");
        }
    }

    /**
     * Real time: as sent, frames are 20 ms apart, never faster than real time and never in a catch-up burst; as
     * received, the same within the network's and the server's jitter. (A busy machine can delay frames; the
     * stand-in then moves its schedule on and says so, which the bounds allow for.)
     */
    private static void assertPacedInRealTime(List<Duration> sent, List<Long> arrived, int lateSpells) {
        assertEquals(sent.size(), arrived.size());
        List<Long> sentGaps = new ArrayList<>();
        for (int i = 1; i < sent.size(); i++) {
            sentGaps.add(sent.get(i).minus(sent.get(i - 1)).toNanos());
            if (i >= 10) {
                // Late frames are caught up with for at most 60 ms: ten frames never go out in less than 120 ms.
                long tenFrames = sent.get(i).minus(sent.get(i - 10)).toNanos();
                assertTrue(tenFrames >= 120 * MILLIS, "frames " + (i - 10) + " to " + i + " went out within "
                                                      + tenFrames / MILLIS + " ms: a burst");
            }
        }
        long expected = (sent.size() - 1) * 20 * MILLIS;
        long sentSpan = sent.get(sent.size() - 1).minus(sent.get(0)).toNanos();
        // A late first frame is caught up with, as any late frame, by up to 60 ms.
        assertTrue(sentSpan >= expected - 70 * MILLIS, "sent faster than real time: " + sentSpan / MILLIS + " ms for "
                                                       + expected / MILLIS + " ms of audio");
        if (lateSpells == 0) {
            assertTrue(sentSpan <= expected + 60 * MILLIS, "sent " + sentSpan / MILLIS + " ms for " + expected / MILLIS
                                                           + " ms of audio without saying it was late");
        }
        assertEquals(20.0, median(sentGaps) / MILLIS, 1.0, "median interval between frames sent");

        List<Long> arrivalGaps = new ArrayList<>();
        for (int i = 1; i < arrived.size(); i++) {
            arrivalGaps.add(arrived.get(i) - arrived.get(i - 1));
        }
        assertEquals(20.0, median(arrivalGaps) / MILLIS, 2.0, "median interval between frames received");
        long arrivedSpan = arrived.get(arrived.size() - 1) - arrived.get(0);
        assertTrue(arrivedSpan >= expected - 150 * MILLIS, "received " + (sent.size() - 1) + " intervals in "
                                                           + arrivedSpan / MILLIS + " ms");
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static void assertWithinMuLawError(short[] original, byte[] echoed) {
        // The echo starts at the first loud frame of the utterance: find it in the original.
        byte[] encoded = MuLaw.encode(original);
        int offset = -1;
        for (int at = 0; at + 160 <= encoded.length && offset < 0; at += 160) {
            if (java.util.Arrays.equals(encoded, at, at + 160, echoed, 0, 160)) {
                offset = at;
            }
        }
        assertTrue(offset >= 0, "the echo is the caller's audio");
        int compared = 0;
        for (int i = 0; i < echoed.length && offset + i < original.length; i++) {
            int sample = original[offset + i];
            int bound = (Math.min(Math.abs(sample), 32_635) + 132) / 32 + Math.max(0, Math.abs(sample) - 32_635);
            int error = Math.abs(MuLaw.decode(echoed[i]) - sample);
            assertTrue(error <= bound, "sample " + i + ": " + sample + " came back " + MuLaw.decode(echoed[i]));
            compared++;
        }
        assertTrue(compared > 4_000, "compared " + compared + " samples");
    }

    /** Sends no audio; presses of a key end the stream from the server's side. */
    static final class KeypadBot extends MediaStreamServer.Bot {
        @Override
        void handle(Message message) {
            if (message.event().equals("dtmf")) {
                session.close(1000, "done");
            }
        }
    }

    @Test
    void whenTheServerClosesTheStreamTheCallGoesOnWithConnectsAction() throws Exception {
        try (MediaStreamServer server = new MediaStreamServer(KeypadBot::new)) {
            app.route("/voice", connectTwiml(server.url(), "/after-stream"));
            app.route("/after-stream", """
                    <Response>
                      <Gather input="speech" action="/final"><Say>¿Algo más?</Say></Gather>
                    </Response>""");
            app.route("/final", request -> VoiceApp.Answer.twiml("<Response><Say>Dijo " + request.param("SpeechResult")
                                                                 + "</Say><Hangup/></Response>"));
            CallTranscript call = TwilioCall.place(
                    TwilioCallSettings.call(app.url("/voice"), TOKEN)
                            .withStreamTiming(Duration.ofMillis(600), Duration.ofMillis(500), Duration.ofSeconds(20)),
                    List.of(CallerTurn.press("5"), CallerTurn.say("Nada más, gracias")));

            assertEquals(CallEnd.HANGUP, call.end(), call.jsonLines());
            StreamRecording stream = call.streams().get(0);
            assertEquals("closed-by-server", stream.endReason().orElseThrow());
            List<StreamEventKind> kinds = stream.timeline().stream().map(CallEvent.StreamEvent::kind)
                    .filter(kind -> kind != StreamEventKind.FRAMES_LATE).toList();
            assertEquals(List.of(StreamEventKind.NO_REPLY, StreamEventKind.DTMF_SENT, StreamEventKind.CLOSED_BY_SERVER),
                         kinds);
            assertTrue(stream.timeline(StreamEventKind.CLOSED_BY_SERVER).get(0).detail().startsWith("close 1000"));
            JsonNode dtmf = server.bots().get(0).messages("dtmf").get(0).json();
            assertEquals("5", dtmf.path("dtmf").path("digit").asText());
            assertEquals("inbound_track", dtmf.path("dtmf").path("track").asText());
            assertEquals(stream.streamSid(), dtmf.path("streamSid").asText());
            assertTrue(server.bots().get(0).messages("stop").isEmpty(), "the server hung up, not the caller");

            VoiceApp.Received action = app.received("/after-stream").get(0);
            assertEquals(call.callSid(), action.param("CallSid"));
            assertEquals("Nada más, gracias", app.received("/final").get(0).param("SpeechResult"));
            assertEquals(List.of("Le paso con la recepcionista.", "¿Algo más?", "Dijo Nada más, gracias"), call.said());
        }
    }

    /** Listens only, and tries to talk back on a stream where it may not. */
    static final class ListeningBot extends MediaStreamServer.Bot {
        @Override
        void handle(Message message) {
            if (message.event().equals("start")) {
                play(new byte[] {1, 2, 3});
            }
        }
    }

    @Test
    void aForkedStreamCarriesTheCallersSpeechAtAGatherInRealTime() throws Exception {
        try (MediaStreamServer server = new MediaStreamServer(ListeningBot::new)) {
            app.route("/voice", """
                    <Response>
                      <Start><Stream url="%s" name="audit" track="inbound_track">
                        <Parameter name="tenant" value="t-42"/>
                      </Stream></Start>
                      <Gather input="speech" action="/heard"><Say>Diga.</Say></Gather>
                    </Response>""".formatted(server.url()));
            app.route("/heard", """
                    <Response>
                      <Stop><Stream name="audit"/></Stop>
                      <Say>Adiós.</Say>
                    </Response>""");
            long started = System.nanoTime();
            CallTranscript call = TwilioCall.place(TwilioCallSettings.call(app.url("/voice"), TOKEN),
                                                   List.of(CallerTurn.say("Quiero anular mi cita del jueves")));
            long took = System.nanoTime() - started;

            assertEquals(CallEnd.END_OF_DOCUMENT, call.end(), call.jsonLines());
            StreamRecording stream = call.streams().get(0);
            assertFalse(stream.bidirectional());
            assertEquals("stopped", stream.endReason().orElseThrow());
            MediaStreamServer.Bot bot = server.bots().get(0);
            assertEquals("t-42", bot.messages("start").get(0).json().path("start").path("customParameters")
                    .path("tenant").asText());
            long audible = bot.messages("media").stream()
                    .filter(media -> rms(samples(media.json().path("media").path("payload").asText())) > 1_000)
                    .count();
            PcmAudio voice = SyntheticVoice.saying("Quiero anular mi cita del jueves");
            byte[] spoken = voice.toMuLaw();
            long expected = 0;
            for (int at = 0; at + 160 <= spoken.length; at += 160) {
                if (rms(MuLaw.decode(java.util.Arrays.copyOfRange(spoken, at, at + 160))) > 1_000) {
                    expected++;
                }
            }
            assertTrue(Math.abs(audible - expected) <= 2, audible + " audible frames, " + expected + " spoken");
            Duration said = voice.duration();
            assertTrue(took >= said.toNanos(), "the Gather waited for the caller to finish speaking");
            assertEquals(1, bot.messages("stop").size());
            // Audio on a unidirectional stream is not played: the stand-in says so.
            assertTrue(stream.timeline(StreamEventKind.PROTOCOL_ERROR).get(0).detail().contains("unidirectional"));
            assertEquals(0, stream.receivedMuLaw().length);
            assertEquals("Quiero anular mi cita del jueves", app.received("/heard").get(0).param("SpeechResult"));
        }
    }

    @Test
    void aStreamThatCannotBeOpenedIsTwiliosHandshakeError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        app.route("/voice", connectTwiml(URI.create("ws://127.0.0.1:" + closedPort + "/media"), null));
        CallTranscript call = TwilioCall.place(TwilioCallSettings.call(app.url("/voice"), TOKEN), List.of());
        assertEquals(CallEnd.APPLICATION_ERROR, call.end());
        assertEquals(31920, call.applicationError().orElseThrow().code());
        assertTrue(call.streams().isEmpty());
    }
}
