package io.voicecore.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;

import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test kit against real plugin jars (compiled from source with the kernel's {@link PluginJar}): what it
 * answers must be what the platform answers, and what it refuses must be what the platform refuses.
 */
class PluginTestKitTest {
    static final String MANIFEST = """
            id: probe
            name: Probe
            version: 1.2.3
            vendor: VoiceCore tests
            description: Exercises every part of the test kit.
            main: testkit.probe.Probe
            kernel: ">=0.1.0 <1.0.0"
            permissions:
              - {name: events:publish, reason: reports what it saw}
              - {name: events:subscribe, reason: receives pings}
              - {name: scheduler, reason: a nightly job}
            routes:
              - GET /echo
              - POST /echo
              - GET /problem
              - GET /crash
              - GET /slow
              - GET /config
            streams: ["/talk/{topic}"]
            events:
              publishes: [probe.seen, probe.job-ran, probe.stream-closed]
              subscribes: [probe.ping, probe.fail]
            config:
              label: {type: string, default: unlabelled}
            limits: {timeoutMillis: 300}
            """;
    static final String SOURCE = """
            package testkit.probe;
            import io.voicecore.sdk.*;
            import io.voicecore.sdk.json.Json;
            public class Probe implements Plugin {
                @Override
                public void setup(PluginSetup setup) {
                    setup.route(HttpMethod.GET, "/echo", this::echo);
                    setup.route(HttpMethod.POST, "/echo", this::echo);
                    setup.route(HttpMethod.GET, "/problem", (request, context) -> {
                        throw new PluginProblem(409, "already-there", "It is already there.");
                    });
                    setup.route(HttpMethod.GET, "/crash", (request, context) -> {
                        throw new IllegalStateException("boom");
                    });
                    setup.route(HttpMethod.GET, "/slow", (request, context) -> {
                        long n = 0;
                        while (true) { n++; }
                    });
                    setup.route(HttpMethod.GET, "/config", (request, context) ->
                            Response.ok(Json.object().put("label", context.config().string("label").orElse("?")).build()));
                    setup.onEvent("probe.ping", (event, context) -> context.events().publish("probe.seen",
                            Json.object().put("id", event.id()).put("attempt", event.attempt()).put("payload", event.payload()).build()));
                    setup.onEvent("probe.fail", (event, context) -> { throw new IllegalArgumentException("cannot handle " + event.id()); });
                    setup.stream("/talk/{topic}", new StreamHandler() {
                        @Override
                        public void onOpen(StreamSession session, StreamRequest request, PluginContext context) {
                            session.send(Json.object().put("type", "hello").put("topic", request.pathParam("topic").orElse("?"))
                                    .put("caller", request.caller().role()).put("mood", request.query("mood").orElse("")).build());
                        }

                        @Override
                        public void onMessage(StreamSession session, String text, PluginContext context) {
                            switch (text) {
                                case "crash" -> throw new IllegalStateException("boom");
                                case "problem" -> throw new PluginProblem(409, "already-there", "It is already there.");
                                case "close" -> session.close(4000, "asked to");
                                default -> session.send(Json.object().put("echo", text)
                                        .put("topic", session.request().pathParam("topic").orElse("?")).build());
                            }
                        }

                        @Override
                        public void onClose(StreamSession session, int code, String reason, PluginContext context) {
                            context.events().publish("probe.stream-closed", Json.object().put("stream", session.id())
                                    .put("code", code).put("reason", reason).build());
                        }
                    });
                    setup.job("nightly", "0 3 1 1 *", context -> context.events().publish("probe.job-ran",
                            Json.object().put("tenant", context.tenantId()).build()));
                }

                private Response echo(Request request, PluginContext context) {
                    return Response.ok(Json.object()
                            .put("method", request.method().name())
                            .put("path", request.path())
                            .put("q", Json.array(request.queryParams().getOrDefault("q", java.util.List.of())))
                            .put("header", request.header("X-Probe").orElse(""))
                            .put("body", request.bodyText())
                            .put("tenant", context.tenantId())
                            .put("caller", request.caller().role())
                            .build()).withHeader("X-Echo", "yes");
                }
            }
            """;

    static PluginTestKit kit;

    static PluginJar probe() {
        return PluginJar.named("probe").manifest(MANIFEST).source("testkit.probe.Probe", SOURCE);
    }

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(probe().build()).config(Json.object().put("label", "configured").build())
                .withSecondTenant().start();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void streamsOpenSendReceiveFailAndClose() {
        try (TestStream stream = kit.stream("/talk/weather?mood=sunny")) {
            Json hello = stream.receiveJson();
            assertEquals("hello", hello.get("type").asString());
            assertEquals("weather", hello.get("topic").asString());
            assertEquals("sunny", hello.get("mood").asString());
            assertEquals("platform-admin", hello.get("caller").asString());

            assertEquals("rain", stream.send("rain").receiveJson().get("echo").asString());
            assertEquals("weather", stream.send(Json.object().put("a", 1).build()).receiveJson().get("topic").asString());

            Json crashed = stream.send("crash").receiveJson();
            assertEquals("error", crashed.get("type").asString());
            assertEquals(500L, crashed.get("problem").get("status").asLong());
            assertEquals("urn:voicecore:problem:plugin-failure", crashed.get("problem").get("type").asString());
            Json problem = stream.send("problem").receiveJson().get("problem");
            assertEquals(409L, problem.get("status").asLong());
            assertEquals("urn:voicecore:plugin:probe:already-there", problem.get("type").asString());
            assertTrue(stream.isOpen(), "failed messages leave the stream open");
            assertEquals("still", stream.send("still").receiveJson().get("echo").asString());

            stream.send("close");
            assertEquals(new TestStream.Closure(4000, "asked to"), stream.awaitClose());
            assertThrows(IllegalStateException.class, () -> stream.send("after the close"));
            assertFalse(stream.poll().isPresent(), "nothing is left unread");
        }
        Json closed = awaitEvent("probe.stream-closed", e -> e.get("code").asLong() == 4000);
        assertEquals("asked to", closed.get("reason").asString(), "onClose ran with the plugin's own code and reason");
    }

    @Test
    void aClientCloseReachesThePluginsOnClose() {
        TestStream stream = kit.stream("/talk/bye");
        stream.receiveJson();
        stream.close(4100, "client leaves");
        assertFalse(stream.isOpen());
        Json closed = awaitEvent("probe.stream-closed", e -> e.get("code").asLong() == 4100);
        assertEquals("client leaves", closed.get("reason").asString());
    }

    @Test
    void streamsTheKernelRefusesThrowWithTheProblem() {
        PluginCallException unknown = assertThrows(PluginCallException.class, () -> kit.stream("/nowhere"));
        assertEquals(404, unknown.response().status());
        assertEquals("urn:voicecore:problem:route-not-found", unknown.response().json().get("type").asString());
        assertThrows(IllegalArgumentException.class, () -> kit.stream("talk/x"));
    }

    private static Json awaitEvent(String topic, java.util.function.Predicate<Json> matching) {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            java.util.Optional<Json> found = kit.published(topic).stream().map(Event::payload).filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no " + topic + " event matched within 5 s: " + kit.published(topic));
    }

    @Test
    void routesReceiveMethodPathQueryHeadersBodyAndTheTenant() {
        TestResponse get = kit.get("/echo?q=a+b&q=%C3%A9");
        assertEquals(200, get.status(), get.toString());
        Json echo = get.json();
        assertEquals("GET", echo.get("method").asString());
        assertEquals("/echo", echo.get("path").asString());
        assertEquals(List.of(Json.of("a b"), Json.of("é")), echo.get("q").asList());
        assertEquals(kit.tenantId().toString(), echo.get("tenant").asString());
        assertEquals("platform-admin", echo.get("caller").asString());
        assertEquals(Set.of("Content-Type", "X-Echo", "X-Request-Id"), get.headers().keySet());
        assertEquals("yes", get.header("x-echo").orElseThrow());

        TestResponse post = kit.request(HttpMethod.POST, "/echo", Map.of("X-Probe", "p", "Content-Type", "text/plain"),
                                        "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals("p", post.json().get("header").asString());
        assertEquals("hello", post.json().get("body").asString());

        TestResponse getWithBody = kit.request(HttpMethod.GET, "/echo", Map.of(), "ignored".getBytes(StandardCharsets.UTF_8));
        assertEquals("", getWithBody.json().get("body").asString(), "as over HTTP, a GET body is not passed on");
    }

    @Test
    void problemsAreAnsweredAsTheHttpApiAnswersThem() {
        TestResponse problem = kit.get("/problem");
        assertEquals(409, problem.status());
        assertEquals("application/problem+json", problem.contentType().orElseThrow());
        Json body = problem.json();
        assertEquals("urn:voicecore:plugin:probe:already-there", body.get("type").asString());
        assertEquals("It is already there.", body.get("detail").asString());
        assertEquals(409, body.get("status").asLong());
        assertEquals("/api/v1/tenants/test-tenant/probe/problem", body.get("instance").asString());
        assertEquals(problem.header("X-Request-Id").orElseThrow(), body.get("requestId").asString());

        TestResponse unknown = kit.get("/nowhere");
        assertEquals(404, unknown.status());
        assertEquals("urn:voicecore:problem:route-not-found", unknown.json().get("type").asString());
        TestResponse wrongMethod = kit.delete("/problem");
        assertEquals(404, wrongMethod.status());
        assertTrue(wrongMethod.json().get("detail").asString().contains("does not serve DELETE"), wrongMethod.toString());

        TestResponse tooLarge = kit.post("/echo", Json.object().put("big", "x".repeat(1_100_000)).build());
        assertEquals(413, tooLarge.status());
        assertEquals("urn:voicecore:problem:payload-too-large", tooLarge.json().get("type").asString());
    }

    @Test
    void faultsAndTimeoutsAreContainedWithoutLeakingTheCause() {
        TestResponse crash = kit.secondTenant().get("/crash");
        assertEquals(500, crash.status());
        assertEquals("urn:voicecore:problem:plugin-failure", crash.json().get("type").asString());
        assertTrue(crash.json().get("detail").asString().contains(crash.header("X-Request-Id").orElseThrow()), crash.toString());
        assertFalse(crash.body().contains("boom"), "the exception message stays in the log");

        long start = System.nanoTime();
        TestResponse slow = kit.secondTenant().get("/slow");
        assertEquals(504, slow.status(), slow.toString());
        assertEquals("urn:voicecore:problem:plugin-timeout", slow.json().get("type").asString());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "stopped at its 300 ms deadline");
    }

    @Test
    void eventsAreDeliveredToTheHandlerAndWhatItPublishesIsVisible() {
        Event ping = kit.deliver("probe.ping", Json.object().put("n", 1).build());
        kit.deliver(new Event(ping.id(), ping.topic(), ping.tenantId(), ping.publisher(), ping.payload(), ping.occurredAt(), 2));
        List<Event> seen = kit.published("probe.seen").stream()
                .filter(e -> e.payload().get("id").asString().equals(ping.id())).toList();
        assertEquals(2, seen.size(), seen.toString());
        assertEquals(List.of(1L, 2L), seen.stream().map(e -> e.payload().get("attempt").asLong()).toList());
        assertEquals(1, seen.get(0).payload().get("payload").get("n").asLong());
        assertEquals("probe", seen.get(0).publisher());
        assertEquals(List.of(), kit.secondTenant().published("probe.seen").stream()
                .filter(e -> e.payload().get("id").asString().equals(ping.id())).toList(), "published for one tenant only");

        PluginCallException failed = assertThrows(PluginCallException.class, () -> kit.deliver("probe.fail", Json.NULL));
        assertEquals(500, failed.response().status());
        assertEquals(IllegalArgumentException.class, failed.getCause().getClass());
        assertTrue(failed.getCause().getMessage().startsWith("cannot handle"), failed.getCause().getMessage());

        IllegalStateException notSubscribed = assertThrows(IllegalStateException.class, () -> kit.deliver("probe.seen", Json.NULL));
        assertTrue(notSubscribed.getMessage().contains("events.subscribes"), notSubscribed.getMessage());
    }

    @Test
    void jobsRunOnRequestForTheirTenant() {
        int before = kit.secondTenant().published("probe.job-ran").size();
        kit.secondTenant().runJob("nightly");
        List<Event> ran = kit.secondTenant().published("probe.job-ran");
        assertEquals(before + 1, ran.size());
        assertEquals(kit.secondTenant().id().toString(), ran.get(ran.size() - 1).payload().get("tenant").asString());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> kit.runJob("weekly"));
        assertTrue(unknown.getMessage().contains("[nightly]"), unknown.getMessage());
    }

    @Test
    void configurationIsPerTenantAndValidated() {
        assertEquals("configured", kit.get("/config").json().get("label").asString(), "set by the builder");
        assertEquals("unlabelled", kit.secondTenant().get("/config").json().get("label").asString(), "the default");
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> kit.secondTenant().setConfig(Json.object().put("colour", "red").build()));
        assertTrue(invalid.getMessage().contains("colour"), invalid.getMessage());
    }

    @Test
    void theKitDescribesThePluginAndItsTenants() {
        assertEquals("probe", kit.pluginId());
        assertEquals("1.2.3", kit.pluginVersion());
        assertEquals(Set.of("events:publish", "events:subscribe", "scheduler"), kit.tenant().granted());
        assertEquals("test-tenant", kit.tenant().slug());
        assertFalse(kit.tenantId().equals(kit.secondTenant().id()));
    }

    @Test
    void aClassesDirectoryIsPackedAndAWithheldGrantIsEnforced() throws IOException {
        Path classes = Files.createTempDirectory("probe-classes");
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(probe().bytes()))) {
            for (JarEntry entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                Path file = classes.resolve(entry.getName());
                Files.createDirectories(file.getParent());
                Files.write(file, jar.readAllBytes());
            }
        }
        try (PluginTestKit withheld = PluginTestKit.builder(classes).grants("events:subscribe", "scheduler").start()) {
            assertEquals(200, withheld.get("/echo").status());
            PluginCallException denied = assertThrows(PluginCallException.class, () -> withheld.deliver("probe.ping", Json.NULL));
            assertEquals(403, denied.response().status());
            assertEquals("urn:voicecore:problem:plugin-permission-denied", denied.response().json().get("type").asString());
            assertTrue(denied.response().json().get("detail").asString().contains("events:publish"), denied.toString());
            assertThrows(IllegalStateException.class, withheld::secondTenant);
        }
        assertThrows(IllegalArgumentException.class, () -> PluginTestKit.builder(classes).grants("storage").start(),
                     "a grant the manifest does not declare");
    }

    @Test
    void aPluginTheVerifierRefusesIsNotStartedAndEveryViolationIsListed() {
        Path jar = PluginJar.named("escapes").manifest(MANIFEST.replace("id: probe", "id: escapes"))
                .source("testkit.probe.Probe", SOURCE.replace("long n = 0;", "System.exit(1); String home = System.getenv(\"HOME\"); long n = 0;"))
                .build();
        PluginRefusedException refused = assertThrows(PluginRefusedException.class, () -> PluginTestKit.start(jar));
        assertEquals("verification", refused.reason());
        assertTrue(refused.getMessage().contains("java/lang/System.exit"), refused.getMessage());
        assertTrue(refused.getMessage().contains("java/lang/System.getenv"), refused.getMessage());
        assertEquals(2, refused.findings().size(), refused.findings().toString());
        assertEquals("testkit/probe/Probe", String.valueOf(refused.findings().get(0).get("class")).replace('.', '/'));
    }

    @Test
    void anInvalidManifestIsRefusedWithEveryError() {
        Path jar = PluginJar.named("bad-manifest").manifest(MANIFEST.replace("version: 1.2.3", "version: one")
                        .replace("id: probe", "id: Probe")).source("testkit.probe.Probe", SOURCE).build();
        PluginRefusedException refused = assertThrows(PluginRefusedException.class, () -> PluginTestKit.start(jar));
        assertEquals("manifest", refused.reason());
        List<Object> fields = refused.findings().stream().map(f -> f.get("field")).toList();
        assertTrue(fields.containsAll(List.of("id", "version")), refused.getMessage());
    }

    @Test
    void closeStopsTheDatabaseAndDeletesTheTemporaryFiles() throws IOException {
        Set<Path> before = kitDirectories();
        PluginTestKit started = PluginTestKit.start(probe().build());
        Set<Path> during = kitDirectories();
        during.removeAll(before);
        assertEquals(1, during.size(), "one data directory: " + during);
        Path data = during.iterator().next();
        assertTrue(Files.isDirectory(data.resolve("postgres")), "the embedded PostgreSQL lives there");
        started.close();
        assertFalse(Files.exists(data), data + " is deleted");
        started.close(); // a second close is harmless
    }

    private static Set<Path> kitDirectories() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("voicecore-plugin-testkit"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }
}
