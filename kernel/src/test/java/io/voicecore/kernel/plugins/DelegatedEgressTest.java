package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider's service that calls out for a consumer needs the consumer to hold {@code http:egress} too:
 * withdrawing that one grant from the consumer makes the call fail with a permission error, not a quiet
 * success through the provider, and nothing reaches the network.
 */
class DelegatedEgressTest {
    static final String SERVICE = "testplugin.fetcher.Fetch";
    static final String FETCH = "package testplugin.fetcher;\npublic interface Fetch extends java.util.function.Supplier<String> {\n}\n";
    static TestKernel kernel;
    static HttpServer upstream;
    static final AtomicInteger requests = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/ping", exchange -> {
            requests.incrementAndGet();
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        kernel = TestKernel.start();
        kernel.createTenant("delegation");

        String url = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/ping";
        HttpResult provider = install(kernel, plugin("fetcher", "1.0.0", List.of("http:egress"), List.of(),
                "egress:\n  hosts: [127.0.0.1]\nservices:\n  exports: [" + SERVICE + "]\n",
                "setup.exportService(Fetch.class, context -> () -> context.http().send(EgressRequest.get(java.net.URI.create(\""
                + url + "\"))).bodyText());", "")
                .source(SERVICE, FETCH)
                .build());
        assertEquals(201, provider.status(), provider.body());
        String requires = "services:\n  requires:\n    - {plugin: fetcher, version: \">=1.0.0\", service: " + SERVICE + "}\n";
        String route = "setup.route(HttpMethod.GET, \"/fetch\", (request, context) -> Response.json(200, Json.object()"
                       + ".put(\"fetched\", context.services().require(testplugin.fetcher.Fetch.class).get()).build()));";
        assertEquals(201, install(kernel, plugin("delegator", "1.0.0", List.of("services", "http:egress"), List.of("GET /fetch"),
                                                 requires, route, "").compileOnly(SERVICE, FETCH).build()).status());
        assertEquals(201, install(kernel, plugin("bystander", "1.0.0", List.of("services"), List.of("GET /fetch"),
                                                 requires, route, "").compileOnly(SERVICE, FETCH).build()).status());
        assertEquals(200, enable(kernel, "delegation", "fetcher", List.of("http:egress")).status());
        assertEquals(200, enable(kernel, "delegation", "delegator", List.of("services", "http:egress")).status());
        assertEquals(200, enable(kernel, "delegation", "bystander", List.of("services")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
        upstream.stop(0);
    }

    private static HttpResult fetch(String plugin) {
        return kernel.get("/api/v1/tenants/delegation/" + plugin + "/fetch", kernel.adminToken());
    }

    @Test
    void withdrawingTheConsumersEgressGrantRefusesTheProvidersCallForIt() {
        HttpResult allowed = fetch("delegator");
        assertEquals(200, allowed.status(), allowed.body());
        assertEquals("pong", allowed.json().get("fetched").asText());

        HttpResult revoked = kernel.delete("/api/v1/tenants/delegation/plugins/delegator/grants/http:egress", kernel.adminToken());
        assertEquals(200, revoked.status(), revoked.body());
        assertEquals("enabled", revoked.json().get("state").asText());
        assertEquals("[\"http:egress\"]", revoked.json().get("pendingPermissions").toString());

        int before = requests.get();
        HttpResult refused = fetch("delegator");
        assertEquals(403, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("urn:voicecore:problem:plugin-permission-denied", refused.json().get("type").asText());
        String detail = refused.json().get("detail").asText();
        assertTrue(detail.contains("'delegator'") && detail.contains("'http:egress'") && detail.contains("'fetcher'"), detail);
        assertEquals(before, requests.get(), "nothing reached the network");

        assertEquals(200, enable(kernel, "delegation", "delegator", List.of("services", "http:egress")).status());
        assertEquals("pong", fetch("delegator").json().get("fetched").asText(), "granting it back restores the calls");
    }

    @Test
    void aConsumerThatNeverDeclaredEgressCannotBorrowTheProviders() {
        HttpResult refused = fetch("bystander");
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.json().get("detail").asText().contains("does not declare the permission 'http:egress'"), refused.body());
    }

    @Test
    void onlyDeclaredPermissionsCanBeWithdrawn() {
        HttpResult result = kernel.delete("/api/v1/tenants/delegation/plugins/bystander/grants/secrets", kernel.adminToken());
        assertEquals(404, result.status(), result.body());
        assertEquals("urn:voicecore:problem:permission-not-declared", result.json().get("type").asText());
    }
}
