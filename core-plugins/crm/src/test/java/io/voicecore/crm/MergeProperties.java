package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Merging two contacts never loses an interaction, phone, number to review, e-mail or tag of either. */
class MergeProperties {
    static PluginTestKit kit;

    @BeforeContainer
    static void start() {
        kit = PluginTestKit.start(Path.of("target/classes"));
    }

    @AfterContainer
    static void stop() {
        kit.close();
    }

    @Property(tries = 15)
    void mergeNeverLosesAnInteraction(@ForAll @IntRange(max = 4) int intoInteractions, @ForAll @IntRange(max = 4) int fromInteractions,
                                      @ForAll @Size(max = 3) List<@IntRange(min = 1000, max = 1009) Integer> intoPhones,
                                      @ForAll @Size(max = 3) List<@IntRange(min = 1000, max = 1009) Integer> fromPhones,
                                      @ForAll @Size(max = 3) List<@IntRange(min = 1000, max = 1009) Integer> fromPhonesToReview,
                                      @ForAll @Size(max = 3) List<@IntRange(max = 5) Integer> fromTags) {
        String into = contact("Into", intoPhones, List.of(1000), List.of());
        String from = contact("From", fromPhones, fromPhonesToReview, fromTags);
        Set<String> interactions = new HashSet<>();
        interactions.addAll(record(into, intoInteractions));
        interactions.addAll(record(from, fromInteractions));
        Json before = kit.get("/contacts/" + from).json();
        Json intoBefore = kit.get("/contacts/" + into).json();

        TestResponse merged = kit.post("/contacts/" + into + "/merge", Json.object().put("from", from).build());
        assertEquals(200, merged.status(), merged.toString());

        List<Json> timeline = kit.get("/contacts/" + into + "/interactions?limit=200").json().get("items").asList();
        Set<String> after = new HashSet<>();
        timeline.forEach(i -> after.add(i.get("id").asString()));
        assertEquals(interactions, after);
        assertEquals(interactions.size(), timeline.size());
        Json survivor = merged.json();
        for (String list : List.of("phones", "phonesToReview", "emails", "tags")) {
            assertTrue(survivor.get(list).asList().containsAll(before.get(list).asList()), list);
            assertTrue(survivor.get(list).asList().containsAll(intoBefore.get(list).asList()), list);
        }
        assertEquals(404, kit.get("/contacts/" + from).status());
    }

    /** A contact with the phones, national numbers to review (no defaultCountryCode is configured) and tags numbered so. */
    private static String contact(String name, List<Integer> phones, List<Integer> phonesToReview, List<Integer> tags) {
        TestResponse created = kit.post("/contacts", Json.object().put("name", name)
                .put("phones", phones.stream().map(p -> "+1 212 555 " + p).toList())
                .put("phonesToReview", phonesToReview.stream().map(p -> "612 55 " + p).toList())
                .put("tags", tags.stream().map(t -> "tag" + t).toList()).build());
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }

    private static List<String> record(String contactId, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> {
            TestResponse recorded = kit.post("/contacts/" + contactId + "/interactions",
                                             Json.object().put("type", "call").put("summary", "call " + i).build());
            assertEquals(201, recorded.status(), recorded.toString());
            return recorded.json().get("id").asString();
        }).toList();
    }
}
