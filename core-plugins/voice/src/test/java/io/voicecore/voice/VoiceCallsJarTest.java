package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.voice.TwilioCaller.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phone calls as a tenant's callers make them, over real HTTP into a real kernel with the packaged plugins: Twilio's
 * webhooks (signed, form-encoded, as {@link TwilioCaller} posts them) answered with TwiML by this plugin, the
 * conversation held by the receptionist on the AI gateway's offline engine, recorded by the CRM, metered in the
 * tenant's usage.
 */
class VoiceCallsJarTest {
    static final String TENANT = "clinica-sol";
    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String CLINIC_NUMBER = "+34910000001";
    static final String DESK = "+34910000099";
    /** The offline engine's offer of an optional e-mail address, in Spanish. */
    static final String EMAIL_OFFER = "Si quiere dejarnos un correo electrónico, dígamelo ahora; si no, basta con que diga que no.";
    static VoiceKernel voice;
    static TwilioCaller twilio;

    @BeforeAll
    static void start() {
        voice = new VoiceKernel();
        voice.tenant(TENANT, TOKEN, Map.of("transferTo", DESK));
        twilio = new TwilioCaller(voice.incomingUrl(TENANT), TOKEN);
    }

    @AfterAll
    static void stop() {
        voice.close();
    }

    @Test
    void theVoicePluginIsInstalledAndItsWebhooksArePublic() {
        HttpResult listed = voice.kernel.get("/api/v1/plugins/voice", voice.admin);
        assertEquals(200, listed.status(), listed.body());
        assertEquals(List.of("POST /twilio/incoming", "POST /twilio/gather", "POST /twilio/queue", "POST /twilio/dial-status",
                             "POST /twilio/whisper", "POST /twilio/voicemail", "POST /twilio/transcription", "POST /twilio/status",
                             "POST /twilio/stream-ended"),
                     strings(listed.json().get("publicRoutes")));
        assertEquals(List.of("/twilio/media"), strings(listed.json().get("publicStreams")));
        HttpResult setup = voice.kernel.get("/api/v1/tenants/" + TENANT + "/voice/status", voice.admin);
        assertEquals(200, setup.status(), setup.body());
        assertEquals(voice.incomingUrl(TENANT), setup.json().get("incomingUrl").asText());
        assertEquals(voice.url(TENANT, "/twilio/status"), setup.json().get("statusCallbackUrl").asText());
        assertTrue(setup.json().get("authTokenSet").asBoolean());
    }

