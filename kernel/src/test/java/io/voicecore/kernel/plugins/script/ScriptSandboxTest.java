package io.voicecore.kernel.plugins.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.sdk.capability.ScriptException;
import io.voicecore.sdk.capability.ScriptException.Kind;
import io.voicecore.sdk.json.Json;

/**
 * The script sandbox on its own: JSON in and out, each limit, the removed globals, and contexts kept per tenant. The
 * deadline is generous here, so each case meets the limit it is about (ScriptPluginsTest meets the deadline).
 */
class ScriptSandboxTest {
    static final KernelConfig.Scripts LIMITS = new KernelConfig.Scripts(200_000, Duration.ofSeconds(20), 32L * 1024 * 1024, 4, 2);
    static final UUID TENANT_A = UUID.randomUUID();
    static final UUID TENANT_B = UUID.randomUUID();
    static ScriptSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new ScriptSandbox(LIMITS);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static Json run(UUID tenant, String source, String input) {
        return sandbox.call(new ScriptUnit(tenant, "probe@1.0.0", "probe.js", source), "main", Json.parse(input),
                            LIMITS.timeout(), ScriptSandbox.Extras.NONE);
    }

    @Test
    void valuesCrossAsJsonCopies() {
        assertEquals(Json.parse("{\"sum\":3}"), run(TENANT_A, "function main(x) { return {sum: x.a + x.b}; }", "{\"a\":1,\"b\":2}"));
        assertEquals(Json.NULL, run(TENANT_A, "function main(x) { console.log('to the log'); print('also'); }", "{}"));
        assertEquals(Json.parse("[\"a\",{\"n\":null}]"),
                     run(TENANT_A, "function main(x) { JSON.stringify = () => 'fooled'; return [x.s, {n: undefined === 1 ? 1 : null}]; }",
                         "{\"s\":\"a\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "while (true) {}                                                            | LIMIT  | ran more than 200000 statements",
            "const f = n => f(n + 1) + 1; return f(0);                                  | LIMIT  | recursed too deeply",
            "const a = []; for (;;) a.push('x'.repeat(1 << 20) + a.length);             | LIMIT  | allocated more than 33554432 bytes",
            "const a = []; for (;;) a.push(new Array(100000).fill(a.length));           | LIMIT  | allocated more than",
            "let s = 'ab'; for (;;) s = s + s;                                           | FAILED | Invalid string length",
            "return new ArrayBuffer(2 ** 31 - 1).byteLength;                            | FAILED | larger than a script may allocate",
            "return new Float64Array(2 ** 27).length;                                   | FAILED | larger than a script may allocate",
            "return Java.type('java.lang.System');                                      | FAILED | Java is not defined",
            "return Polyglot.eval('python', '1');                                       | FAILED | Polyglot is not defined",
            "return load('/etc/passwd');                                                | FAILED | load is not defined",
            "return loadWithNewGlobal({script: '1', name: 'x'});                        | FAILED | loadWithNewGlobal is not defined",
            "return require('fs');                                                      | FAILED | require is not defined",
            "return 1n;                                                                 | FAILED | not JSON",
            "throw new Error('on purpose');                                             | FAILED | on purpose"})
    void everyLimitAndRefusalIsAClearError(String body, Kind kind, String message) {
        ScriptException refused = assertThrows(ScriptException.class, () -> run(TENANT_A, "function main(x) {\n" + body + "\n}", "{}"));
        assertEquals(kind, refused.kind(), refused.getMessage());
        assertTrue(refused.getMessage().contains(message), refused.getMessage());
        assertEquals(Json.of(7), run(TENANT_A, "function main(x) { return 7; }", "{}"), "the sandbox keeps serving");
    }

    @Test
    void checkNamesWhatIsWrong() {
        ScriptUnit broken = new ScriptUnit(TENANT_A, "probe@1.0.0", "probe.js", "function main(x) {\n  return x +;\n}");
        ScriptException syntax = assertThrows(ScriptException.class, () -> sandbox.check(broken, "main"));
        assertEquals(Kind.INVALID, syntax.kind());
        assertEquals(2, syntax.line().orElseThrow(), syntax.getMessage());
        ScriptException missing = assertThrows(ScriptException.class, () -> sandbox.check(
                new ScriptUnit(TENANT_A, "probe@1.0.0", "probe.js", "function other() {}"), "main"));
        assertEquals(Kind.INVALID, missing.kind());
        assertTrue(missing.getMessage().contains("does not define a top-level function 'main'"), missing.getMessage());
    }

    @Test
    void aTenantsContextIsNeverAnotherTenants() {
        String source = "function main(x) { const before = globalThis.mark; globalThis.mark = x.who; "
                        + "Object.prototype.owner = x.who; return [before === undefined ? null : before, ({}).owner]; }";
        assertEquals(Json.parse("[null,\"a\"]"), run(TENANT_A, source, "{\"who\":\"a\"}"));
        assertEquals(Json.parse("[\"a\",\"a\"]"), run(TENANT_A, source, "{\"who\":\"a\"}"), "the pooled context was reused");
        assertEquals(Json.parse("[null,\"b\"]"), run(TENANT_B, source, "{\"who\":\"b\"}"), "tenant B has a context of its own");
    }

    /**
     * Allocation bombs on every script thread at once, several rounds, in this JVM's 1 GiB heap: each is stopped by the
     * allocation bound and the sandbox keeps serving. (The heap peak printed counts garbage not yet collected.)
     */
    @Test
    void unboundedAllocationOnEveryThreadCannotExhaustTheHeap() throws Exception {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        ExecutorService callers = Executors.newFixedThreadPool(LIMITS.threads());
        long started = System.nanoTime();
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<ScriptException>> bombs = new ArrayList<>();
                for (int i = 0; i < LIMITS.threads(); i++) {
                    UUID tenant = UUID.randomUUID();
                    bombs.add(callers.submit(() -> assertThrows(ScriptException.class, () -> run(tenant,
                            "function main(x) { const a = []; for (;;) a.push('y'.repeat(1 << 20) + a.length); }", "{}"))));
                }
                for (Future<ScriptException> bomb : bombs) {
                    ScriptException stopped = bomb.get();
                    assertTrue(stopped.getMessage().contains("allocated more than 33554432 bytes"), stopped.getMessage());
                    System.out.println("round " + round + " at " + (System.nanoTime() - started) / 1_000_000 + " ms: " + stopped.getMessage());
                }
            }
        } finally {
            callers.shutdownNow();
        }
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        long max = Runtime.getRuntime().maxMemory();
        System.out.printf("12 allocation bombs (4 at once) stopped in %d ms; heap peak %d MiB of %d MiB%n",
                          (System.nanoTime() - started) / 1_000_000, peak >> 20, max >> 20);
        assertEquals(Json.of(7), run(TENANT_A, "function main(x) { return 7; }", "{}"));
    }
}
