package io.voicecore.kernel.plugins.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The manifest's host rules agree with a plainly written reference on random hosts and patterns. */
class EgressHostsProperties {

    @Property(tries = 3000)
    void matchingAgreesWithTheReference(@ForAll("patterns") String pattern, @ForAll("hosts") String host) {
        assertEquals(reference(pattern, host), EgressHosts.matches(pattern, host), pattern + " vs " + host);
    }

    @Property(tries = 500)
    void aWildcardNeverMatchesItsBareDomain(@ForAll("domains") String domain) {
        assertFalse(EgressHosts.matches("*." + domain, domain));
        assertTrue(EgressHosts.matches("*." + domain, "api." + domain));
        assertTrue(EgressHosts.matches("*." + domain, "a.b.c." + domain.toUpperCase(Locale.ROOT)));
    }

    @Example
    void documentedCases() {
        assertTrue(EgressHosts.matches("api.example.com", "API.Example.com"));
        assertTrue(EgressHosts.matches("*.example.com", "eu.api.example.com"));
        assertFalse(EgressHosts.matches("*.example.com", "example.com"));
        assertFalse(EgressHosts.matches("*.example.com", "badexample.com"));
        assertFalse(EgressHosts.matches("*.example.com", "example.com.evil.net"));
        assertFalse(EgressHosts.matches("*.example.com", ".example.com"));
        assertFalse(EgressHosts.matches("api.example.com", "api.example.com."));
        assertFalse(EgressHosts.matches("*.0.0.1", "127.0.0.1"), "wildcards never match IP addresses");
        assertFalse(EgressHosts.matches("*", "anything.com"));
        assertFalse(EgressHosts.matches("*.*.com", "a.b.com"));
        assertFalse(EgressHosts.matches("${config.url}", "${config.url}"), "config entries are resolved by the gateway only");
        assertTrue(EgressHosts.matches("::1", "[::1]"));
        assertTrue(EgressHosts.matchesExactly("localhost", "LOCALHOST"));
        assertFalse(EgressHosts.matchesExactly("*.example.com", "a.example.com"));
        assertEquals(java.util.Optional.of("instanceUrl"), EgressHosts.configKey("${config.instanceUrl}"));
        assertEquals(java.util.Optional.empty(), EgressHosts.configKey("${config.}"));
    }

    /** The rule as the manifest documentation states it, written independently with a regular expression. */
    private static boolean reference(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        boolean ipLiteral = h.matches("[0-9.]+") || h.contains(":");
        if (p.startsWith("*.")) {
            String domain = p.substring(2);
            if (domain.isEmpty() || domain.contains("*") || ipLiteral) {
                return false;
            }
            return Pattern.compile("([^.]+\\.)+" + Pattern.quote(domain)).matcher(h).matches();
        }
        return !p.contains("*") && !p.isEmpty() && p.equals(h);
    }

    @Provide
    Arbitrary<String> hosts() {
        return Arbitraries.oneOf(labels(1, 5), ips(), labels(1, 4).map(h -> h + "."), labels(1, 3).map(h -> "." + h));
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.oneOf(labels(1, 4), labels(1, 3).map(d -> "*." + d), ips(), ips().map(ip -> "*." + ip.substring(ip.indexOf('.') + 1)),
                                 Arbitraries.of("*", "*.", "*.*.com", ""));
    }

    @Provide
    Arbitrary<String> domains() {
        return labels(1, 3);
    }

    /** Hosts from a few labels, so that patterns and hosts often share suffixes; random case. */
    private static Arbitrary<String> labels(int min, int max) {
        Arbitrary<String> label = Arbitraries.of("api", "eu", "example", "com", "org", "a", "b", "x-1", "EXAMPLE", "Com");
        return label.list().ofMinSize(min).ofMaxSize(max).map(parts -> String.join(".", parts));
    }

    private static Arbitrary<String> ips() {
        Arbitrary<Integer> octet = Arbitraries.of(0, 1, 10, 127, 255);
        return Combinators.combine(octet, octet, octet, octet).as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
    }

}
