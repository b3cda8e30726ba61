package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The signature Twilio documents for its webhooks, with the example its documentation and libraries use. */
class TwilioSignatureTest {
    static final String TOKEN = "12345";
    static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final String SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    static Map<String, List<String>> params() {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("Digits", List.of("1234"));
        params.put("CallSid", List.of("CA1234567890ABCDE"));
        params.put("To", List.of("+18005551212"));
        params.put("Caller", List.of("+14158675309"));
        params.put("From", List.of("+14158675309"));
        return params;
    }

    @Test
    void signsAsTwilioDocumentsIt() {
        assertEquals(SIGNATURE, TwilioSignature.sign(TOKEN, URL, params()));
        assertTrue(TwilioSignature.verify(TOKEN, URL, params(), SIGNATURE));
    }

    @Test
    void theDefaultPortMayBeWrittenOrNot() {
        assertTrue(TwilioSignature.verify(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", params(), SIGNATURE));
        String signedWithPort = TwilioSignature.sign(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", params());
        assertTrue(TwilioSignature.verify(TOKEN, URL, params(), signedWithPort));
    }

    @Test
    void anythingElseIsRefused() {
        assertFalse(TwilioSignature.verify(TOKEN, URL, params(), "NOT" + SIGNATURE));
        assertFalse(TwilioSignature.verify(TOKEN, URL, params(), ""));
        assertFalse(TwilioSignature.verify(TOKEN, URL, params(), null));
        assertFalse(TwilioSignature.verify("54321", URL, params(), SIGNATURE));
        assertFalse(TwilioSignature.verify("", URL, params(), SIGNATURE));
        assertFalse(TwilioSignature.verify(TOKEN, "https://mycompany.com/myapp.php?foo=1&bar=3", params(), SIGNATURE));
        assertFalse(TwilioSignature.verify(TOKEN, "http://mycompany.com/myapp.php?foo=1&bar=2", params(), SIGNATURE));
        Map<String, List<String>> altered = params();
        altered.put("Digits", List.of("1235"));
        assertFalse(TwilioSignature.verify(TOKEN, URL, altered, SIGNATURE));
        Map<String, List<String>> added = params();
        added.put("Extra", List.of(""));
        assertFalse(TwilioSignature.verify(TOKEN, URL, added, SIGNATURE));
    }

    @Test
    void aRepeatedParameterCountsEachValueInOrder() {
        Map<String, List<String>> twice = new LinkedHashMap<>();
        twice.put("A", List.of("2", "1"));
        Map<String, List<String>> sorted = new LinkedHashMap<>();
        sorted.put("A", List.of("1", "2"));
        assertEquals(TwilioSignature.sign(TOKEN, URL, sorted), TwilioSignature.sign(TOKEN, URL, twice));
        assertFalse(TwilioSignature.sign(TOKEN, URL, Map.of("A", List.of("1"))).equals(TwilioSignature.sign(TOKEN, URL, twice)));
    }
}
