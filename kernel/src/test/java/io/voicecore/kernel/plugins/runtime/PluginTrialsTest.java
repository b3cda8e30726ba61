package io.voicecore.kernel.plugins.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.plugins.install.JarPluginInspector;
import io.voicecore.kernel.plugins.install.PluginLoadException;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trial runs: a jar that is not installed starts, answers its routes for a throw-away tenant and stops, with no
 * database; a plugin that throws or hangs while starting, answering or stopping is contained and leaves no thread
 * behind.
 */
class PluginTrialsTest {
    private static final ManifestParser MANIFESTS = new ManifestParser();
    private static Path workDir;
    private static PluginTrials trials;

    @BeforeAll
    static void start() {
        workDir = TestKernel.tempDir("plugin-trials");
        trials = new PluginTrials(workDir, new PluginTrials.Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 64L << 20, 4));
    }

    @AfterAll
    static void stop() {
        trials.close();
    }

    private static PluginTrials.Trial start(PluginJar jar) {
        byte[] bytes = jar.bytes();
        return trials.start(MANIFESTS.parse(JarPluginInspector.manifestText(bytes)), bytes);
    }

    private static PluginJar plugin(String id, List<String> permissions, List<String> routes, String setup, String members) {
        return TestPlugins.plugin(id, "1.0.0", permissions, routes, """
                config:
                  greeting:
                    type: string
                    default: hello
                """, setup, members);
    }

    private static String body(PluginTrials.Call call) {
        return new String(call.response().orElseThrow().body(), StandardCharsets.UTF_8);
    }

    @Test
    void aJarStartsAnswersForAThrowAwayTenantWithDefaultConfigurationAndStops() {
        PluginTrials.Trial trial = start(plugin("trial-greeter", List.of("storage"), List.of("GET /hello", "POST /visits"), """
                setup.route(HttpMethod.GET, "/hello", (request, context) -> Response.ok(Json.object()
                        .put("greeting", context.config().string("greeting").orElseThrow())
                        .put("tenant", context.tenantId()).build()));
                setup.route(HttpMethod.POST, "/visits", (request, context) -> {
                    context.storage().update("INSERT INTO visits (tenant_id) VALUES (?)", Storage.TENANT);
                    return Response.created(request.json());
                });
                """, ""));

        PluginTrials.Call hello = trial.call(HttpMethod.GET, "/hello", new byte[0]);
        assertEquals(200, hello.response().orElseThrow().status());
        assertEquals("{\"greeting\":\"hello\",\"tenant\":\"" + trial.tenantId() + "\"}", body(hello));
        assertEquals(Set.of(), hello.unavailable());

        PluginTrials.Call visit = trial.call(HttpMethod.POST, "/visits", "{}".getBytes(StandardCharsets.UTF_8));
        PermissionDeniedException refused = assertInstanceOf(PermissionDeniedException.class, visit.failure().orElseThrow());
        assertEquals("storage", refused.permission());
        assertEquals(403, refused.status());
        assertEquals(Set.of("storage"), visit.unavailable());

        trial.stop();
        assertEquals(List.of(), trialFolders(), "the trial's folder is gone");
    }

    @Test
    void aPluginWhoseSetupThrowsDoesNotStart() {
        PluginLoadException failure = assertThrows(PluginLoadException.class, () -> start(plugin("trial-throws", List.of(), List.of(),
                "throw new IllegalStateException(\"no configuration\");", "")));

        assertTrue(failure.getMessage().contains("could not start: no configuration"), failure.getMessage());
        assertEquals(List.of(), trialFolders());
    }

    @Test
    void aPluginThatHangsInSetupARouteOrStopIsCutOffAndLeavesNoThreadBehind() throws InterruptedException {
        PluginLoadException setup = assertThrows(PluginLoadException.class, () -> start(plugin("trial-hangs", List.of(), List.of(),
                "while (true) { }", "")));
        assertTrue(setup.getMessage().contains("did not answer setup() within 1000 ms"), setup.getMessage());

        PluginTrials.Trial trial = start(plugin("trial-slow", List.of(), List.of("GET /spin"), """
                setup.route(HttpMethod.GET, "/spin", (request, context) -> {
                    while (true) {
                    }
                });
                """, """
                @Override
                public void stop() {
                    long n = 0;
                    while (n >= 0) {
                        n++;
                    }
                }
                """));
        PluginTrials.Call spin = trial.call(HttpMethod.GET, "/spin", new byte[0]);
        PluginCallFailure timeout = assertInstanceOf(PluginCallFailure.class, spin.failure().orElseThrow());
        assertEquals(PluginCallFailure.Kind.TIMEOUT, timeout.kind());
        PluginCallFailure stop = assertThrows(PluginCallFailure.class, trial::stop);
        assertEquals(PluginCallFailure.Kind.TIMEOUT, stop.kind());

        awaitNoActiveThreads();
        PluginTrials.Trial next = start(plugin("trial-after", List.of(), List.of("GET /ok"),
                "setup.route(HttpMethod.GET, \"/ok\", (request, context) -> Response.ok(Json.object().build()));", ""));
        assertEquals(200, next.call(HttpMethod.GET, "/ok", new byte[0]).response().map(Response::status).orElseThrow());
        next.close();
        assertEquals(List.of(), trialFolders(), "no trial folder is left");
    }

    private static void awaitNoActiveThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (trials.activeThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, trials.activeThreads(), "the guard ended the code that overran its deadline");
    }

    private static List<Path> trialFolders() {
        try (Stream<Path> folders = Files.list(workDir)) {
            return folders.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aManifestIsWhatTheTrialRuns() {
        PluginJar jar = plugin("trial-manifest", List.of(), List.of(), "", "");
        PluginManifest manifest = MANIFESTS.parse(JarPluginInspector.manifestText(jar.bytes()));
        try (PluginTrials.Trial trial = trials.start(manifest, jar.bytes())) {
            assertEquals(manifest, trial.manifest());
        }
    }
}
