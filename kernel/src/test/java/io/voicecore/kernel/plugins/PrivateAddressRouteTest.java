package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a kernel whose operator allow-lists no private address, a tenant who points a plugin's {@code instanceUrl} at the
 * loopback interface gets a permission problem that names the rule, and the listener there sees no connection.
 */
class PrivateAddressRouteTest {
    static TestKernel kernel;
    static ServerSocket listener;
    static final AtomicInteger accepted = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try (Socket ignored = listener.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        kernel = TestKernel.builder().set("plugins.egress.allow-private", "").start();
        kernel.createTenant("private-egress");
        String manifest = "egress:\n  hosts: [\"${config.instanceUrl}\"]\nconfig:\n  instanceUrl: {type: url, description: \"Your CRM\"}\n";
        String route = "setup.route(HttpMethod.GET, \"/sync\", (request, context) -> Response.json(200, Json.object().put(\"status\","
                       + " context.http().send(EgressRequest.get(java.net.URI.create(context.config().string(\"instanceUrl\").orElseThrow()"
                       + " + \"/contacts\"))).status()).build()));";
        HttpResult installed = install(kernel, plugin("crmsync", "1.0.0", List.of("http:egress"), List.of("GET /sync"), manifest, route, "")
                .build());
        assertEquals(201, installed.status(), installed.body());
        assertEquals(200, enable(kernel, "private-egress", "crmsync", List.of("http:egress")).status());
    }

    @AfterAll
    static void stop() throws IOException {
        kernel.close();
        listener.close();
    }

    @Test
    void aTenantsInstanceUrlThatResolvesToLoopbackIsRefusedWithAProblemNamingTheRule() {
        // A name passes the save (it is resolved when connecting); localhost resolves without asking any DNS server.
        HttpResult configured = kernel.put("/api/v1/tenants/private-egress/plugins/crmsync/config", kernel.adminToken(),
                                           Map.of("instanceUrl", "http://localhost:" + listener.getLocalPort()));
        assertEquals(200, configured.status(), configured.body());

        HttpResult refused = kernel.get("/api/v1/tenants/private-egress/crmsync/sync", kernel.adminToken());

        assertEquals(403, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("urn:voicecore:problem:plugin-permission-denied", refused.json().get("type").asText());
        String detail = refused.json().get("detail").asText();
        assertTrue(detail.contains("(loopback address, resolved from localhost) is refused: add it to plugins.egress.allow-private"),
                   detail);
        assertEquals(0, accepted.get(), "nothing reached the listener");
    }

    @Test
    void anInstanceUrlWrittenAsARefusedAddressIsRefusedWhenSaved() {
        for (String url : List.of("http://127.0.0.1:" + listener.getLocalPort(), "https://10.0.0.5/crm", "https://169.254.169.254",
                                  "https://[::ffff:192.168.1.1]/")) {
            HttpResult refused = kernel.put("/api/v1/tenants/private-egress/plugins/crmsync/config", kernel.adminToken(),
                                            Map.of("instanceUrl", url));
            assertEquals(422, refused.status(), refused.body());
            assertEquals("urn:voicecore:problem:validation", refused.json().get("type").asText());
            assertTrue(refused.body().contains("instanceUrl") && refused.body().contains("plugins.egress.allow-private"), refused.body());
        }
        assertEquals(0, accepted.get(), "nothing reached the listener");
    }
}
