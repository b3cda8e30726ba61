package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LanguagesProperties {
    static final List<String> WORDS = List.of("hola", "me", "llamo", "the", "name", "bonjour", "je", "ich", "heiße", "mi", "chiamo", "meu",
                                              "nome", "cita", "rendez", "termin", "appuntamento", "consulta", "xyz", "ñandú", "straße");

    @Provide
    Arbitrary<List<String>> texts() {
        return Arbitraries.oneOf(Arbitraries.of(WORDS).list().ofMaxSize(12).map(words -> String.join(" ", words)),
                                 Arbitraries.strings().ofMaxLength(60)).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property
    void detectionIsDeterministicAndIndependentOfTheOrderOfCalls(@ForAll("texts") List<String> texts, @ForAll long seed) {
        Map<String, Optional<String>> first = new LinkedHashMap<>();
        for (String text : texts) {
            first.put(text, Languages.detect(text, Languages.SUPPORTED));
        }
        List<String> shuffled = new ArrayList<>(texts);
        Collections.shuffle(shuffled, new java.util.Random(seed));
        for (String text : shuffled) {
            assertEquals(first.get(text), Languages.detect(text, Languages.SUPPORTED), text);
            assertEquals(first.get(text), Languages.detect(text, Languages.SUPPORTED), text);
        }
    }

    @Property
    void theDetectedLanguageIsAlwaysAnOfferedOne(@ForAll("texts") List<String> texts, @ForAll("offered") List<String> offered) {
        for (String text : texts) {
            String language = Languages.detect(text, offered.get(0), offered);
            assertEquals(true, offered.contains(language), language + " for " + text);
        }
    }

    @Provide
    Arbitrary<List<String>> offered() {
        return Arbitraries.of(Languages.SUPPORTED).list().uniqueElements().ofMinSize(1);
    }
}
