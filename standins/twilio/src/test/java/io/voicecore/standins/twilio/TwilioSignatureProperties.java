package io.voicecore.standins.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The stand-in signs as Twilio does: it agrees with an implementation written here from Twilio's description, with
 * twilio-java's published test vector, and a signature covers every value, every parameter and the URL.
 */
class TwilioSignatureProperties {

    @Example
    void matchesTwilioJavasRequestValidatorVector() {
        // The vector of twilio-java's RequestValidatorTest.
        Map<String, String> params = Map.of("Digits", "1234", "CallSid", "CA1234567890ABCDE", "To", "+18005551212",
                                            "Caller", "+14158675309", "From", "+14158675309");
        String signature = TwilioSignature.sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params);
        assertEquals("RSOYDt4T1cUTdK1PDd93/VVr8B8=", signature);
        assertTrue(TwilioSignature.valid("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params, signature));
        assertFalse(TwilioSignature.valid("12346", "https://mycompany.com/myapp.php?foo=1&bar=2", params, signature));
    }

    @Property(tries = 300)
    void agreesWithAnIndependentImplementation(@ForAll("urls") String url, @ForAll("params") Map<String, String> params,
                                               @ForAll("tokens") String token) {
        assertEquals(IndependentTwilioSignature.of(token, url, params), TwilioSignature.sign(token, url, params));
    }

    @Property(tries = 300)
    void changingAnyValueChangesTheSignature(@ForAll("urls") String url, @ForAll("params") Map<String, String> params,
                                             @ForAll("tokens") String token, @ForAll int pick,
                                             @ForAll("values") String newValue) {
        Assume.that(!params.isEmpty());
        String name = params.keySet().stream().toList().get(Math.floorMod(pick, params.size()));
        Assume.that(!params.get(name).equals(newValue));
        Map<String, String> tampered = new LinkedHashMap<>(params);
        tampered.put(name, newValue);
        assertNotEquals(TwilioSignature.sign(token, url, params), TwilioSignature.sign(token, url, tampered));
    }

    @Property(tries = 300)
    void addingOrRemovingAParameterChangesTheSignature(@ForAll("urls") String url,
                                                       @ForAll("params") Map<String, String> params,
                                                       @ForAll("tokens") String token, @ForAll("names") String name,
                                                       @ForAll("values") String value) {
        Assume.that(!params.containsKey(name));
        Map<String, String> added = new LinkedHashMap<>(params);
        added.put(name, value);
        assertNotEquals(TwilioSignature.sign(token, url, params), TwilioSignature.sign(token, url, added));
    }

    @Property(tries = 300)
    void theUrlAndTheTokenAreCovered(@ForAll("urls") String url, @ForAll("urls") String otherUrl,
                                     @ForAll("params") Map<String, String> params, @ForAll("tokens") String token,
                                     @ForAll("tokens") String otherToken) {
        if (!url.equals(otherUrl)) {
            assertNotEquals(TwilioSignature.sign(token, url, params), TwilioSignature.sign(token, otherUrl, params));
        }
        if (!token.equals(otherToken)) {
            assertNotEquals(TwilioSignature.sign(token, url, params), TwilioSignature.sign(otherToken, url, params));
        }
    }

    @Example
    void namesAndValuesRunTogetherAsTwilioDefinesIt() {
        // Twilio concatenates without separators: moving characters between a name and its value is invisible.
        // Parameter names are Twilio's own (CallSid, SpeechResult, ...), so this never matters for real webhooks.
        assertEquals(TwilioSignature.sign("t", "https://x.test/v", Map.of("ab", "c")),
                     TwilioSignature.sign("t", "https://x.test/v", Map.of("a", "bc")));
    }

    @Provide
    Arbitrary<String> urls() {
        Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> query = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMaxLength(10);
        return Arbitraries.of("https://voice.example.com", "http://127.0.0.1:8080", "https://a.test:8443")
                .flatMap(base -> path.flatMap(p -> query.map(q -> base + "/" + p + (q.isEmpty() ? "" : "?q=" + q))));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(16);
    }

    @Provide
    Arbitrary<String> values() {
        // Any text a caller's speech or a phone number could bring, accents and symbols included.
        return Arbitraries.strings().all().ofMaxLength(40)
                .filter(value -> value.chars().noneMatch(c -> Character.isSurrogate((char) c)));
    }

    @Provide
    Arbitrary<Map<String, String>> params() {
        return Arbitraries.maps(names(), values()).ofMaxSize(12).map(LinkedHashMap::new);
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.strings().withCharRange('0', '9').withCharRange('a', 'f').ofLength(32);
    }
}
