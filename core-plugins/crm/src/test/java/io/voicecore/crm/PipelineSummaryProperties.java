package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The pipeline summary's per-currency sums are exactly the sums of the deals' amounts, computed here with
 * {@link BigInteger}; where such a sum exceeds the {@code long} range the summary is refused, never wrapped.
 */
class PipelineSummaryProperties {
    static final List<String> STAGES = List.of("lead", "offer", "won", "lost");
    static final Map<String, String> KINDS = Map.of("lead", "open", "offer", "open", "won", "won", "lost", "lost");
    static PluginTestKit kit;
    static String contactId;

    @BeforeContainer
    static void start() {
        kit = PluginTestKit.start(Path.of("target/classes"));
        contactId = kit.post("/contacts", Json.object().put("name", "Buyer").build()).json().get("id").asString();
    }

    @AfterContainer
    static void stop() {
        kit.close();
    }

    record GeneratedDeal(String stage, String currency, long amount) {
    }

    @Provide
    Arbitrary<GeneratedDeal> deals() {
        // Everyday amounts, amounts of which any two overflow a long, and amounts just below the limit, which
        // overflow with some everyday amounts and not with others.
        Arbitrary<Long> amounts = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.longs().between(0, 10_000_000)),
                Tuple.of(2, Arbitraries.longs().between(Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE)),
                Tuple.of(2, Arbitraries.longs().between(Long.MAX_VALUE - 10_000_000, Long.MAX_VALUE)));
        return Combinators.combine(Arbitraries.of(STAGES), Arbitraries.of("EUR", "USD", "JPY"), amounts).as(GeneratedDeal::new);
    }

    @Property(tries = 25)
    void summarySumsEqualTheDealsAmountsPerStageStatusAndCurrency(@ForAll @Size(max = 8) List<@From("deals") GeneratedDeal> deals) {
        String pipelineId = pipeline();
        Map<String, BigInteger> perStage = new TreeMap<>();
        Map<String, Long> countPerStage = new TreeMap<>();
        Map<String, BigInteger> perStatus = new TreeMap<>();
        Map<String, Long> countPerStatus = new TreeMap<>();
        for (GeneratedDeal deal : deals) {
            Json.ObjectBuilder body = Json.object().put("contactId", contactId).put("title", "Generated").put("amount", deal.amount())
                    .put("currency", deal.currency()).put("pipelineId", pipelineId).put("stage", deal.stage());
            if (deal.stage().equals("lost")) {
                body.put("lostReason", "generated");
            }
            TestResponse created = kit.post("/deals", body.build());
            assertEquals(201, created.status(), created.toString());
            String stageKey = deal.stage() + "/" + deal.currency();
            String statusKey = KINDS.get(deal.stage()) + "/" + deal.currency();
            perStage.merge(stageKey, BigInteger.valueOf(deal.amount()), BigInteger::add);
            countPerStage.merge(stageKey, 1L, Long::sum);
            perStatus.merge(statusKey, BigInteger.valueOf(deal.amount()), BigInteger::add);
            countPerStatus.merge(statusKey, 1L, Long::sum);
        }
        BigInteger longMax = BigInteger.valueOf(Long.MAX_VALUE);
        boolean overflows = perStage.values().stream().anyMatch(sum -> sum.compareTo(longMax) > 0)
                            || perStatus.values().stream().anyMatch(sum -> sum.compareTo(longMax) > 0);

        Statistics.label("summary").collect(overflows ? "a sum overflows: refused" : "sums reported");
        TestResponse summary = kit.get("/pipelines/" + pipelineId + "/summary");
        if (overflows) {
            assertEquals(409, summary.status(), summary.toString());
            assertEquals("urn:voicecore:plugin:crm:amount-sum-overflow", summary.json().get("type").asString());
            return;
        }
        assertEquals(200, summary.status(), summary.toString());
        Map<String, BigInteger> reportedPerStage = new TreeMap<>();
        Map<String, Long> reportedCountPerStage = new TreeMap<>();
        for (Json stage : summary.json().get("stages").asList()) {
            for (Json total : stage.get("totals").asList()) {
                String key = stage.get("key").asString() + "/" + total.get("currency").asString();
                reportedPerStage.put(key, total.get("amount").asDecimal().toBigIntegerExact());
                reportedCountPerStage.put(key, total.get("count").asLong());
            }
        }
        Map<String, BigInteger> reportedPerStatus = new TreeMap<>();
        Map<String, Long> reportedCountPerStatus = new TreeMap<>();
        summary.json().get("statuses").asMap().forEach((status, totals) -> totals.asList().forEach(total -> {
            String key = status + "/" + total.get("currency").asString();
            reportedPerStatus.put(key, total.get("amount").asDecimal().toBigIntegerExact());
            reportedCountPerStatus.put(key, total.get("count").asLong());
        }));
        assertEquals(perStage, reportedPerStage);
        assertEquals(countPerStage, reportedCountPerStage);
        assertEquals(perStatus, reportedPerStatus);
        assertEquals(countPerStatus, reportedCountPerStatus);
        assertTrue(reportedPerStage.values().stream().allMatch(sum -> sum.signum() >= 0));
    }

    private static String pipeline() {
        List<Json> stages = STAGES.stream().map(key -> Json.object().put("key", key).put("name", key).put("kind", KINDS.get(key)).build())
                .toList();
        TestResponse created = kit.post("/pipelines", Json.object().put("name", "Generated " + UUID.randomUUID()).put("stages", stages).build());
        assertEquals(201, created.status(), created.toString());
        return created.json().get("id").asString();
    }
}
