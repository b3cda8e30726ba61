package io.voicecore.kernel.plugins.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.sandbox.PluginInvoker;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls run in place, on the thread that makes them ({@link PluginInvoker#inPlaceThreads}, the threads the HTTP server
 * serves its connections on), are contained as calls handed to the pool are: the guard stops a loop at the deadline and
 * an allocation past the quota, the watchdog interrupts a call waiting past its deadline, the per-tenant concurrency
 * limit holds, and the thread goes on serving with no interrupt left over and no budget of the call.
 */
class InPlaceCallsTest {
    static final UUID TENANT = UUID.randomUUID();
    static final String ROUTES = "GET /spin, GET /sleep, GET /hoard, GET /double, GET /hello, GET /wait, GET /swallow";
    static PluginInvoker invoker;
    static ExecutorService inPlace;
    static LoadedVersion version;

    @BeforeAll
    static void start() {
        invoker = new PluginInvoker(4);
        inPlace = Executors.newThreadPerTaskExecutor(invoker.inPlaceThreads("in-place-test-"));
        PluginLoader loader = new PluginLoader(TestKernel.tempDir("in-place-calls"), invoker,
                                               new PluginInvoker.Limits(Duration.ofSeconds(10), 4, 64L << 20));
        List<String> routes = List.of(ROUTES.split(", "));
        PluginJar jar = TestPlugins.plugin("inplace", "1.0.0", List.of(), routes, "", """
                setup.route(HttpMethod.GET, "/spin", (request, context) -> { long n = 0; while (true) { n++; } });
                setup.route(HttpMethod.GET, "/sleep", (request, context) -> { Thread.sleep(60_000); return Response.noContent(); });
                setup.route(HttpMethod.GET, "/swallow", (request, context) -> {
                    try { Thread.sleep(60_000); } catch (InterruptedException ignored) { }
                    return Response.text(200, "text/plain", "woke up");
                });
                setup.route(HttpMethod.GET, "/hoard", (request, context) -> {
                    List<byte[]> hoard = new ArrayList<>();
                    while (true) { hoard.add(new byte[1 << 16]); }
                });
                setup.route(HttpMethod.GET, "/double", (request, context) -> {
                    String text = "0123456789abcdef";
                    while (true) { text = text + text; }
                });
                setup.route(HttpMethod.GET, "/hello", (request, context) -> Response.text(200, "text/plain", "hello"));
                setup.route(HttpMethod.GET, "/wait", (request, context) -> {
                    gate.await();
                    return Response.text(200, "text/plain", "released");
                });
                """, "public static final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);");
        byte[] bytes = jar.bytes();
        PluginManifest manifest = new ManifestParser().parse(TestPlugins.manifest("inplace", "1.0.0", List.of(), routes, ""));
        version = loader.load(manifest, bytes, Sha256.hex(bytes), Map.of());
    }

    @AfterAll
    static void stop() {
        inPlace.shutdownNow();
        invoker.close();
    }

    private static String call(String path, PluginInvoker.Limits limits) {
        Request request = Request.of(HttpMethod.GET, path, Map.of(), Map.of(), Map.of(), new byte[0], new Caller("tests", "platform-admin"));
        RouteTable.Match match = version.routes().match(HttpMethod.GET, path).orElseThrow();
        Response response = invoker.invoke(TENANT, version.manifest(), version.classLoader(), limits, "GET " + path,
                                           () -> match.entry().handler().handle(request, null), failure -> { });
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** What a call made on an in-place thread ended with, and on which thread its plugin code ran. */
    private record Outcome(String answer, PluginCallFailure failure, String callThread, boolean interruptedAfter, long millis) {
    }

    private static Outcome inPlace(String path, PluginInvoker.Limits limits) throws Exception {
        return inPlace.submit(() -> {
            long started = System.nanoTime();
            String answer = null;
            PluginCallFailure failure = null;
            try {
                answer = call(path, limits);
            } catch (PluginCallFailure e) {
                failure = e;
            }
            return new Outcome(answer, failure, Thread.currentThread().getName(), Thread.currentThread().isInterrupted(),
                               (System.nanoTime() - started) / 1_000_000);
        }).get(30, TimeUnit.SECONDS);
    }

    private static PluginInvoker.Limits limits(Duration timeout, long quota) {
        return new PluginInvoker.Limits(timeout, 2, quota);
    }

    @Test
    void anOrdinaryCallAnswersOnTheCallingThread() throws Exception {
        Outcome outcome = inPlace("/hello", limits(Duration.ofSeconds(5), 64L << 20));
        assertEquals("hello", outcome.answer());
        assertTrue(outcome.callThread().startsWith("in-place-test-"), outcome.callThread());
        assertEquals(0, invoker.activeThreads(), "no call is left running, in place or pooled");
    }

    @Test
    void aLoopIsStoppedAtItsDeadline() throws Exception {
        Outcome outcome = inPlace("/spin", limits(Duration.ofMillis(300), 64L << 20));
        assertEquals(PluginCallFailure.Kind.TIMEOUT, outcome.failure().kind(), String.valueOf(outcome));
        assertTrue(outcome.millis() < 3_000, outcome.millis() + " ms");
        assertFalse(outcome.interruptedAfter(), "no interrupt is left on the thread");
    }

    @Test
    void aWaitingCallIsInterruptedAtItsDeadlineAndTheThreadServesOnCleanly() throws Exception {
        for (String path : List.of("/sleep", "/swallow")) {
            Outcome outcome = inPlace(path, limits(Duration.ofMillis(300), 64L << 20));
            assertEquals(PluginCallFailure.Kind.TIMEOUT, outcome.failure().kind(), path + ": " + outcome);
            assertTrue(outcome.millis() < 3_000, path + " answered after " + outcome.millis() + " ms");
            assertFalse(outcome.interruptedAfter(), path + ": the watchdog's interrupt was cleared when the call ended");
        }
        assertEquals("hello", inPlace("/hello", limits(Duration.ofSeconds(5), 64L << 20)).answer());
    }

    @Test
    void allocationPastTheQuotaIsStoppedCloseToIt() throws Exception {
        for (String path : List.of("/hoard", "/double")) {
            Outcome outcome = inPlace(path, limits(Duration.ofSeconds(20), 32L << 20));
            assertEquals(PluginCallFailure.Kind.MEMORY, outcome.failure().kind(), path + ": " + outcome);
            assertTrue(outcome.millis() < 10_000, path + " was stopped by the quota, not the deadline");
        }
    }

    @Test
    void theConcurrencyLimitHoldsForCallsInPlace() throws Exception {
        PluginInvoker.Limits limits = limits(Duration.ofSeconds(20), 64L << 20);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        List<CompletableFuture<Outcome>> waiting = List.of(
                CompletableFuture.supplyAsync(() -> uncheckedInPlace("/wait", limits), callers),
                CompletableFuture.supplyAsync(() -> uncheckedInPlace("/wait", limits), callers));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (invoker.activeThreads() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, invoker.activeThreads(), "both calls run, in place");
        Outcome third = inPlace("/hello", limits);
        assertEquals(PluginCallFailure.Kind.BUSY, third.failure().kind(), "a third call of the tenant is refused: " + third);
        ((CountDownLatch) version.classLoader().loadClass("testplugin.inplace.Main").getField("gate").get(null)).countDown();
        for (CompletableFuture<Outcome> call : waiting) {
            assertEquals("released", call.get(20, TimeUnit.SECONDS).answer());
        }
        assertEquals("hello", inPlace("/hello", limits).answer(), "the permits were given back");
        callers.close();
    }

    private static Outcome uncheckedInPlace(String path, PluginInvoker.Limits limits) {
        try {
            return inPlace(path, limits);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anotherInvokersCallOnAnInPlaceThreadIsHandedToItsOwnPool() throws Exception {
        try (PluginInvoker other = new PluginInvoker(2)) {
            String thread = inPlace.submit(() -> other.invoke(TENANT, version.manifest(), version.classLoader(),
                    limits(Duration.ofSeconds(5), 64L << 20), "other", () -> Thread.currentThread().getName(), failure -> { }))
                    .get(30, TimeUnit.SECONDS);
            assertTrue(thread.startsWith("plugin-call-"), "only this invoker's watchdog watches its in-place threads: " + thread);
        }
    }

    @Test
    void aCallMadeInsideACallInPlaceIsHandedToThePool() throws Exception {
        PluginInvoker.Limits limits = limits(Duration.ofSeconds(5), 64L << 20);
        String[] innerThread = new String[1];
        String outer = inPlace.submit(() -> invoker.invoke(TENANT, version.manifest(), version.classLoader(), limits, "outer", () -> {
            invoker.invoke(UUID.randomUUID(), version.manifest(), version.classLoader(), limits, "inner", () -> {
                innerThread[0] = Thread.currentThread().getName();
                return null;
            }, failure -> { });
            return Thread.currentThread().getName();
        }, failure -> { })).get(30, TimeUnit.SECONDS);
        assertTrue(outer.startsWith("in-place-test-"), outer);
        assertTrue(innerThread[0].startsWith("plugin-call-"), "the inner call has a thread and budget of its own: " + innerThread[0]);
    }
}
