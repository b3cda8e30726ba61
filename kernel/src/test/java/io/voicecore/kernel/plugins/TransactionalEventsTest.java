package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An event published inside a plugin's storage transaction commits or rolls back with the plugin's own writes. */
class TransactionalEventsTest {
    static TestKernel kernel;
    static String tenant;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
        tenant = kernel.createTenant("tx-events");
        var jar = plugin("orders", "1.0.0", List.of("storage", "events:publish"), List.of("POST /orders", "POST /forged", "POST /batch", "POST /forged-batch"), """
                events:
                  publishes: [orders.order.placed]
                """, """
                setup.route(HttpMethod.POST, "/orders", (request, context) -> {
                    boolean fail = request.json().get("fail").asBoolean();
                    String name = request.json().get("name").asString();
                    try {
                        context.storage().transaction(tx -> {
                            tx.update("INSERT INTO orders (tenant_id, name) VALUES (?, ?)", Storage.TENANT, name);
                            context.events().publish("orders.order.placed", Json.object().put("name", name).build());
                            if (fail) {
                                throw new IllegalStateException("payment declined");
                            }
                            return null;
                        });
                    } catch (IllegalStateException declined) {
                        throw new PluginProblem(402, "payment-declined", "The payment was declined.");
                    }
                    return Response.created(Json.object().put("name", name).build());
                });
                setup.route(HttpMethod.POST, "/batch", (request, context) -> {
                    String name = request.json().get("name").asString();
                    long count = request.json().get("count").asLong();
                    context.storage().transaction(tx -> {
                        for (int i = 0; i < count; i++) {
                            tx.update("INSERT INTO orders (tenant_id, name) VALUES (?, ?)", Storage.TENANT, name + "-" + i);
                            context.events().publish("orders.order.placed", Json.object().put("batch", name).put("n", i).build());
                        }
                        return null;
                    });
                    return Response.ok(Json.object().put("published", count).build());
                });
                setup.route(HttpMethod.POST, "/forged-batch", (request, context) -> Response.ok(Json.of(context.storage().query(
                        "SELECT vc_guard.publish_events(ARRAY[gen_random_uuid(), gen_random_uuid()], ARRAY['orders.order.placed', 'crm.contact.deleted'], "
                        + "ARRAY['{}', '{}'])").size())));
                setup.route(HttpMethod.POST, "/forged", (request, context) -> Response.ok(Json.of(context.storage().query(
                        "SELECT vc_guard.publish_event(gen_random_uuid(), 'crm.contact.created', '{}')").size())));
                """, "").resource("db/migration/V1__orders.sql", "CREATE TABLE orders (tenant_id uuid NOT NULL, name text NOT NULL);");
        assertEquals(201, install(kernel, jar.build()).status());
        assertEquals(200, enable(kernel, "tx-events", "orders", List.of("storage", "events:publish")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static int count(String sql, String parameter) throws Exception {
        try (Connection c = kernel.ownerConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void committedTransactionPublishesRolledBackOneDoesNot() throws Exception {
        assertEquals(201, kernel.post("/api/v1/tenants/tx-events/orders/orders", kernel.adminToken(),
                                      Map.of("name", "kept", "fail", false)).status());
        HttpResult declined = kernel.post("/api/v1/tenants/tx-events/orders/orders", kernel.adminToken(),
                                          Map.of("name", "declined", "fail", true));
        assertEquals(402, declined.status(), declined.body());
        assertEquals(1, count("SELECT count(*) FROM plugin_orders.orders WHERE name = ?", "kept"));
        assertEquals(0, count("SELECT count(*) FROM plugin_orders.orders WHERE name = ?", "declined"));
        assertEquals(1, count("SELECT count(*) FROM kernel.event_outbox WHERE payload LIKE '%' || ? || '%'", "kept"));
        assertEquals(0, count("SELECT count(*) FROM kernel.event_outbox WHERE payload LIKE '%' || ? || '%'", "declined"),
                     "the event of the rolled-back transaction was never published");
        assertEquals(1, count("SELECT count(*) FROM kernel.event_outbox WHERE tenant_id = ?::uuid AND publisher = 'orders'", tenant));
    }

    @Test
    void eventsOfOneTransactionAreWrittenTogetherAndKeepTheirOrder() throws Exception {
        HttpResult published = kernel.post("/api/v1/tenants/tx-events/orders/batch", kernel.adminToken(), Map.of("name", "bulk", "count", 50));
        assertEquals(200, published.status(), published.body());
        assertEquals(50, count("SELECT count(*) FROM plugin_orders.orders WHERE name LIKE ? || '-%'", "bulk"));
        List<Integer> order = new java.util.ArrayList<>();
        try (Connection c = kernel.ownerConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT (payload::jsonb ->> 'n')::int AS n FROM kernel.event_outbox WHERE payload::jsonb ->> 'batch' = ? "
                + "ORDER BY occurred_at, id")) {
            s.setString(1, "bulk");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    order.add(rs.getInt(1));
                }
            }
        }
        // The outbox's order (occurred_at, then id) is the order the plugin published them in.
        assertEquals(java.util.stream.IntStream.range(0, 50).boxed().toList(), order);
        assertEquals(1, count("SELECT count(DISTINCT publisher) FROM kernel.event_outbox WHERE payload::jsonb ->> 'batch' = ?", "bulk"));
    }

    @Test
    void pluginSqlCannotSlipAnUndeclaredTopicIntoABatch() throws Exception {
        HttpResult forged = kernel.post("/api/v1/tenants/tx-events/orders/forged-batch", kernel.adminToken(), Map.of());
        assertTrue(forged.status() >= 400, forged.body());
        assertEquals(0, count("SELECT count(*) FROM kernel.event_outbox WHERE topic = ?", "crm.contact.deleted"));
        assertEquals(0, count("SELECT count(*) FROM kernel.event_outbox WHERE payload = ?", "{}"), "nor the declared one beside it");
    }

    @Test
    void pluginSqlCannotPublishAnUndeclaredTopicThroughTheGuardFunction() throws Exception {
        HttpResult forged = kernel.post("/api/v1/tenants/tx-events/orders/forged", kernel.adminToken(), Map.of());
        assertTrue(forged.status() >= 400, forged.body());
        assertEquals(0, count("SELECT count(*) FROM kernel.event_outbox WHERE topic = ?", "crm.contact.created"));
    }
}
