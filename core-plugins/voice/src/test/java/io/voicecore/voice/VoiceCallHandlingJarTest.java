package io.voicecore.voice;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.standins.openai.OpenAiStandIn;
import io.voicecore.standins.openai.RecordedRequest;
import io.voicecore.standins.openai.ScriptStep;
import io.voicecore.voice.TwilioCaller.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a business expects around the conversation itself: a caller is never left in silence when the receptionist or
 * its model fails; callers beyond the tenant's concurrent-call limit wait in a queue, told their place, or ask for a
 * call-back, which is placed through Twilio's REST API (a local server here) when due; and calls are recorded only
 * after callers were told.
 */
class VoiceCallHandlingJarTest {
    static final String TOKEN = "cccccccccccccccccccccccccccccccc";
    static final String CLINIC = "+34910000003";
    static final String DESK = "+34910000098";
    static final String OPENAI_KEY = "sk-voice";
    static VoiceKernel voice;
    static HttpServer twilioApi;
    static final LinkedBlockingQueue<Placed> placed = new LinkedBlockingQueue<>();

    /** A call Twilio's REST API was asked to place. */
    record Placed(String path, String authorization, Map<String, String> form) {
    }

    @BeforeAll
    static void start() throws IOException {
        twilioApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        twilioApi.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                Map<String, String> form = new LinkedHashMap<>();
                for (String pair : new String(body.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    String[] parts = pair.split("=", 2);
                    form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                             parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
                }
                placed.add(new Placed(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"), form));
            }
            byte[] answer = "{\"sid\":\"CA99999999999999999999999999999999\",\"status\":\"queued\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        twilioApi.start();
        voice = new VoiceKernel();
        voice.tenant("centro", TOKEN, Map.of("transferTo", DESK));
        voice.tenant("sin-mesa", TOKEN, Map.of());
        voice.tenant("cola", TOKEN, Map.of("maxConcurrentCalls", 1, "callbackDelayMinutes", 0,
                                           "twilioApiBaseUrl", "http://127.0.0.1:" + twilioApi.getAddress().getPort()));
        voice.tenant("grabada", TOKEN, Map.of("transferTo", DESK, "recordCalls", "announce"));
        voice.tenant("english-first", TOKEN, Map.of());
        voice.receptionist("english-first", "Mon-Sun 00:00-24:00", "en,es");
    }

    @AfterAll
    static void stop() {
        voice.close();
        twilioApi.stop(0);
    }

    private static TwilioCaller twilio(String tenant) {
        return new TwilioCaller(voice.incomingUrl(tenant), TOKEN);
    }

    @Test
    void whenTheLanguageModelFailsMidCallTheCallerHearsAnApologyAndIsPutThrough() throws InterruptedException {
        TwilioCaller.Call call = twilio("centro").call("+34666000001", CLINIC);
        call.ring();
        assertEquals(200, call.say("Me llamo Ana Torres", 0.9).status());
        // The AI gateway goes away in the middle of the call.
        assertEquals(200, voice.kernel.delete("/api/v1/tenants/centro/plugins/ai-gateway", voice.admin).status());
        try {
            Answer apology = call.say("Quiero una cita para el lunes", 0.9);
            assertEquals(200, apology.status(), apology.body());
            assertEquals(List.of("Say", "Dial"), apology.verbs());
            assertEquals("Lo siento, tenemos un problema técnico. Le paso con una persona de nuestro equipo; no cuelgue, por favor.",
                         apology.says().get(0));
            assertEquals(DESK, apology.dial().number());
            assertTrue(call.whisper().says().get(0).contains("technical problem"));
            assertTrue(call.dialled("completed", 30).hangsUp());
        } finally {
            assertEquals(200, enable(voice.kernel, "centro", "ai-gateway", List.of("storage", "secrets", "usage", "http:egress")).status());
        }
        JsonNode contact = voice.awaitContact("centro", "+34666000001");
        JsonNode conversation = voice.conversation("centro", voice.awaitInteractions("centro", contact.get("id").asText()).get(0)
                .get("details").get("conversationId").asText());
        assertEquals("transferred", conversation.get("outcome").asText());
    }

    @Test
    void withNobodyToPutTheCallerThroughAFailureEndsInVoicemail() {
        TwilioCaller.Call call = twilio("sin-mesa").call("+34666000002", CLINIC);
        call.ring();
        assertEquals(200, voice.kernel.delete("/api/v1/tenants/sin-mesa/plugins/receptionist", voice.admin).status());
        try {
            Answer apology = call.say("Hola, quería preguntar por el horario", 0.9);
            assertEquals(200, apology.status(), apology.body());
            assertEquals(List.of("Say", "Say", "Record", "Say", "Hangup"), apology.verbs());
            assertEquals("Lo siento, tenemos un problema técnico.", apology.says().get(0));
            assertEquals("true", apology.record().transcribe());
            // A call that comes in meanwhile is not left in silence either.
            Answer next = twilio("sin-mesa").call("+34666000003", CLINIC).ring();
            assertEquals(200, next.status(), next.body());
            assertTrue(next.verbs().contains("Record"), next.body());
        } finally {
            assertEquals(200, enable(voice.kernel, "sin-mesa", "receptionist",
                                     List.of("storage", "events:publish", "scheduler", "services", "http:egress", "scripts")).status());
        }
    }

    @Test
    void aFailingModelProviderStillLeavesTheCallerAnswered() {
        OpenAiStandIn openAi = OpenAiStandIn.start(0, Set.of(OPENAI_KEY));
        try {
            HttpResult key = voice.kernel.put("/api/v1/tenants/sin-mesa/plugins/ai-gateway/secrets/openai.api-key", voice.admin,
                                              Map.of("value", OPENAI_KEY));
            assertEquals(204, key.status(), key.body());
            VoiceKernel.ok(voice.kernel.put("/api/v1/tenants/sin-mesa/plugins/ai-gateway/config", voice.admin,
                                            Map.of("baseUrl", openAi.baseUrl(), "maxRetries", 1, "retryBackoffMillis", 10, "cacheTtlSeconds", 0)));
            TwilioCaller.Call call = twilio("sin-mesa").call("+34666000004", CLINIC);
            call.ring();
            openAi.script(List.of(ScriptStep.fail(500), ScriptStep.fail(500), ScriptStep.fail(500), ScriptStep.fail(500)));
            Answer answered = call.say("Me llamo Luis Pérez", 0.9);
            assertEquals(200, answered.status(), answered.body());
            assertEquals(List.of("¿En qué puedo ayudarle hoy?"), answered.says(),
                         "the offline engine answered instead, with the number on the line as the caller's phone");
            assertEquals("es-ES", answered.gather().language());
            RecordedRequest asked = openAi.requests().stream().filter(RecordedRequest::authorized).reduce((first, last) -> last).orElseThrow();
            String instructions = asked.body().get("messages").get(0).get("content").asText() + "\n"
                                  + asked.body().get("messages").get(1).get("content").asText();
            assertTrue(instructions.contains("This is a phone call from +34666000004: that number, known from the line, is the caller's "
                                             + "phone, so never ask for a phone number."), instructions);
            assertTrue(instructions.contains("An e-mail address is optional by phone"), instructions);
            assertTrue(instructions.contains("phone +34666000004 (the number on the line: do not ask for it)"), instructions);
        } finally {
            voice.kernel.delete("/api/v1/tenants/sin-mesa/plugins/ai-gateway/secrets/openai.api-key", voice.admin);
            openAi.close();
        }
    }

    @Test
    void callersBeyondTheLimitWaitInTheQueueToldTheirPlaceOrAskForACallBack() throws InterruptedException {
        TwilioCaller twilio = twilio("cola");
        TwilioCaller.Call first = twilio.call("+34677000001", CLINIC);
        assertEquals("/twilio/gather", route(first.ring().gather().action()));
        TwilioCaller.Call second = twilio.call("+34677000002", CLINIC);
        Answer waiting = second.ring();
        assertEquals("Todas nuestras líneas están ocupadas. Es usted el número 1 en la cola. Pulse 1 si prefiere que le llamemos.",
                     waiting.says().get(0));
        assertEquals("/twilio/queue", route(waiting.gather().action()));
        assertEquals("1", waiting.gather().numDigits());
        TwilioCaller.Call third = twilio.call("+34677000003", CLINIC);
        assertTrue(third.ring().says().get(0).contains("el número 2 en la cola"), third.last.body());

        Answer stillWaiting = second.silence();
        assertTrue(stillWaiting.says().get(0).contains("el número 1 en la cola"), stillWaiting.body());
        first.completed(voice.url("cola", "/twilio/status"), 40);
        Answer answered = second.silence();
        assertEquals("/twilio/gather", route(answered.gather().action()));
        assertTrue(answered.says().get(0).contains("Ava"), "the receptionist greets the caller now: " + answered.says());

        Answer callBack = third.press("1");
        assertEquals(List.of("Say", "Hangup"), callBack.verbs());
        assertEquals("Gracias. Le llamaremos a este número en breve. ¡Hasta pronto!", callBack.says().get(0));
        JsonNode contact = voice.awaitContact("cola", "+34677000003");
        JsonNode conversation = voice.conversation("cola", voice.awaitInteractions("cola", contact.get("id").asText()).get(0)
                .get("details").get("conversationId").asText());
        assertEquals("callback", conversation.get("outcome").asText());

        // The call-back is due at once (callbackDelayMinutes 0) and placed at the job's next run.
        voice.clock.advance(Duration.ofSeconds(61));
        Placed call = placed.poll(30, TimeUnit.SECONDS);
        assertTrue(call != null, "no call-back placed through Twilio's REST API");
        assertEquals("/2010-04-01/Accounts/" + TwilioCaller.ACCOUNT_SID + "/Calls.json", call.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString((TwilioCaller.ACCOUNT_SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)),
                     call.authorization());
        assertEquals("+34677000003", call.form().get("To"));
        assertEquals(CLINIC, call.form().get("From"));
        assertEquals(voice.incomingUrl("cola"), call.form().get("Url"));
        assertEquals(voice.url("cola", "/twilio/status"), call.form().get("StatusCallback"));
        VoiceKernel.await(Duration.ofSeconds(10), "the call-back marked placed", () ->
                voice.count("SELECT count(*) FROM plugin_voice.callbacks WHERE to_number = ? AND status = 'placed' "
                            + "AND placed_call_sid = 'CA99999999999999999999999999999999'", "+34677000003") == 1 ? true : null);

        // The caller answers the call-back: Twilio asks for it as for any call, from the clinic's number to the caller.
        second.completed(voice.url("cola", "/twilio/status"), 80);
        Map<String, String> answeredCallBack = new LinkedHashMap<>();
        answeredCallBack.put("AccountSid", TwilioCaller.ACCOUNT_SID);
        answeredCallBack.put("CallSid", "CA99999999999999999999999999999999");
        answeredCallBack.put("CallStatus", "in-progress");
        answeredCallBack.put("Direction", "outbound-api");
        answeredCallBack.put("From", CLINIC);
        answeredCallBack.put("To", "+34677000003");
        Answer greeting = TwilioCaller.post(voice.incomingUrl("cola"), answeredCallBack, TOKEN);
        assertTrue(greeting.says().get(0).contains("Ava"), greeting.body());
        assertEquals(1, voice.count("SELECT count(*) FROM plugin_voice.calls WHERE call_sid = 'CA99999999999999999999999999999999' "
                                    + "AND caller_number = '+34677000003'"));
    }

    @Test
    void aVoicemailWhoseTranscriptionNeverComesEndsWithoutIt() throws InterruptedException {
        String caller = "+34699000001";
        TwilioCaller.Call call = twilio("sin-mesa").call(caller, CLINIC);
        call.ring();
        Answer voicemail = call.say("Quiero hablar con una persona", 0.9);
        assertTrue(voicemail.verbs().contains("Record"), "nobody to put the caller through to: " + voicemail.body());
        call.recorded(12);
        // Twilio's transcription is late: the sweep (every minute) ends the call without it after five minutes.
        voice.sweepUntilOver(call.sid, Duration.ofMinutes(6), Duration.ofSeconds(60));
        JsonNode contact = voice.awaitContact("sin-mesa", caller);
        JsonNode interaction = voice.awaitInteractions("sin-mesa", contact.get("id").asText()).get(0);
        assertEquals("voicemail", interaction.get("details").get("outcome").asText());
        assertTrue(interaction.get("summary").asText().contains("Listen to the voicemail"), interaction.get("summary").asText());
    }

    @Test
    void aCallThatGoesQuietIsOverEvenWithoutTwiliosStatusCallback() throws InterruptedException {
        String caller = "+34699000002";
        TwilioCaller.Call call = twilio("centro").call(caller, CLINIC);
        call.ring();
        call.say("Hola, me llamo Eva Sanz y quiero cambiar mi cita", 0.9);
        // The caller hangs up; the number has no status callback configured, and no Gather result comes any more.
        voice.sweepUntilOver(call.sid, Duration.ofMinutes(3), Duration.ofSeconds(60));
        JsonNode contact = voice.awaitContact("centro", caller);
        assertEquals("Eva Sanz", contact.get("name").asText());
        JsonNode interaction = voice.awaitInteractions("centro", contact.get("id").asText()).get(0);
        assertEquals("answered", interaction.get("details").get("outcome").asText());
        assertTrue(interaction.get("summary").asText().startsWith("Eva Sanz (es): Reschedule an appointment"), interaction.get("summary").asText());
    }

    @Test
    void aCallerIsGreetedInTheLanguageOfTheirCountryWhenTheTenantOffersIt() {
        TwilioCaller twilio = twilio("english-first");
        Answer spanish = twilio.call("+34611000001", CLINIC).ring();
        assertEquals("es-ES", spanish.gather().language());
        assertTrue(spanish.says().get(0).startsWith("Hola"), spanish.says().toString());
        Answer american = twilio.call("+12125550101", CLINIC).ring();
        assertEquals("en-US", american.gather().language());
        assertEquals("Polly.Joanna", american.element("Say").orElseThrow().getAttribute("voice"));
        Answer german = twilio.call("+4930123456", CLINIC).ring();
        assertEquals("en-US", german.gather().language(), "German is not offered: the tenant's first language");
        try {
            VoiceKernel.ok(voice.kernel.put("/api/v1/tenants/english-first/plugins/voice/config", voice.admin,
                                            Map.of("languageFromCallerCountry", false, "languageCodes", "en=en-GB,es=es-MX")));
            Answer first = twilio.call("+34611000002", CLINIC).ring();
            assertEquals("en-GB", first.gather().language(), "the tenant's first language, with its configured Twilio language");
            TwilioCaller.Call call = twilio.call("+34611000003", CLINIC);
            call.ring();
            assertEquals("es-MX", call.say("Hola, me llamo Julia Romero", 0.9).gather().language(), "the caller's language once heard");
        } finally {
            VoiceKernel.ok(voice.kernel.put("/api/v1/tenants/english-first/plugins/voice/config", voice.admin, Map.of()));
        }
    }

    @Test
    void callsAreRecordedOnlyAfterTheCallerWasTold() {
        TwilioCaller.Call call = twilio("grabada").call("+34688000001", CLINIC);
        Answer greeting = call.ring();
        assertEquals("Esta llamada puede ser grabada.", greeting.says().get(0));
        assertTrue(greeting.says().get(1).contains("Ava"), greeting.says().toString());
        Answer transfer = call.say("Quiero hablar con una persona", 0.9);
        assertEquals("record-from-answer-dual", transfer.dial().record());
    }

    /** The route of a plugin URL, e.g. {@code /twilio/gather}. */
    private static String route(String url) {
        return url.substring(url.indexOf("/twilio/"));
    }
}
