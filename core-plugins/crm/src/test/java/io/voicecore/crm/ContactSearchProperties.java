package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/** The candidate ranges of a search: every word a prefix matches lies in its range, in PostgreSQL's "C" collation (byte order). */
class ContactSearchProperties {

    @Property
    void everyWordStartingWithAPrefixLiesInItsRange(@ForAll @StringLength(min = 1, max = 12) @CharRange(from = 'a', to = 'z')
                                                    @CharRange(from = '0', to = '9') String prefix, @ForAll @StringLength(max = 8) String rest) {
        Contacts.Candidates candidates = Contacts.candidates(prefix, Optional.empty()).orElseThrow();
        assertEquals(List.of(prefix, candidates.params().get(1)), candidates.params());
        byte[] word = (prefix + rest).getBytes(StandardCharsets.UTF_8);
        assertTrue(Arrays.compareUnsigned(word, prefix.getBytes(StandardCharsets.UTF_8)) >= 0);
        assertTrue(Arrays.compareUnsigned(word, ((String) candidates.params().get(1)).getBytes(StandardCharsets.UTF_8)) < 0, prefix + rest);
    }

    @Property
    void aWordThatDoesNotStartWithThePrefixLiesOutside(@ForAll @StringLength(min = 1, max = 6) @CharRange(from = 'a', to = 'z') String prefix,
                                                      @ForAll @StringLength(min = 1, max = 8) @CharRange(from = 'a', to = 'z') String other) {
        Contacts.Candidates candidates = Contacts.candidates(prefix, Optional.empty()).orElseThrow();
        byte[] word = other.getBytes(StandardCharsets.UTF_8);
        boolean inRange = Arrays.compareUnsigned(word, prefix.getBytes(StandardCharsets.UTF_8)) >= 0
                          && Arrays.compareUnsigned(word, ((String) candidates.params().get(1)).getBytes(StandardCharsets.UTF_8)) < 0;
        assertEquals(other.startsWith(prefix), inRange, other + " against " + prefix);
    }

    @Property
    void onlyAsciiWordsNarrowTheSearchAndAPhoneWidensIt(@ForAll @StringLength(min = 1, max = 6) @CharRange(from = 'à', to = 'ÿ') String accented) {
        assertEquals(Optional.empty(), Contacts.candidates(accented, Optional.empty()));
        assertEquals(Optional.empty(), Contacts.candidates(accented, Optional.of("+34600000000")), "no restriction without a word");
        Contacts.Candidates both = Contacts.candidates("Ada " + accented + " ADA lovelace", Optional.of("+34600000000")).orElseThrow();
        assertEquals(List.of("ada", "adb", "lovelace", "lovelacf", "+34600000000"), both.params());
        assertTrue(both.sql().contains(" INTERSECT ") && both.sql().contains(" UNION "), both.sql());
    }
}