    @Test
    void aSpanishCallerIsAnsweredInSpanishAndTheCallIsRecordedInTheCrmAndMetered() throws InterruptedException {
        String caller = "+34612345678";
        long minutesBefore = voice.usage(TENANT, "voice.minutes");
        TwilioCaller.Call call = twilio.call(caller, CLINIC_NUMBER);

        Answer greeting = call.ring();
        assertEquals(200, greeting.status(), greeting.body());
        assertTrue(greeting.contentType().startsWith("text/xml"), greeting.contentType());
        assertEquals("es-ES", greeting.gather().language());
        assertEquals("speech dtmf", greeting.gather().input());
        assertEquals(voice.url(TENANT, "/twilio/gather"), greeting.gather().action());
        String hello = greeting.says().get(0);
        assertTrue(hello.contains("Ava") && hello.contains("Clínica Sol"), hello);
        assertEquals(List.of("es-ES"), greeting.sayLanguages());
        assertEquals("Polly.Lucia", greeting.element("Say").orElseThrow().getAttribute("voice"));

        Answer reply = call.say("Hola, me llamo Lucía García y quiero una cita para mañana", 0.92);
        assertEquals(200, reply.status(), reply.body());
        assertEquals("es-ES", reply.gather().language());
        assertEquals(List.of(EMAIL_OFFER), reply.says(), "the number on the line is the caller's: the optional e-mail is offered next");

        Answer over = call.completed(voice.url(TENANT, "/twilio/status"), 95);
        assertEquals(200, over.status(), over.body());

        JsonNode contact = voice.awaitContact(TENANT, caller);
        assertEquals("Lucía García", contact.get("name").asText());
        assertEquals(caller, contact.get("phones").get(0).asText());
        JsonNode interaction = voice.awaitInteractions(TENANT, contact.get("id").asText()).get(0);
        assertEquals("call", interaction.get("type").asText());
        assertEquals("call", interaction.get("details").get("channel").asText());
        String summary = interaction.get("summary").asText();
        assertTrue(summary.startsWith("Lucía García (es): Book an appointment for tomorrow (mañana, "), summary);
        assertTrue(summary.endsWith("Call back " + caller + "."), summary);

        JsonNode conversation = voice.conversation(TENANT, interaction.get("details").get("conversationId").asText());
        assertEquals(voice.conversationOf(call.sid), conversation.get("id").asText());
        assertEquals("call", conversation.get("channel").asText());
        assertEquals("ended", conversation.get("status").asText());
        assertEquals(caller, conversation.get("callerNumber").asText());
        assertEquals("answered", conversation.get("outcome").asText());
        assertEquals(95, conversation.get("durationSeconds").asInt());
        assertEquals(summary, conversation.get("summary").get("text").asText());
        JsonNode said = conversation.get("transcript").get(1);
        assertEquals("caller", said.get("role").asText());
        assertEquals("Hola, me llamo Lucía García y quiero una cita para mañana", said.get("text").asText());
        assertEquals(0.92, said.get("confidence").asDouble(), 1e-9);
        assertTrue(said.has("sentiment") && !said.get("sentiment").isNull(), said.toString());

        assertEquals(minutesBefore + 2, voice.usage(TENANT, "voice.minutes"), "95 seconds are 2 minutes, rounded up per call");
    }

    @Test
    void aCallerWhoGivesANameAndAReasonAndDeclinesTheEmailReachesTheSummaryAndTheCrm() throws InterruptedException {
        String caller = "+34600111222";
        TwilioCaller.Call call = twilio.call(caller, CLINIC_NUMBER);
        assertEquals("es-ES", call.ring().gather().language());

        Answer named = call.say("Hola, me llamo Lucía Fernández", 0.93);
        assertEquals(List.of("¿En qué puedo ayudarle hoy?"), named.says(), "no phone number is asked for: the line gives it");
        Answer reason = call.say("Quiero pedir una cita para mañana por un problema con mi factura", 0.9);
        assertEquals(List.of(EMAIL_OFFER), reason.says());
        Answer confirm = call.say("No, gracias", 0.88);
        assertEquals(List.of("Le confirmo: Lucía Fernández, teléfono " + caller + ", motivo: una cita (mañana). ¿Es correcto?"), confirm.says(),
                     "a declined e-mail is not asked for again");
        Answer confirmed = call.say("Sí", 0.95);
        assertTrue(confirmed.says().get(0).startsWith("Perfecto, queda anotado"), confirmed.says().toString());
        Answer goodbye = call.silence();
        assertEquals(List.of("Say", "Hangup"), goodbye.verbs());

        JsonNode contact = voice.awaitContact(TENANT, caller);
        assertEquals("Lucía Fernández", contact.get("name").asText());
        assertEquals(List.of(caller), strings(contact.get("phones")));
        assertEquals(List.of(), strings(contact.get("emails")), "no e-mail was given, none was made up");
        JsonNode interaction = voice.awaitInteractions(TENANT, contact.get("id").asText()).get(0);
        assertEquals("call", interaction.get("type").asText());
        String summary = interaction.get("summary").asText();
        assertTrue(summary.startsWith("Lucía Fernández (es): Book an appointment for tomorrow (mañana, "), summary);
        assertTrue(summary.endsWith("Call back " + caller + "."), summary);

        JsonNode conversation = voice.conversation(TENANT, interaction.get("details").get("conversationId").asText());
        assertEquals("answered", conversation.get("outcome").asText());
        assertEquals(summary, conversation.get("summary").get("text").asText(), "the conversation's summary is set");
        List<String> receptionist = java.util.stream.StreamSupport.stream(conversation.get("transcript").spliterator(), false)
                .filter(turn -> turn.get("role").asText().equals("receptionist")).map(turn -> turn.get("text").asText()).toList();
        assertEquals(1, receptionist.stream().filter(EMAIL_OFFER::equals).count(), "the e-mail offered once: " + receptionist);
        assertTrue(receptionist.stream().noneMatch(text -> text.contains("¿En qué número de teléfono")), receptionist.toString());
    }

