package io.voicecore.standins.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.voicecore.standins.twilio.CallEvent.GatherResult;
import io.voicecore.standins.twilio.VoiceApp.Answer;

/**
 * Calls in Gather mode against a voice application on a real socket that checks Twilio's signature with its own
 * implementation: a receptionist conversation of several turns, keys, a redirect, a dial with its action and a
 * whisper, a voicemail with its transcription, and the ways a call goes wrong.
 */
class GatherModeTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private VoiceApp app;

    @BeforeEach
    void start() throws Exception {
        app = new VoiceApp(TOKEN);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private TwilioCallSettings settings(String path) {
        return TwilioCallSettings.call(app.url(path), TOKEN);
    }

    /** A dental practice's receptionist, as a voice plugin could answer it. */
    private void receptionist() {
        app.route("/voice", """
                <Response>
                  <Say voice="Polly.Lucia" language="es-ES">Hola, clínica dental Sonrisas.</Say>
                  <Gather input="speech dtmf" action="gather?step=1" method="POST" language="es-ES"
                          speechTimeout="auto" timeout="4" hints="cita, urgencia">
                    <Say language="es-ES">¿En qué puedo ayudarle?</Say>
                  </Gather>
                  <Say>No le he oído.</Say>
                  <Hangup/>
                </Response>""");
        app.route("/gather", request -> Answer.twiml("""
                <Response>
                  <Say language="es-ES">Entendido: %s.</Say>
                  <Gather input="dtmf" numDigits="1" action="/menu">
                    <Say language="es-ES">Pulse 1 para mañana, 2 para la tarde.</Say>
                  </Gather>
                </Response>""".formatted(request.param("SpeechResult"))));
        app.route("/menu", request -> Answer.twiml("""
                <Response>
                  <Gather input="speech" action="/name" language="es-ES">
                    <Say language="es-ES">Ha pulsado %s. ¿A nombre de quién?</Say>
                  </Gather>
                </Response>""".formatted(request.param("Digits"))));
        app.route("/name", request -> Answer.twiml("""
                <Response>
                  <Say language="es-ES">Gracias, %s. Le paso con recepción.</Say>
                  <Redirect method="GET">/transfer?from=receptionist</Redirect>
                </Response>""".formatted(request.param("SpeechResult"))));
        app.route("/transfer", """
                <Response>
                  <Dial action="/after-dial" callerId="+34910000000" timeout="20">
                    <Number url="/whisper">+34910000001</Number>
                  </Dial>
                  <Say>Never reached: the dial has an action.</Say>
                </Response>""");
        app.route("/whisper", "<Response><Say>Llamada de la recepcionista virtual</Say></Response>");
        app.route("/after-dial", request -> Answer.twiml("""
                <Response>
                  <Say language="es-ES">La línea está %s. Deje su mensaje.</Say>
                  <Record action="/recorded" maxLength="30" playBeep="true" transcribe="true"
                          transcribeCallback="/transcription"/>
                </Response>""".formatted(request.param("DialCallStatus"))));
        app.route("/recorded", "<Response><Say language=\"es-ES\">Gracias. Adiós.</Say><Hangup/></Response>");
        app.route("/transcription", request -> Answer.empty());
        app.route("/status", request -> Answer.empty());
    }

    @Test
    void aReceptionistConversationWithSpeechKeysRedirectDialAndVoicemail() throws Exception {
        receptionist();
        CallTranscript call = TwilioCall.place(
                settings("/voice").withFrom("+34600111222").withTo("+34910000000").withDialStatuses("busy")
                        .withStatusCallback(app.url("/status")),
                List.of(CallerTurn.say("Quiero pedir una cita"), CallerTurn.press("1"), CallerTurn.say("Ana García"),
                        CallerTurn.say("Llámenme mañana por la tarde, por favor")));

        assertTrue(call.completed(), call.jsonLines());
        assertEquals(CallEnd.HANGUP, call.end());
        for (VoiceApp.Received request : app.received()) {
            assertTrue(request.signatureValid(), "bad signature on " + request.url());
        }
        // No /whisper: the dialled number was busy. The transcription comes once the recording's action answered.
        assertEquals(List.of("/voice", "/gather", "/menu", "/name", "/transfer", "/after-dial", "/recorded",
                             "/transcription", "/status"),
                     app.received().stream().map(VoiceApp.Received::path).toList());

        // What the caller heard, in order.
        assertEquals(List.of("Hola, clínica dental Sonrisas.", "¿En qué puedo ayudarle?",
                             "Entendido: Quiero pedir una cita.", "Pulse 1 para mañana, 2 para la tarde.",
                             "Ha pulsado 1. ¿A nombre de quién?", "Gracias, Ana García. Le paso con recepción.",
                             "La línea está busy. Deje su mensaje.", "Gracias. Adiós."), call.said());
        CallEvent.Said greeting = call.events(CallEvent.Said.class).get(0);
        assertEquals(Optional.of("Polly.Lucia"), greeting.voice());
        assertEquals(Optional.of("es-ES"), greeting.language());
        assertFalse(greeting.inGather());
        assertTrue(call.events(CallEvent.Said.class).get(1).inGather());

        // The webhook: Twilio's parameters for an inbound call that rings.
        VoiceApp.Received incoming = app.received("/voice").get(0);
        assertTrue(incoming.param("CallSid").matches("CA[0-9a-f]{32}"), incoming.param("CallSid"));
        assertTrue(incoming.param("AccountSid").matches("AC[0-9a-f]{32}"), incoming.param("AccountSid"));
        assertEquals(call.callSid(), incoming.param("CallSid"));
        assertEquals("ringing", incoming.param("CallStatus"));
        assertEquals("inbound", incoming.param("Direction"));
        assertEquals("2010-04-01", incoming.param("ApiVersion"));
        assertEquals("+34600111222", incoming.param("From"));
        assertEquals("+34600111222", incoming.param("Caller"));
        assertEquals("+34910000000", incoming.param("To"));
        assertEquals("+34910000000", incoming.param("Called"));
        assertEquals("ES", incoming.param("FromCountry"));
        assertEquals("ES", incoming.param("ToCountry"));
        assertEquals("", incoming.param("FromCity"));

        // Each Gather answered with the next turn, to its action resolved against the document's URL.
        List<CallEvent.Gathered> gathers = call.gathers();
        assertEquals(List.of(GatherResult.SPEECH, GatherResult.DTMF, GatherResult.SPEECH),
                     gathers.stream().map(CallEvent.Gathered::result).toList());
        assertEquals("speech dtmf", gathers.get(0).input());
        assertEquals(Optional.of("cita, urgencia"), gathers.get(0).hints());
        assertEquals(Optional.of("auto"), gathers.get(0).speechTimeout());
        assertEquals(4, gathers.get(0).timeoutSeconds());
        assertEquals(app.url("/gather?step=1"), gathers.get(0).action());
        VoiceApp.Received speech = app.received("/gather").get(0);
        assertEquals("Quiero pedir una cita", speech.param("SpeechResult"));
        assertEquals("0.92", speech.param("Confidence"));
        assertEquals("1", speech.param("step"));
        assertEquals("in-progress", speech.param("CallStatus"));
        assertEquals(call.callSid(), speech.param("CallSid"));
        assertEquals("1", app.received("/menu").get(0).param("Digits"));
        assertEquals(Optional.of(1), gathers.get(1).numDigits());

        // The redirect with GET: parameters in the query, signed over the full URL.
        VoiceApp.Received transfer = app.received("/transfer").get(0);
        assertEquals("GET", transfer.method());
        assertEquals("receptionist", transfer.param("from"));
        assertEquals(call.callSid(), transfer.param("CallSid"));
        assertTrue(transfer.url().getRawQuery().contains("CallSid="));

        // The dial: busy, its action told so; the whisper fetched only for an answered call.
        CallEvent.Dialled dial = call.events(CallEvent.Dialled.class).get(0);
        assertEquals(List.of(new CallEvent.DialTarget("number", "+34910000001", Optional.of(app.url("/whisper")))),
                     dial.targets());
        assertEquals("busy", dial.dialCallStatus());
        assertEquals(Optional.of("+34910000000"), dial.callerId());
        VoiceApp.Received afterDial = app.received("/after-dial").get(0);
        assertEquals("busy", afterDial.param("DialCallStatus"));
        assertEquals("0", afterDial.param("DialCallDuration"));
        assertTrue(afterDial.param("DialCallSid").matches("CA[0-9a-f]{32}"));
        assertFalse(call.said().contains("Never reached: the dial has an action."));

        // The voicemail: its recording to the action, the text to the transcription callback.
        CallEvent.Recorded recorded = call.events(CallEvent.Recorded.class).get(0);
        assertEquals(30, recorded.maxLengthSeconds());
        assertTrue(recorded.transcribe());
        VoiceApp.Received recording = app.received("/recorded").get(0);
        assertTrue(recording.param("RecordingSid").matches("RE[0-9a-f]{32}"));
        assertEquals(recorded.recordingSid().orElseThrow(), recording.param("RecordingSid"));
        assertTrue(recording.param("RecordingUrl").endsWith("/Recordings/" + recording.param("RecordingSid")));
        assertTrue(Integer.parseInt(recording.param("RecordingDuration")) >= 1);
        VoiceApp.Received transcription = app.received("/transcription").get(0);
        assertEquals("Llámenme mañana por la tarde, por favor", transcription.param("TranscriptionText"));
        assertEquals("completed", transcription.param("TranscriptionStatus"));
        assertEquals(recording.param("RecordingSid"), transcription.param("RecordingSid"));
        assertTrue(transcription.param("TranscriptionSid").matches("TR[0-9a-f]{32}"));

        // The end: the status callback with the call's duration.
        VoiceApp.Received status = app.received("/status").get(0);
        assertEquals("completed", status.param("CallStatus"));
        assertEquals(call.ended().durationSeconds(), Integer.parseInt(status.param("CallDuration")));
        assertTrue(call.ended().durationSeconds() > 0);
    }

    @Test
    void anAnsweredDialFetchesTheWhisperAndWithoutAnActionTheDocumentGoesOn() {
        app.route("/voice", """
                <Response>
                  <Dial><Number url="/whisper">+34910000001</Number><Sip>sip:reception@pbx.example.com</Sip></Dial>
                  <Say>The call with reception has ended.</Say>
                </Response>""");
        app.route("/whisper", "<Response><Say>Caller for the dentist</Say></Response>");
        CallTranscript call = TwilioCall.place(settings("/voice").withDialCallDuration(42), List.of());

        assertEquals(CallEnd.END_OF_DOCUMENT, call.end());
        CallEvent.Dialled dial = call.events(CallEvent.Dialled.class).get(0);
        assertEquals("completed", dial.dialCallStatus());
        assertEquals(42, dial.dialCallDurationSeconds());
        assertEquals(new CallEvent.DialTarget("sip", "sip:reception@pbx.example.com", Optional.empty()),
                     dial.targets().get(1));
        assertEquals(List.of("Caller for the dentist"), call.events(CallEvent.Whispered.class).get(0).said());
        VoiceApp.Received whisper = app.received("/whisper").get(0);
        assertEquals("+34910000001", whisper.param("To"));
        assertEquals("outbound-dial", whisper.param("Direction"));
        assertEquals(call.callSid(), whisper.param("ParentCallSid"));
        assertEquals(dial.dialCallSid(), whisper.param("CallSid"));
        assertEquals(List.of("The call with reception has ended."), call.said());
        assertTrue(call.ended().durationSeconds() >= 42);
    }

    @Test
    void whenTheScriptRunsOutAGatherFallsThroughAsTwilioDoesOnNoInput() {
        app.route("/voice", """
                <Response>
                  <Gather input="speech" timeout="3"><Say>Tell me what you need.</Say></Gather>
                  <Say>We did not hear you.</Say>
                  <Gather input="speech" action="/empty" actionOnEmptyResult="true"><Say>Once more?</Say></Gather>
                </Response>""");
        app.route("/empty", request -> Answer.twiml("<Response><Say>Empty result: [" + request.param("SpeechResult")
                                                    + "]</Say></Response>"));
        CallTranscript call = TwilioCall.place(settings("/voice"), List.of(CallerTurn.silence()));

        assertTrue(call.completed());
        assertEquals(List.of("Tell me what you need.", "We did not hear you.", "Once more?", "Empty result: [null]"),
                     call.said());
        assertEquals(List.of(GatherResult.NO_INPUT, GatherResult.NO_INPUT),
                     call.gathers().stream().map(CallEvent.Gathered::result).toList());
        assertEquals(2, app.received().size(), "only /voice and the actionOnEmptyResult action were requested");
    }

    @Test
    void aGatherTakesOnlyTheInputItAcceptsAndStopsAtTheFinishKey() {
        app.route("/voice", """
                <Response>
                  <Gather input="dtmf" action="/digits"><Say>Your account number, then hash.</Say></Gather>
                  <Gather input="dtmf" action="/digits"><Say>Key it in please.</Say></Gather>
                </Response>""");
        app.route("/digits", request -> Answer.twiml("<Response><Say>Got " + request.param("Digits")
                                                     + "</Say></Response>"));
        CallTranscript call = TwilioCall.place(settings("/voice"),
                                               List.of(CallerTurn.say("one two three"), CallerTurn.press("4321#9")));

        // Speech to a dtmf-only Gather is no input; the next Gather gets the keys up to the hash.
        assertEquals(List.of(GatherResult.NO_INPUT, GatherResult.DTMF),
                     call.gathers().stream().map(CallEvent.Gathered::result).toList());
        assertEquals("4321", app.received("/digits").get(0).param("Digits"));
        assertEquals("Got 4321", call.said().get(call.said().size() - 1));
    }

    @Test
    void anEmptyRecordingGoesOnWithTheNextVerbWithoutTheAction() {
        app.route("/voice", """
                <Response>
                  <Record action="/recorded" timeout="5"/>
                  <Say>No message recorded.</Say>
                </Response>""");
        CallTranscript call = TwilioCall.place(settings("/voice"), List.of(CallerTurn.silence()));
        assertEquals(List.of("No message recorded."), call.said());
        assertEquals(Optional.empty(), call.events(CallEvent.Recorded.class).get(0).recordingSid());
        assertEquals(1, app.received().size());
    }

    @Test
    void aForgedCallIsSignedDifferentlyAndTheApplicationRefusesIt() {
        receptionist();
        CallTranscript genuine = TwilioCall.place(settings("/voice"), List.of());
        CallTranscript forged = TwilioCall.place(settings("/voice").signedWith("ffffffffffffffffffffffffffffffff"),
                                                 List.of());

        assertTrue(genuine.completed());
        assertFalse(forged.completed());
        assertEquals(CallEnd.APPLICATION_ERROR, forged.end());
        CallEvent.ApplicationError error = forged.applicationError().orElseThrow();
        assertEquals(11200, error.code());
        assertTrue(error.detail().contains("answered 403"), error.detail());
        VoiceApp.Received refused = app.received().get(app.received().size() - 1);
        assertFalse(refused.signatureValid());
        // Signed as Twilio would with the wrong token: the header is there, and it is not the right one.
        assertEquals(TwilioSignature.sign("ffffffffffffffffffffffffffffffff", refused.url().toString(),
                                          refused.params()), refused.signature());
        assertNotEquals(TwilioSignature.sign(TOKEN, refused.url().toString(), refused.params()), refused.signature());
    }

    @Test
    void aParameterAlteredAfterSigningOrAMissingSignatureIsRefused() {
        receptionist();
        CallTranscript tampered = TwilioCall.place(settings("/voice").withParameterTamperedAfterSigning("From",
                                                                                                       "+15550000000"),
                                                   List.of());
        assertEquals(CallEnd.APPLICATION_ERROR, tampered.end());
        VoiceApp.Received altered = app.received().get(0);
        assertEquals("+15550000000", altered.param("From"));
        assertFalse(altered.signatureValid());
        // The signature is the genuine one of the parameters before the change.
        Map<String, String> original = new java.util.LinkedHashMap<>(altered.params());
        original.put("From", TwilioCallSettings.DEFAULT_FROM);
        assertEquals(IndependentTwilioSignature.of(TOKEN, altered.url().toString(), original), altered.signature());

        CallTranscript unsigned = TwilioCall.place(settings("/voice").unsigned(), List.of());
        assertEquals(CallEnd.APPLICATION_ERROR, unsigned.end());
        assertEquals(null, app.received().get(1).signature());
        assertEquals(Optional.empty(), unsigned.requests().get(0).signature());
    }

    @Test
    void answersTwilioCannotFollowAreApplicationErrorsThatEndTheCall() throws Exception {
        app.route("/error", request -> new Answer(500, "text/plain", "boom"));
        app.route("/json", request -> new Answer(200, "application/json", "{\"say\":\"hello\"}"));
        app.route("/malformed", request -> new Answer(200, "text/xml", "<Response><Say>unclosed</Response>"));
        app.route("/not-response", request -> new Answer(200, "application/xml", "<Reply><Say>hi</Say></Reply>"));

        assertEquals(11200, TwilioCall.place(settings("/error"), List.of()).applicationError().orElseThrow().code());
        assertEquals(12300, TwilioCall.place(settings("/json"), List.of()).applicationError().orElseThrow().code());
        assertEquals(12100, TwilioCall.place(settings("/malformed"), List.of()).applicationError().orElseThrow()
                .code());
        CallEvent.ApplicationError notResponse = TwilioCall.place(settings("/not-response"), List.of())
                .applicationError().orElseThrow();
        assertTrue(notResponse.detail().contains("<Reply>"), notResponse.detail());

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CallTranscript refused = TwilioCall.place(TwilioCallSettings.call(
                URI.create("http://127.0.0.1:" + closedPort + "/voice"), TOKEN), List.of());
        assertEquals(11205, refused.applicationError().orElseThrow().code());
        assertEquals(CallEnd.APPLICATION_ERROR, refused.end());
        assertFalse(refused.completed());
    }

    @Test
    void aTwimlLoopEndsAtTheRequestLimit() {
        app.route("/loop", "<Response><Say>Again</Say><Redirect>/loop</Redirect></Response>");
        CallTranscript call = TwilioCall.place(settings("/loop").withMaxRequests(5), List.of());
        assertEquals(CallEnd.REQUEST_LIMIT, call.end());
        assertEquals(5, app.received().size());
        assertTrue(call.ended().detail().contains("maxRequests"), call.ended().detail());
    }

    @Test
    void aRejectedCallEndsBusyAndPlainTextIsReadOut() {
        app.route("/reject", "<Response><Reject reason=\"busy\"/><Say>unreachable</Say></Response>");
        app.route("/status", request -> Answer.empty());
        app.route("/text", request -> new Answer(200, "text/plain", "We are closed today."));
        CallTranscript rejected = TwilioCall.place(settings("/reject").withStatusCallback(app.url("/status")),
                                                   List.of());
        assertEquals(CallEnd.REJECTED, rejected.end());
        assertEquals("busy", app.received("/status").get(0).param("CallStatus"));
        assertEquals("0", app.received("/status").get(0).param("CallDuration"));
        assertEquals(List.of(), rejected.said());

        assertEquals(List.of("We are closed today."), TwilioCall.place(settings("/text"), List.of()).said());
    }

    @Test
    void theTranscriptIsOneJsonObjectPerLine() throws Exception {
        receptionist();
        CallTranscript call = TwilioCall.place(settings("/voice"), List.of(CallerTurn.say("Una urgencia")));
        String[] lines = call.jsonLines().split("\n");
        assertEquals(call.events().size(), lines.length);
        JsonNode first = JSON.readTree(lines[0]);
        assertEquals("call-started", first.path("event").asText());
        assertEquals(call.callSid(), first.path("callSid").asText());
        JsonNode request = JSON.readTree(lines[1]);
        assertEquals("request-sent", request.path("event").asText());
        assertEquals("voice-webhook", request.path("purpose").asText());
        assertEquals("ringing", request.path("params").path("CallStatus").asText());
        assertTrue(request.path("signature").isTextual());
        JsonNode response = JSON.readTree(lines[2]);
        assertEquals("response-received", response.path("event").asText());
        assertEquals(200, response.path("status").asInt());
        JsonNode said = JSON.readTree(lines[3]);
        assertEquals("said", said.path("event").asText());
        assertEquals("es-ES", said.path("language").asText());
        assertEquals(1, said.path("loop").asInt());
        JsonNode gathered = JSON.readTree(lines[5]);
        assertEquals("gathered", gathered.path("event").asText());
        assertEquals("speech", gathered.path("result").asText());
        assertEquals("Una urgencia", gathered.path("speech").asText());
        JsonNode last = JSON.readTree(lines[lines.length - 1]);
        assertEquals("call-ended", last.path("event").asText());
        assertEquals("end-of-document", last.path("end").asText());
        long previous = -1;
        for (String line : lines) {
            long at = JSON.readTree(line).path("atMillis").asLong();
            assertTrue(at >= previous, "events in time order");
            previous = at;
        }
    }
}
