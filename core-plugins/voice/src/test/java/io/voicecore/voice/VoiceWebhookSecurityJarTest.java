package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import io.voicecore.voice.TwilioCaller.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Only Twilio, signing with the tenant's own auth token over the URL it called, gets a call answered: a request
 * unsigned, signed with a wrong or another tenant's token, or altered after signing (a parameter, the URL) answers 403
 * problem+json and leaves nothing behind, no call, no conversation, no contact, no minutes.
 */
class VoiceWebhookSecurityJarTest {
    static final String TENANT = "dental-norte";
    static final String OTHER = "dental-sur";
    static final String TOKEN = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String OTHER_TOKEN = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    static VoiceKernel voice;

    @BeforeAll
    static void start() {
        voice = new VoiceKernel();
        voice.tenant(TENANT, TOKEN, Map.of());
        voice.tenant(OTHER, OTHER_TOKEN, Map.of());
    }

    @AfterAll
    static void stop() {
        voice.close();
    }

    private static Map<String, String> incoming(String callSid, String from) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", TwilioCaller.ACCOUNT_SID);
        params.put("CallSid", callSid);
        params.put("CallStatus", "ringing");
        params.put("Direction", "inbound");
        params.put("From", from);
        params.put("To", "+34910000002");
        return params;
    }

    private static void assertRefused(Answer answer, String type) {
        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        assertTrue(answer.body().contains("\"type\":\"urn:voicecore:plugin:voice:" + type + "\""), answer.body());
    }

    /** Nothing of the call exists: no call, no conversation, no minutes. */
    private static void assertNothingCreated(String callSid, long conversationsBefore) {
        assertEquals(0, voice.count("SELECT count(*) FROM plugin_voice.calls WHERE call_sid = ?", callSid));
        assertEquals(conversationsBefore, conversations());
        assertEquals(0, voice.usage(TENANT, "voice.minutes"));
    }

    private static long conversations() {
        return voice.count("SELECT count(*) FROM plugin_receptionist.conversations");
    }

    @Test
    void unsignedForgedAndOtherTenantsRequestsAreRefusedAndChangeNothing() {
        String url = voice.incomingUrl(TENANT);
        long before = conversations();
        String sid = TwilioCaller.newCallSid();
        Map<String, String> params = incoming(sid, "+34655000001");

        assertRefused(TwilioCaller.postWithSignature(url, params, null), "invalid-signature");
        assertRefused(TwilioCaller.postWithSignature(url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), "invalid-signature");
        assertRefused(TwilioCaller.post(url, params, OTHER_TOKEN), "invalid-signature");

        String signature = TwilioCaller.sign(TOKEN, url, params);
        Map<String, String> altered = new LinkedHashMap<>(params);
        altered.put("From", "+34655000002");
        assertRefused(TwilioCaller.postWithSignature(url, altered, signature), "invalid-signature");
        Map<String, String> added = new LinkedHashMap<>(params);
        added.put("SpeechResult", "quiero hablar con una persona");
        assertRefused(TwilioCaller.postWithSignature(url, added, signature), "invalid-signature");
        assertRefused(TwilioCaller.postWithSignature(url + "?debug=1", params, signature), "invalid-signature");
        // A request Twilio signed for the other tenant's webhook, replayed at this one.
        String otherUrl = voice.incomingUrl(OTHER);
        assertRefused(TwilioCaller.postWithSignature(url, params, TwilioCaller.sign(OTHER_TOKEN, otherUrl, params)), "invalid-signature");
        assertRefused(TwilioCaller.postWithSignature(url, params, TwilioCaller.sign(TOKEN, otherUrl, params)), "invalid-signature");
        assertNothingCreated(sid, before);

        Answer genuine = TwilioCaller.postWithSignature(url, params, signature);
        assertEquals(200, genuine.status(), genuine.body());
        assertEquals(1, voice.count("SELECT count(*) FROM plugin_voice.calls WHERE call_sid = ?", sid));
    }

    @Test
    void everyWebhookOfACallIsVerified() {
        TwilioCaller twilio = new TwilioCaller(voice.incomingUrl(TENANT), TOKEN);
        TwilioCaller.Call call = twilio.call("+34655000003", "+34910000002");
        call.ring();
        String gather = call.last.gather().action();
        Map<String, String> said = call.params(Map.of("SpeechResult", "Quiero hablar con una persona", "Confidence", "0.9"));
        assertRefused(TwilioCaller.post(gather, said, OTHER_TOKEN), "invalid-signature");
        assertEquals(0, voice.count("SELECT turns FROM plugin_voice.calls WHERE call_sid = ?", call.sid), "no turn was taken");
        for (String route : new String[] {"/twilio/status", "/twilio/voicemail", "/twilio/transcription", "/twilio/dial-status",
                                          "/twilio/whisper", "/twilio/queue"}) {
            assertRefused(TwilioCaller.postWithSignature(voice.url(TENANT, route), call.params(Map.of("CallStatus", "completed",
                                                                                                       "CallDuration", "600")), null),
                          "invalid-signature");
        }
        assertEquals(1, voice.count("SELECT count(*) FROM plugin_voice.calls WHERE call_sid = ? AND state = 'conversation'", call.sid));
        assertEquals(0, voice.usage(TENANT, "voice.minutes"));
    }

    @Test
    void aTenantThatHasNotSetItsTokenRefusesEveryWebhookSayingWhatToDo() {
        voice.kernel.createTenant("sin-token");
        assertEquals(200, io.voicecore.kernel.plugins.TestPlugins.enable(voice.kernel, "sin-token", "voice", VoiceKernel.VOICE_GRANTS)
                .status());
        String url = voice.incomingUrl("sin-token");
        Map<String, String> params = incoming(TwilioCaller.newCallSid(), "+34655000004");
        Answer refused = TwilioCaller.post(url, params, TOKEN);
        assertRefused(refused, "auth-token-missing");
        assertTrue(refused.body().contains("secrets/twilio.auth-token"), refused.body());
    }

    @Test
    void webhooksNeedNoVoiceCoreCredentialsButTheRestOfThePluginDoes() {
        assertEquals(401, voice.kernel.get("/api/v1/tenants/" + TENANT + "/voice/status", null).status());
        assertEquals(404, TwilioCaller.post(voice.incomingUrl("nadie"), incoming(TwilioCaller.newCallSid(), "+34655000005"), TOKEN).status());
    }
}