    @Test
    void onceTheDetailsAreConfirmedTheReceptionistSaysGoodbyeAndTheCallEndsAnswered() throws InterruptedException {
        String caller = "+34612345679";
        long minutesBefore = voice.usage(TENANT, "voice.minutes");
        TwilioCaller.Call call = twilio.call(caller, CLINIC_NUMBER);
        call.ring();
        call.say("Hola, me llamo Rosa Vidal y quiero una cita para mañana", 0.9);
        call.say("Mi teléfono es el 699 111 222", 0.85);
        Answer confirm = call.say("rosa.vidal@example.es", 0.8);
        assertTrue(confirm.says().get(0).startsWith("Le confirmo:"), confirm.says().toString());
        Answer confirmed = call.say("Sí, es correcto", 0.95);
        assertTrue(confirmed.says().get(0).startsWith("Perfecto, queda anotado"), confirmed.says().toString());
        Answer goodbye = call.silence();
        assertEquals(List.of("Say", "Hangup"), goodbye.verbs());
        assertEquals("Gracias por contactar con Clínica Sol. ¡Hasta pronto!", goodbye.says().get(0));

        JsonNode contact = voice.awaitContact(TENANT, caller);
        assertEquals("Rosa Vidal", contact.get("name").asText());
        assertEquals(caller, contact.get("phones").get(0).asText(), "the number on the line");
        assertEquals("rosa.vidal@example.es", contact.get("emails").get(0).asText());
        JsonNode interaction = voice.awaitInteractions(TENANT, contact.get("id").asText()).get(0);
        assertEquals("answered", interaction.get("details").get("outcome").asText());
        assertTrue(interaction.get("summary").asText().endsWith("Call back 699 111 222."), "the number the caller asked to be called on: "
                                                                                         + interaction.get("summary").asText());
        // Measured by the plugin (Twilio's status callback had not come): a few seconds, one minute.
        assertEquals(minutesBefore + 1, voice.usage(TENANT, "voice.minutes"));
        call.completed(voice.url(TENANT, "/twilio/status"), 50);
        assertEquals(minutesBefore + 1, voice.usage(TENANT, "voice.minutes"), "a call is metered once");
    }

    @Test
    void aCallerTheTenantsCallFlowRoutesToADepartmentIsPutThroughToItsNumber() {
        String tenant = "clinica-ventas";
        String sales = "+34910000077";
        voice.tenant(tenant, TOKEN, Map.of("transferTo", DESK));
        VoiceKernel.ok(voice.kernel.put("/api/v1/tenants/" + tenant + "/plugins/receptionist/config", voice.admin,
                                        Map.of("assistantName", "Ava", "businessName", "Clínica Sol", "languages", "es,en",
                                               "businessHours", "Mon-Sun 00:00-24:00", "timeZone", "Europe/Madrid",
                                               "departments", "citas=" + sales)));
        HttpResult saved = voice.kernel.put("/api/v1/tenants/" + tenant + "/receptionist/call-flow", voice.admin, Map.of("script",
                "function decide(turn) {\n  return turn.intent === 'book' ? { action: 'route', to: 'citas', rule: 'citas' } : null;\n}\n"));
        assertEquals(200, saved.status(), saved.body());

        TwilioCaller.Call call = new TwilioCaller(voice.incomingUrl(tenant), TOKEN).call("+34622000077", CLINIC_NUMBER);
        call.ring();
        Answer transfer = call.say("Quiero pedir una cita para mañana", 0.9);
        assertEquals(200, transfer.status(), transfer.body());
        assertEquals(List.of("Say", "Dial"), transfer.verbs(), transfer.body());
        assertEquals("Lo entiendo. Le paso ahora con una persona de nuestro equipo; no cuelgue, por favor.", transfer.says().get(0));
        assertEquals(sales, transfer.dial().number(), "the department's number, not the plugin's transferTo");
        assertEquals(voice.url(tenant, "/twilio/whisper"), transfer.dial().url());
        Answer whisper = call.whisper();
        assertEquals(200, whisper.status(), whisper.body());
        assertTrue(whisper.says().get(0).contains("the call flow routed the caller to citas"), whisper.says().get(0));
    }

