package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.voicecore.sdk.json.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Lead scores: determined by the interactions, whatever order they come in. */
class LeadRulesProperties {
    static final LeadRules RULES = LeadRules.parse("call=10, chat=5, email=3, note=1, any:price=15, note:not interested=-30");

    @Property
    void theScoreDoesNotDependOnTheOrderOfInteractions(@ForAll("interactions") List<Interactions.Interaction> interactions,
                                                       @ForAll long seed) {
        List<Interactions.Interaction> shuffled = new ArrayList<>(interactions);
        Collections.shuffle(shuffled, new Random(seed));
        assertEquals(RULES.score(interactions), RULES.score(shuffled));
        List<Interactions.Interaction> reversed = new ArrayList<>(interactions);
        Collections.reverse(reversed);
        assertEquals(RULES.score(interactions), RULES.score(reversed));
    }

    @Property
    void theScoreIsTheSumOfTheScoresOfEachInteraction(@ForAll("interactions") List<Interactions.Interaction> interactions) {
        long sum = interactions.stream().mapToLong(i -> RULES.score(List.of(i))).sum();
        assertEquals(sum, RULES.score(interactions));
    }

    @Example
    void rulesMatchTypeAndKeyword() {
        assertEquals(10, RULES.score(List.of(interaction("call", "booked"))));
        assertEquals(10 + 15, RULES.score(List.of(interaction("call", "Asked the PRICE"))));
        assertEquals(1 - 30, RULES.score(List.of(interaction("note", "Not interested at all"))));
        assertEquals(0, LeadRules.parse("").score(List.of(interaction("call", "x"))));
    }

    @Example
    void malformedRulesAreRefusedByName() {
        for (String bad : List.of("fax=10", "call", "call=ten", "=5")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> LeadRules.parse(bad));
            assertTrue(refused.getMessage().contains("lead rule"), refused.getMessage());
        }
    }

    static Interactions.Interaction interaction(String type, String summary) {
        return new Interactions.Interaction(UUID.randomUUID(), UUID.randomUUID(), type, Instant.EPOCH, summary, Json.object().build());
    }

    @Provide
    Arbitrary<List<Interactions.Interaction>> interactions() {
        Arbitrary<String> types = Arbitraries.of("call", "chat", "email", "note");
        Arbitrary<String> summaries = Arbitraries.of("", "price?", "not interested", "booked", "PRICE and not interested");
        return Combinators.combine(types, summaries).as(LeadRulesProperties::interaction).list().ofMaxSize(30);
    }
}
