package io.voicecore.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.json.Json;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The recorder keeps the newest calls only, newest first, while the profile counts every call. */
class CallRecorderTest {
    static final PluginManifest HELLO = new ManifestParser().parse("""
            id: hello
            name: Hello
            version: 1.0.0-dev.1
            vendor: tests
            description: a test plugin
            main: sample.Main
            kernel: ">=0.1.0 <1.0.0"
            routes:
              - GET /guests/{id}
              - GET /greeting
            """);

    static PluginCall call(PluginManifest manifest) {
        return new PluginCall(UUID.randomUUID(), manifest, Set.of(), Optional.of(new Caller("test", "tenant-admin")), UUID.randomUUID().toString());
    }

    @Property(tries = 50)
    void theRingKeepsTheNewestCallsAndTheProfileCountsThemAll(@ForAll @IntRange(min = 1, max = 40) int capacity,
                                                             @ForAll @IntRange(min = 0, max = 120) int calls) {
        CallRecorder recorder = new CallRecorder("hello"::equals, capacity);
        for (int i = 0; i < calls; i++) {
            PluginCall call = call(HELLO);
            recorder.callStarted(call, "route GET /guests/" + i);
            recorder.statement(call, "SELECT 1", List.of(i), 1, 1_000, Optional.empty());
            recorder.callEnded(call, "route GET /guests/" + i, Optional.of(Response.ok(Json.object().build())), Optional.empty(), 2_000_000, 10);
        }
        List<Map<String, Object>> kept = recorder.calls(Optional.empty(), Optional.empty(), SandboxExtension.MAX_LIMIT);
        assertEquals(Math.min(capacity, calls), kept.size());
        for (int i = 1; i < kept.size(); i++) {
            assertTrue((long) kept.get(i - 1).get("id") > (long) kept.get(i).get("id"), "newest first");
        }
        if (calls > 0) {
            assertEquals((long) calls, kept.getFirst().get("id"));
            Map<String, Object> profile = recorder.profile().getFirst();
            assertEquals("GET /guests/{id}", profile.get("route"), "calls are grouped by their route template");
            assertEquals(calls, profile.get("count"));
            assertEquals((long) calls, profile.get("sqlCount"));
        } else {
            assertEquals(List.of(), recorder.profile());
        }
    }

    @Test
    void otherPluginsAreNotRecordedButServicesOnBehalfOfTheWatchedOneAre() {
        CallRecorder recorder = new CallRecorder("hello"::equals, 10);
        PluginManifest other = new ManifestParser().parse("""
                id: other
                name: Other
                version: 1.0.0
                vendor: tests
                description: another plugin
                main: sample.Main
                kernel: ">=0.1.0 <1.0.0"
                """);
        PluginCall unwatched = call(other);
        recorder.callStarted(unwatched, "route GET /x");
        recorder.callEnded(unwatched, "route GET /x", Optional.empty(), Optional.empty(), 1, 1);

        PluginCall watched = call(HELLO);
        PluginCall service = new PluginCall(watched.tenantId(), other, Set.of(), watched.caller(), watched.requestId(), Optional.of(watched));
        recorder.callStarted(watched, "route GET /greeting");
        recorder.statement(service, "SELECT name FROM other", List.of(), 3, 5_000, Optional.empty());
        recorder.refused(service, "permission", "not granted");
        recorder.callEnded(watched, "route GET /greeting", Optional.empty(),
                           Optional.of(PluginCallFailure.quarantined("hello", "too many faults", 30)), 9_000_000, 100);

        List<Map<String, Object>> kept = recorder.calls(Optional.empty(), Optional.empty(), 10);
        assertEquals(1, kept.size());
        Map<String, Object> entry = kept.getFirst();
        assertEquals(503, entry.get("status"));
        assertEquals(1, ((List<?>) entry.get("sql")).size());
        List<?> guards = (List<?>) entry.get("guards");
        assertEquals(2, guards.size(), guards.toString());
        assertTrue(guards.toString().contains("quarantine") && guards.toString().contains("permission"), guards.toString());
    }
}