    @Test
    void aCallerWhoWantsAPersonIsPutThroughWithAWhisperedBriefing() throws InterruptedException {
        String caller = "+34622000001";
        TwilioCaller.Call call = twilio.call(caller, CLINIC_NUMBER);
        call.ring();
        call.say("Me llamo Pedro Ruiz", 0.9);
        Answer transfer = call.say("Quiero hablar con una persona, por favor", 0.88);
        assertEquals(200, transfer.status(), transfer.body());
        assertEquals(List.of("Say", "Dial"), transfer.verbs());
        assertEquals("Lo entiendo. Le paso ahora con una persona de nuestro equipo; no cuelgue, por favor.", transfer.says().get(0));
        TwilioCaller.Dial dial = transfer.dial();
        assertEquals("Number", dial.kind());
        assertEquals(DESK, dial.number());
        assertEquals(voice.url(TENANT, "/twilio/whisper"), dial.url());
        assertEquals(voice.url(TENANT, "/twilio/dial-status"), dial.action());
        assertEquals("", dial.record(), "calls are not recorded unless the tenant announces it");

        Answer whisper = call.whisper();
        assertEquals(200, whisper.status(), whisper.body());
        String briefing = whisper.says().get(0);
        assertTrue(briefing.contains("Pedro Ruiz") && briefing.contains("the caller asked for a person"), briefing);

        Answer after = call.dialled("completed", 64);
        assertTrue(after.hangsUp(), after.body());
        JsonNode contact = voice.awaitContact(TENANT, caller);
        JsonNode interaction = voice.awaitInteractions(TENANT, contact.get("id").asText()).get(0);
        JsonNode conversation = voice.conversation(TENANT, interaction.get("details").get("conversationId").asText());
        assertEquals("transferred", conversation.get("outcome").asText());
        assertTrue(conversation.get("summary").get("text").asText().contains("Have a person contact the caller"), conversation.toString());
    }

    @Test
    void aTransferNobodyTakesEndsInVoicemail() {
        TwilioCaller.Call call = twilio.call("+34622000002", CLINIC_NUMBER);
        call.ring();
        call.say("Necesito hablar con una persona", 0.9);
        Answer voicemail = call.dialled("no-answer", 0);
        assertEquals(List.of("Say", "Record", "Say", "Hangup"), voicemail.verbs());
        assertTrue(voicemail.says().get(0).startsWith("Lo siento, ahora mismo nadie de nuestro equipo puede atenderle"), voicemail.body());
        assertEquals("true", voicemail.record().transcribe());
    }

