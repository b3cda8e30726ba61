package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The webhook signature's invariant: a signed request verifies, and any change to the URL, to a parameter's name or
 * value, a parameter added or taken away, or another account's token, is refused.
 */
class TwilioSignatureProperties {

    @Provide
    Arbitrary<Map<String, List<String>>> params() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('A', 'z').ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> values = Arbitraries.strings().all().ofMaxLength(30);
        return Arbitraries.maps(names, values.list().ofMinSize(1).ofMaxSize(2)).ofMinSize(1).ofMaxSize(8)
                .map(LinkedHashMap::new);
    }

    @Provide
    Arbitrary<String> urls() {
        Arbitrary<String> host = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10).map(h -> h + ".example.com");
        Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10).list().ofMinSize(1).ofMaxSize(4)
                .map(segments -> "/" + String.join("/", segments));
        Arbitrary<String> scheme = Arbitraries.of("http", "https");
        return net.jqwik.api.Combinators.combine(scheme, host, path).as((s, h, p) -> s + "://" + h + p);
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.strings().withCharRange('0', 'f').ofLength(32);
    }

    @Property
    void aSignedRequestVerifies(@ForAll("tokens") String token, @ForAll("urls") String url, @ForAll("params") Map<String, List<String>> params) {
        assertTrue(TwilioSignature.verify(token, url, params, TwilioSignature.sign(token, url, params)));
    }

    @Property
    void aChangedParameterValueIsRefused(@ForAll("tokens") String token, @ForAll("urls") String url,
                                         @ForAll("params") Map<String, List<String>> params, @ForAll @IntRange(max = 7) int which,
                                         @ForAll String replacement) {
        List<String> names = new ArrayList<>(params.keySet());
        String name = names.get(which % names.size());
        Assume.that(!params.get(name).get(0).equals(replacement));
        String signature = TwilioSignature.sign(token, url, params);
        Map<String, List<String>> altered = new LinkedHashMap<>(params);
        List<String> values = new ArrayList<>(params.get(name));
        values.set(0, replacement);
        altered.put(name, values);
        assertFalse(TwilioSignature.verify(token, url, altered, signature));
    }

    @Property
    void anAddedOrRemovedParameterIsRefused(@ForAll("tokens") String token, @ForAll("urls") String url,
                                            @ForAll("params") Map<String, List<String>> params, @ForAll @IntRange(max = 7) int which) {
        String signature = TwilioSignature.sign(token, url, params);
        Map<String, List<String>> removed = new LinkedHashMap<>(params);
        removed.remove(new ArrayList<>(params.keySet()).get(which % params.size()));
        assertFalse(TwilioSignature.verify(token, url, removed, signature));
        Map<String, List<String>> added = new LinkedHashMap<>(params);
        added.merge("Injected", List.of("1"), (a, b) -> {
            List<String> more = new ArrayList<>(a);
            more.addAll(b);
            return more;
        });
        assertFalse(TwilioSignature.verify(token, url, added, signature));
    }

    @Property
    void aChangedUrlIsRefused(@ForAll("tokens") String token, @ForAll("urls") String url, @ForAll("params") Map<String, List<String>> params,
                              @ForAll("urls") String other) {
        Assume.that(!other.equals(url));
        String signature = TwilioSignature.sign(token, url, params);
        assertFalse(TwilioSignature.verify(token, other, params, signature));
        assertFalse(TwilioSignature.verify(token, url + "x", params, signature));
        assertFalse(TwilioSignature.verify(token, url + "?CallSid=CA1", params, signature));
    }

    @Property
    void anotherTokenIsRefused(@ForAll("tokens") String token, @ForAll("tokens") String other, @ForAll("urls") String url,
                               @ForAll("params") Map<String, List<String>> params) {
        Assume.that(!other.equals(token));
        assertFalse(TwilioSignature.verify(other, url, params, TwilioSignature.sign(token, url, params)));
    }
}
