package io.voicecore.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The generated data is fixed by the seed, and every seed gives valid, varied data. */
class DataGeneratorTest {

    @Property(tries = 30)
    void theSameSeedGivesTheSameDataAndEverySeedGivesValidData(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int contacts) {
        DataGenerator.Plan plan = DataGenerator.plan(seed, contacts);
        assertEquals(plan, DataGenerator.plan(seed, contacts));
        assertEquals(contacts, plan.contacts().size());
        Set<String> emails = new HashSet<>();
        for (Map<String, Object> contact : plan.contacts()) {
            String phone = ((List<?>) contact.get("phones")).getFirst().toString();
            assertTrue(phone.matches("\\+[1-9][0-9]{7,14}"), phone);
            String email = ((List<?>) contact.get("emails")).getFirst().toString();
            assertTrue(email.matches("[a-z0-9.]+@[a-z0-9]+(\\.[a-z]+)+"), email);
            assertTrue(emails.add(email), "e-mail addresses are unique: " + email);
        }
        assertEquals(Math.min(contacts, 7), plan.countries());
        Set<String> stages = new HashSet<>();
        plan.deals().forEach(deal -> stages.add(deal.get("stage").toString()));
        assertEquals(DataGenerator.STAGES.size(), stages.size());
        plan.dealContacts().forEach(index -> assertTrue(index >= 0 && index < contacts));
        assertEquals(30, plan.conversationLines().size());
    }

    @Property(tries = 10)
    void anotherSeedGivesOtherData(@ForAll long seed) {
        assertNotEquals(DataGenerator.plan(seed, 50).contacts(), DataGenerator.plan(seed + 1, 50).contacts());
    }
}