    @Test
    void aCallAfterHoursReachesVoicemailWithItsTranscriptionInTheCrm() throws InterruptedException {
        int hour = LocalTime.now(ZoneId.of("Europe/Madrid")).getHour();
        int opens = (hour + 12) % 24;
        voice.receptionist(TENANT, String.format("Mon-Sun %02d:00-%02d:00", opens, opens + 1));
        try {
            String caller = "+34633000003";
            TwilioCaller.Call call = twilio.call(caller, CLINIC_NUMBER);
            Answer closed = call.ring();
            assertEquals(200, closed.status(), closed.body());
            assertEquals(List.of("Say", "Record", "Say", "Hangup"), closed.verbs());
            assertTrue(closed.says().get(0).startsWith("Gracias por llamar a Clínica Sol. Ahora mismo estamos cerrados."), closed.says().get(0));
            assertEquals("es-ES", closed.sayLanguages().get(0));
            TwilioCaller.Record record = closed.record();
            assertEquals("true", record.transcribe());
            assertEquals(voice.url(TENANT, "/twilio/transcription"), record.transcribeCallback());
            assertEquals(voice.url(TENANT, "/twilio/voicemail"), record.action());

            Answer thanks = call.recorded(21);
            assertEquals(List.of("Say", "Hangup"), thanks.verbs());
            assertEquals("Gracias, hemos recibido su mensaje. ¡Hasta pronto!", thanks.says().get(0));
            call.completed(voice.url(TENANT, "/twilio/status"), 34);
            Answer transcribed = call.transcribed(record.transcribeCallback(), "Hola, soy Marta Gómez, quiero cancelar mi cita de mañana.");
            assertEquals(200, transcribed.status(), transcribed.body());

            JsonNode contact = voice.awaitContact(TENANT, caller);
            assertEquals("Marta Gómez", contact.get("name").asText());
            JsonNode interaction = voice.awaitInteractions(TENANT, contact.get("id").asText()).get(0);
            assertEquals("call", interaction.get("type").asText());
            String summary = interaction.get("summary").asText();
            assertTrue(summary.startsWith("Marta Gómez (es): Cancel an appointment"), summary);
            assertTrue(summary.endsWith("Voicemail: \"Hola, soy Marta Gómez, quiero cancelar mi cita de mañana.\""), summary);
            JsonNode conversation = voice.conversation(TENANT, interaction.get("details").get("conversationId").asText());
            assertEquals("voicemail", conversation.get("outcome").asText());
            assertEquals(34, conversation.get("durationSeconds").asInt());
        } finally {
            voice.receptionist(TENANT, "Mon-Sun 00:00-24:00");
        }
    }

    @Test
    void aCallerNotUnderstoodTwiceGetsAKeypadMenu() {
        TwilioCaller.Call call = twilio.call("+34644000004", CLINIC_NUMBER);
        call.ring();
        Answer silence = call.silence();
        assertEquals("Perdone, no le he entendido. ¿Puede repetirlo?", silence.says().get(0));
        assertEquals("es-ES", silence.gather().language());
        Answer mumble = call.say("mmm eh", 0.12);
        assertEquals("Pulse 1 para hablar con una persona o 2 para dejar un mensaje.",
                     mumble.says().get(0).substring(mumble.says().get(0).indexOf("Pulse")));
        assertEquals("1", mumble.gather().numDigits());
        Answer message = call.press("2");
        assertEquals(List.of("Say", "Record", "Say", "Hangup"), message.verbs());
    }

    @Test
    void aSilentLineIsNotKeptListeningForEverAndEndsInAVoicemail() {
        TwilioCaller.Call call = twilio.call("+34644000006", CLINIC_NUMBER);
        call.ring();
        call.silence();
        assertEquals("1", call.silence().gather().numDigits(), "the keypad menu after two misses");
        assertEquals("1", call.silence().gather().numDigits(), "offered once more");
        Answer given = call.silence();
        assertEquals(List.of("Say", "Record", "Say", "Hangup"), given.verbs(), "then a voicemail, which ends the call");
    }

    @Test
    void theKeypadPutsTheCallerThrough() {
        TwilioCaller.Call call = twilio.call("+34644000005", CLINIC_NUMBER);
        call.ring();
        call.silence();
        call.silence();
        Answer through = call.press("1");
        assertEquals("Le paso con una persona de nuestro equipo; no cuelgue, por favor.", through.says().get(0));
        assertEquals(DESK, through.dial().number());
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
