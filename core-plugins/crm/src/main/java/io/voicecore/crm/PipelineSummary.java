package io.voicecore.crm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * The totals of a pipeline ({@code GET /pipelines/{id}/summary}): for each stage, and for each status, the number of
 * deals and the sum of their amounts per currency, currencies in alphabetical order. Amounts of different currencies
 * are never added. Sums are exact; one that does not fit a {@code long} is refused with 409
 * {@code amount-sum-overflow} rather than reported wrongly.
 */
final class PipelineSummary {
    /** The deals of one currency: how many and their amounts' sum in minor units. */
    record Total(String currency, long count, long amount) {
        Json toJson() {
            return Json.object().put("currency", currency).put("count", count).put("amount", amount).build();
        }
    }

    private PipelineSummary() {
    }

    static Json of(Storage storage, Pipeline pipeline) {
        Map<String, List<Total>> perStage = new LinkedHashMap<>();
        // sum(bigint) is numeric in PostgreSQL: exact, whatever its size; Money.total refuses what a long cannot hold.
        for (Row row : storage.query("SELECT stage_key, currency, count(*) AS deals, sum(amount) AS total FROM deals "
                                     + "WHERE pipeline_id = ? GROUP BY stage_key, currency ORDER BY stage_key, currency", pipeline.id())) {
            String stage = row.string("stage_key").orElseThrow();
            String currency = row.string("currency").orElseThrow();
            long amount = Money.total(row.decimal("total").orElseThrow(), "the " + currency + " deals in stage '" + stage + "'");
            perStage.computeIfAbsent(stage, key -> new ArrayList<>()).add(new Total(currency, row.number("deals").orElseThrow(), amount));
        }
        Map<String, Map<String, Total>> perStatus = new LinkedHashMap<>();
        for (String status : List.of(Pipeline.OPEN, Pipeline.WON, Pipeline.LOST)) {
            perStatus.put(status, new TreeMap<>());
        }
        List<Json> stages = new ArrayList<>();
        for (Pipeline.Stage stage : pipeline.stages()) {
            List<Total> totals = perStage.getOrDefault(stage.key(), List.of());
            for (Total total : totals) {
                perStatus.get(stage.kind()).merge(total.currency(), total, (a, b) -> new Total(
                        a.currency(), a.count() + b.count(),
                        Money.add(a.amount(), b.amount(), "the " + a.currency() + " deals with status " + stage.kind())));
            }
            stages.add(Json.object().put("key", stage.key()).put("name", stage.name()).put("position", stage.position())
                               .put("kind", stage.kind()).put("totals", totals.stream().map(Total::toJson).toList()).build());
        }
        Json.ObjectBuilder statuses = Json.object();
        perStatus.forEach((status, totals) -> statuses.put(status, totals.values().stream().map(Total::toJson).toList()));
        return Json.object().put("pipelineId", pipeline.id()).put("name", pipeline.name()).put("stages", stages)
                .put("statuses", statuses.build()).build();
    }
}
