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
        var jar = plugin("orders", "1.0.0", List.of("storage", "events:publish"), List.of("POST /orders", "POST /forged"), """
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
    void pluginSqlCannotPublishAnUndeclaredTopicThroughTheGuardFunction() throws Exception {
        HttpResult forged = kernel.post("/api/v1/tenants/tx-events/orders/forged", kernel.adminToken(), Map.of());
        assertTrue(forged.status() >= 400, forged.body());
        assertEquals(0, count("SELECT count(*) FROM kernel.event_outbox WHERE topic = ?", "crm.contact.created"));
    }
}
