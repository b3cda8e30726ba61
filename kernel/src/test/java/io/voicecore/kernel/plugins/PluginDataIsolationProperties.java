package io.voicecore.kernel.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random sequences of inserts, reads and deletes by two tenants through a plugin's own HTTP routes, with
 * ids of either tenant: after every step each tenant's list equals a model of that tenant's own writes,
 * and touching the other tenant's ids finds and changes nothing. The plugin's SQL never filters by tenant;
 * the isolation is the kernel's.
 */
class PluginDataIsolationProperties {
    static final AtomicInteger TRIES = new AtomicInteger();
    static TestKernel kernel;

    @BeforeContainer
    static void start() {
        kernel = TestKernel.builder().set("rate-limit.per-minute", "10000000").start();
        HttpResult installed = TestPlugins.install(kernel, shelf().build());
        assertEquals(201, installed.status(), installed.body());
    }

    @AfterContainer
    static void stop() {
        kernel.close();
    }

    /** Items with a generated id; no statement mentions the tenant except the insert's {@code Storage.TENANT}. */
    static PluginJar shelf() {
        return TestPlugins.plugin("shelf", "1.0.0", List.of("storage"),
                List.of("POST /items", "GET /items", "GET /items/{id}", "DELETE /items/{id}"), "", """
                setup.route(HttpMethod.POST, "/items", (request, context) -> {
                    Row row = context.storage().queryOne("INSERT INTO items (tenant_id, label) VALUES (?, ?) RETURNING id",
                                                         Storage.TENANT, request.json().get("label").asString()).orElseThrow();
                    return Response.created(Json.object().put("id", row.number("id").orElseThrow()).build());
                });
                setup.route(HttpMethod.GET, "/items", (request, context) -> {
                    List<Json> items = new ArrayList<>();
                    for (Row row : context.storage().query("SELECT id, label FROM items ORDER BY id")) {
                        items.add(row.toJson());
                    }
                    return Response.ok(Json.array(items));
                });
                setup.route(HttpMethod.GET, "/items/{id}", (request, context) ->
                        context.storage().queryOne("SELECT id, label FROM items WHERE id = ?", Long.valueOf(request.pathParam("id").orElseThrow()))
                                .map(row -> Response.ok(row.toJson()))
                                .orElseThrow(() -> new PluginProblem(404, "item-not-found", "No such item.")));
                setup.route(HttpMethod.DELETE, "/items/{id}", (request, context) -> {
                    int deleted = context.storage().update("DELETE FROM items WHERE id = ?", Long.valueOf(request.pathParam("id").orElseThrow()));
                    return Response.ok(Json.object().put("deleted", deleted).build());
                });
                """, "")
                .resource("db/migration/V1__items.sql",
                          "CREATE TABLE items (tenant_id uuid NOT NULL, id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL);");
    }

    enum Kind { INSERT, READ, DELETE }

    /**
     * One step by tenant A or B; {@code pick} chooses, for reads and deletes, among every id created in this
     * try by either tenant (deleted ones included) plus one that never existed.
     */
    record Step(boolean byA, Kind kind, int pick, String label) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Kind.INSERT)), Tuple.of(2, Arbitraries.just(Kind.READ)),
                Tuple.of(3, Arbitraries.just(Kind.DELETE)));
        return Combinators.combine(Arbitraries.of(true, false), kinds, Arbitraries.integers().between(0, 1000),
                                   Arbitraries.of("apple", "pear", "fig", "plum", "kiwi"))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(15);
    }

    @Property(tries = 30)
    void eachTenantSeesExactlyItsOwnItems(@ForAll("steps") List<Step> steps) {
        int n = TRIES.incrementAndGet();
        String a = "shelf-a-" + n;
        String b = "shelf-b-" + n;
        for (String tenant : List.of(a, b)) {
            kernel.createTenant(tenant);
            assertEquals(200, TestPlugins.enable(kernel, tenant, "shelf", List.of("storage")).status());
        }
        Map<String, Map<Long, String>> model = Map.of(a, new LinkedHashMap<>(), b, new LinkedHashMap<>());
        List<Long> everyId = new ArrayList<>(List.of(Long.MAX_VALUE));
        for (Step step : steps) {
            String self = step.byA() ? a : b;
            Map<Long, String> mine = model.get(self);
            String items = "/api/v1/tenants/" + self + "/shelf/items";
            switch (step.kind()) {
                case INSERT -> {
                    HttpResult created = kernel.post(items, kernel.adminToken(), Map.of("label", step.label()));
                    assertEquals(201, created.status(), created.body());
                    long id = created.json().get("id").asLong();
                    mine.put(id, step.label());
                    everyId.add(id);
                }
                case READ -> {
                    long id = everyId.get(step.pick() % everyId.size());
                    HttpResult read = kernel.get(items + "/" + id, kernel.adminToken());
                    if (mine.containsKey(id)) {
                        assertEquals(200, read.status(), read.body());
                        assertEquals(mine.get(id), read.json().get("label").asText());
                    } else {
                        assertEquals(404, read.status(), step + ": " + read.body());
                    }
                }
                case DELETE -> {
                    long id = everyId.get(step.pick() % everyId.size());
                    HttpResult deleted = kernel.delete(items + "/" + id, kernel.adminToken());
                    assertEquals(200, deleted.status(), deleted.body());
                    assertEquals(mine.remove(id) != null ? 1 : 0, deleted.json().get("deleted").asInt(), step.toString());
                }
                default -> throw new IllegalStateException();
            }
            for (String tenant : List.of(a, b)) {
                assertEquals(model.get(tenant), list(tenant), "after " + step + ", tenant " + tenant);
            }
        }
    }

    private static Map<Long, String> list(String tenant) {
        HttpResult listed = kernel.get("/api/v1/tenants/" + tenant + "/shelf/items", kernel.adminToken());
        assertEquals(200, listed.status(), listed.body());
        Map<Long, String> items = new LinkedHashMap<>();
        for (JsonNode item : listed.json()) {
            items.put(item.get("id").asLong(), item.get("label").asText());
        }
        return items;
    }
}
