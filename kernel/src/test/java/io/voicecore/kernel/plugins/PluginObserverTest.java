package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static io.voicecore.kernel.plugins.TestPlugins.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A kernel built with an extension that observes plugin calls reports, for one route call, its start and end with the
 * plugin's response, each SQL statement with its parameters and rows, the outbound request with its status, the
 * published event, the log line and the guard's refusal, all under the same call; two observing extensions are refused.
 */
class PluginObserverTest {
    /** What the observer heard, one line per report, in order. */
    static final List<String> heard = new CopyOnWriteArrayList<>();
    static TestKernel kernel;
    static HttpServer remote;

    static final class Recording implements PluginObserver {
        private volatile PluginCall current;

        @Override
        public void callStarted(PluginCall call, String what) {
            current = call;
            heard.add("start " + call.pluginId() + " " + what);
        }

        @Override
        public void callEnded(PluginCall call, String what, Optional<Object> result, Optional<Throwable> failure, long nanos,
                              long allocatedBytes) {
            heard.add("end " + same(call) + " " + result.map(r -> ((Response) r).status()).orElse(-1) + " " + failure.isPresent()
                      + " " + (nanos > 0) + " " + (allocatedBytes > 0));
        }

        @Override
        public void statement(PluginCall call, String sql, List<Object> parameters, int rows, long nanos, Optional<Throwable> failure) {
            heard.add("sql " + same(call) + " " + sql + " " + parameters.stream().filter(p -> p instanceof String).toList() + " rows=" + rows);
        }

        @Override
        public void egress(PluginCall call, EgressRequest request, Optional<EgressResponse> response, long nanos, Optional<Throwable> failure) {
            heard.add("egress " + same(call) + " " + request.method() + " " + request.uri().getPath() + " "
                      + response.map(EgressResponse::status).orElse(-1));
        }

        @Override
        public void published(PluginCall call, String topic, Json payload) {
            heard.add("published " + same(call) + " " + topic + " " + payload);
        }

        @Override
        public void logged(PluginCall call, String level, String message) {
            heard.add("log " + same(call) + " " + level + " " + message);
        }

        @Override
        public void refused(PluginCall call, String guard, String detail) {
            heard.add("refused " + same(call) + " " + guard);
        }

        private boolean same(PluginCall call) {
            return call == current;
        }
    }

    static KernelExtension observing(String name) {
        Recording observer = new Recording();
        return new KernelExtension() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PluginObserver pluginObserver() {
                return observer;
            }

            @Override
            public void start(KernelServices services) {
            }

            @Override
            public void registerRoutes(ApiRoutes api) {
            }
        };
    }

    @BeforeAll
    static void start() throws IOException {
        remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        remote.createContext("/ping", exchange -> {
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        remote.start();
        kernel = TestKernel.builder().extensions(List.of(observing("observer"))).start();
        kernel.createTenant("observed");
        String url = "http://127.0.0.1:" + remote.getAddress().getPort() + "/ping";
        String route = """
                setup.route(HttpMethod.GET, "/all", (request, context) -> {
                    context.storage().update("INSERT INTO notes (tenant_id, text) VALUES (?, ?)", Storage.TENANT, "first");
                    int notes = context.storage().query("SELECT text FROM notes").size();
                    int status = context.http().send(EgressRequest.get(java.net.URI.create("%s"))).status();
                    context.events().publish("watched.done", Json.object().put("notes", notes).build());
                    context.log().info("did it all");
                    try {
                        context.secrets().get("token");
                    } catch (PermissionDeniedException refused) {
                        // the guard's verdict is observed even though the plugin carries on
                    }
                    return Response.json(200, Json.object().put("status", status).build());
                });
                """.formatted(url);
        HttpResult installed = install(kernel, plugin("watched", "1.0.0", List.of("storage", "http:egress", "events:publish"),
                List.of("GET /all"), "egress:\n  hosts: [127.0.0.1]\nevents:\n  publishes: [watched.done]\n", route, "")
                .resource("db/migration/V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL, text text NOT NULL);").build());
        assertEquals(201, installed.status(), installed.body());
        assertEquals(200, enable(kernel, "observed", "watched", List.of("storage", "http:egress", "events:publish")).status());
    }

    @AfterAll
    static void stop() {
        kernel.close();
        remote.stop(0);
    }

    @Test
    void everythingOneCallDoesIsReportedUnderThatCall() {
        heard.clear();
        HttpResult answered = kernel.get("/api/v1/tenants/observed/watched/all", kernel.adminToken());
        assertEquals(200, answered.status(), answered.body());

        assertEquals(List.of(
                "start watched route GET /all",
                "sql true INSERT INTO notes (tenant_id, text) VALUES (?, ?) [first] rows=1",
                "sql true SELECT text FROM notes [] rows=1",
                "egress true GET /ping 200",
                "published true watched.done {\"notes\":1}",
                "log true INFO did it all",
                "refused true permission",
                "end true 200 false true true"), heard);
    }

    @Test
    void onlyOneExtensionMayObserve() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
                TestKernel.builder().extensions(List.of(observing("first"), observing("second"))).start().close());
        assertTrue(refused.getMessage().contains("first") && refused.getMessage().contains("second"), refused.getMessage());
    }
}
