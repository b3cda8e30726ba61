package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What keeps a plugin stream in bounds beyond its plugin's own checks: browsers' pages of other sites cannot open
 * one (Origin), a stream and its ticket live no longer than the credential they were opened with, and a client
 * sending faster than its per-stream message rate is closed.
 */
class StreamSafeguardsTest {
    static final int MESSAGES_PER_SECOND = 20;
    static final String CONSOLE = "https://console.example.test";
    static TestKernel kernel;
    static String admin;

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder()
                .set("plugins.streams.allowed-origins", CONSOLE + "/, https://other-console.example.test")
                .set("plugins.streams.max-messages-per-second", Integer.toString(MESSAGES_PER_SECOND)).start();
        admin = kernel.adminToken();
        assertEquals(201, install(kernel, PluginStreamsTest.streamer("1.0.0").build()).status());
        kernel.createTenant("guarded");
        assertEquals(200, enable(kernel, "guarded", "streamer", List.of("storage")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    private static URI ws(String room) {
        return URI.create("ws://127.0.0.1:" + kernel.port() + "/api/v1/tenants/guarded/streamer/rooms/" + room + "/echo");
    }

    private static String[] newKey() {
        HttpResult created = kernel.post("/api/v1/tenants/guarded/api-keys", admin, Map.of("name", "streams", "role", "tenant-user"));
        assertEquals(201, created.status(), created.body());
        return new String[] {created.json().get("id").asText(), created.json().get("secret").asText()};
    }

    private static String ticket(String token) {
        HttpResult issued = kernel.post("/api/v1/tenants/guarded/stream-tickets", token, "{}");
        assertEquals(201, issued.status(), issued.body());
        return issued.json().get("ticket").asText();
    }

    @Test
    void aPageOfAnotherOriginIsRefusedBeforeTheUpgradeAndUsesUpNoTicket() {
        String ticket = ticket(admin);
        WsClient.Handshake foreign = WsClient.connectWithHeaders(URI.create(ws("a") + "?ticket=" + ticket),
                                                                 Map.of("Origin", "https://evil.example"));
        assertEquals(403, foreign.status(), foreign.body());
        JsonNode problem = foreign.problem();
        assertEquals("urn:voicecore:problem:origin-not-allowed", problem.get("type").asText());
        assertTrue(problem.get("detail").asText().contains("plugins.streams.allowed-origins"), problem.toString());

        for (Map<String, String> headers : List.of(Map.of("Origin", CONSOLE), Map.of("Origin", "https://other-console.example.test"),
                                                   Map.<String, String>of())) {
            String fresh = headers.equals(Map.of("Origin", CONSOLE)) ? ticket : ticket(admin);
            try (WsClient client = WsClient.connectWithHeaders(URI.create(ws("b") + "?ticket=" + fresh), headers).open()) {
                assertEquals("hello", client.nextJson().get("type").asText(), headers.toString());
            }
        }
        assertEquals(403, WsClient.connectWithHeaders(ws("c"), Map.of("Origin", "null", "Authorization", "Bearer " + admin)).status(),
                     "a page without an origin (a sandboxed frame, a file) is refused too");
        assertEquals(403, WsClient.connectWithHeaders(ws("c"), Map.of("Origin", "http://127.0.0.1:" + kernel.port(),
                                                                      "Authorization", "Bearer " + admin)).status(),
                     "with origins listed, exactly those: the API's own is not added");
    }

    @Test
    void aTicketOfARevokedKeyOpensNothing() {
        String[] key = newKey();
        String ticket = ticket(key[1]);
        assertEquals(200, kernel.delete("/api/v1/tenants/guarded/api-keys/" + key[0], admin).status());

        WsClient.Handshake refused = WsClient.connect(URI.create(ws("d") + "?ticket=" + ticket), null);
        assertEquals(401, refused.status(), refused.body());
        assertEquals("urn:voicecore:problem:credentials-revoked", refused.problem().get("type").asText());
    }

    @Test
    void anOpenStreamEndsWhenItsKeyIsRevoked() {
        String[] key = newKey();
        try (WsClient byHeader = WsClient.connect(ws("e"), key[1]).open();
             WsClient byTicket = WsClient.connect(URI.create(ws("f") + "?ticket=" + ticket(key[1])), null).open();
             WsClient otherKey = WsClient.connect(ws("g"), newKey()[1]).open()) {
            byHeader.nextJson();
            byTicket.nextJson();
            otherKey.nextJson();
            assertEquals(200, kernel.delete("/api/v1/tenants/guarded/api-keys/" + key[0], admin).status());

            assertEquals(new WsClient.Closure(4401, "credentials-revoked"), byHeader.awaitClose());
            assertEquals(new WsClient.Closure(4401, "credentials-revoked"), byTicket.awaitClose());
            assertEquals("still here", otherKey.send("still here").nextJson().get("text").asText(), "another key's stream stays");
        }
    }

    @Test
    void anOpenStreamEndsWhenItsSessionEnds() {
        kernel.createUser("guarded", "streamer@example.test", "a long enough password 1", "tenant-user");
        String session = kernel.login("guarded", "streamer@example.test", "a long enough password 1");
        try (WsClient client = WsClient.connect(URI.create(ws("h") + "?ticket=" + ticket(session)), null).open()) {
            client.nextJson();
            String unused = ticket(session);
            HttpResult loggedOut = kernel.post("/api/v1/auth/logout", session, "{}");
            assertTrue(loggedOut.status() / 100 == 2, loggedOut.toString());
            assertEquals(new WsClient.Closure(4401, "credentials-revoked"), client.awaitClose());
            assertEquals(401, WsClient.connect(URI.create(ws("h") + "?ticket=" + unused), null).status());
        }
    }

    @Test
    void aClientSendingFasterThanItsMessageRateIsClosedWith1008() {
        try (WsClient client = WsClient.connect(ws("fast"), admin).open()) {
            client.nextJson();
            // A burst of one second's allowance passes; the messages beyond it, sent at once, do not.
            for (int i = 0; i < MESSAGES_PER_SECOND * 3; i++) {
                try {
                    client.send("m" + i);
                } catch (java.util.concurrent.CompletionException closedMeanwhile) {
                    break; // the kernel closed the stream while the burst was still being sent
                }
            }
            WsClient.Closure closure = client.awaitClose();
            assertEquals(new WsClient.Closure(1008, "message-rate-exceeded"), closure);
        }
        try (WsClient client = WsClient.connect(ws("steady"), admin).open()) {
            client.nextJson();
            // Half the rate, for a while, stays open.
            for (int i = 0; i < MESSAGES_PER_SECOND; i++) {
                assertEquals("s" + i, client.send("s" + i).nextJson().get("text").asText());
                sleep(1000 / (MESSAGES_PER_SECOND / 2));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
