package io.voicecore.marketplace.resellers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A claimed domain has one spelling: whatever a reseller types, the normalised name is its own normal form, never an
 * IP address or a wildcard, and names that differ only in case, port or trailing dot are the same claim.
 */
class DomainNamesProperties {

    @Property(tries = 500)
    void aNormalisedDomainIsItsOwnNormalFormAndNeverAnAddressOrAWildcard(@ForAll("typed") String typed) {
        Optional<String> domain = DomainProofs.normalise(typed);
        domain.ifPresent(name -> {
            assertEquals(domain, DomainProofs.normalise(name), "normalising twice changes nothing");
            assertTrue(name.matches("[a-z0-9.-]+"), name);
            assertFalse(name.matches("[0-9.]+"), "an IPv4 address is no domain: " + name);
            assertFalse(name.contains("*") || name.contains(":") || name.endsWith("."), name);
            assertTrue(name.contains("."), name);
        });
    }

    @Property(tries = 300)
    void caseAPortAndATrailingDotMakeNoOtherDomain(@ForAll("hostNames") String host, @ForAll boolean upper, @ForAll boolean dot,
                                                     @ForAll("ports") Optional<Integer> port) {
        String typed = (upper ? host.toUpperCase(java.util.Locale.ROOT) : host) + (dot ? "." : "") + port.map(p -> ":" + p).orElse("");
        assertEquals(Optional.of(host), DomainProofs.normalise(typed), typed);
    }

    @Provide
    Arbitrary<String> typed() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("aZ09.-*:[]/@ ü_").ofMaxLength(30);
        Arbitrary<String> addresses = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(parts -> String.join(".", parts.stream().map(String::valueOf).toList()));
        return Arbitraries.oneOf(noise, addresses, hostNames(), hostNames().map(h -> "*." + h));
    }

    @Provide
    Arbitrary<String> hostNames() {
        Arbitrary<String> label = Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofLength(1),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMaxLength(10),
                Arbitraries.strings().withCharRange('a', 'z').numeric().ofLength(1)).as((a, b, c) -> a + b + c);
        return label.list().ofMinSize(2).ofMaxSize(4).map(labels -> String.join(".", labels));
    }

    @Provide
    Arbitrary<Optional<Integer>> ports() {
        return Arbitraries.integers().between(1, 65535).optional();
    }
}
