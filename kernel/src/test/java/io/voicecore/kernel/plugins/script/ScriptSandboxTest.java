package io.voicecore.kernel.plugins.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.sdk.capability.ScriptException;
import io.voicecore.sdk.json.Json;

class ScriptSandboxTest {
    static final KernelConfig.Scripts LIMITS = new KernelConfig.Scripts(200_000, Duration.ofSeconds(2), 32L * 1024 * 1024, 4, 2);
    static ScriptSandbox sandbox;
    static final UUID TENANT = UUID.randomUUID();

    @BeforeAll
    static void start() {
        sandbox = new ScriptSandbox(LIMITS);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static Json run(String source, String input) {
        return sandbox.call(new ScriptUnit(TENANT, "probe@1.0.0", "probe.js", source), "main", Json.parse(input),
                            Duration.ofSeconds(2), ScriptSandbox.Extras.NONE);
    }

    static ScriptException refused(String source) {
        long start = System.nanoTime();
        ScriptException e = assertThrows(ScriptException.class, () -> run(source, "{}"));
        System.out.println(e.kind() + " after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e.getMessage());
        return e;
    }

    @Test
    void probe() {
        assertEquals(Json.parse("{\"sum\":3}"), run("function main(x) { return {sum: x.a + x.b}; }", "{\"a\":1,\"b\":2}"));
        refused("function main(x) { return Java.type('java.lang.System'); }");
        refused("function main(x) { return Polyglot.eval('python', '1'); }");
        refused("function main(x) { return load('/etc/passwd'); }");
        refused("function main(x) { return require('fs'); }");
        refused("function main(x) { while (true) {} }");
        refused("function main(x) { for (;;) { x.n = (x.n || 0) + 1; } }");
        refused("function f(n) { return f(n + 1) + 1; } function main(x) { return f(0); }");
        refused("function main(x) { const a = []; while (true) a.push(new Array(100000).fill(1)); }");
        refused("function main(x) { const a = []; while (true) a.push('x'.repeat(1 << 20) + a.length); }");
        refused("function main(x) { return new ArrayBuffer(2 ** 31 - 1); }");
        refused("function main(x) { const a = []; for (let i = 0; i < 100; i++) a.push(new ArrayBuffer(2 ** 30)); return a.length; }");
        refused("function main(x) { return 'x'.repeat(2 ** 29).length; }");
        refused("function main(x) { const a = []; for (let i = 0; i < 100; i++) a.push(new Float64Array(2 ** 27)); return a.length; }");
        refused("function main(x) { const a = []; for (let i = 0; i < 100; i++) a.push(new Array(2 ** 27).fill(0)); return a.length; }");
        refused("function main(x) { let s = 'ab'; for (;;) s = s + s; }");
        refused("function main(x) { return 1n; }");
        refused("function main(x) { syntax error }");
        assertEquals(Json.parse("7"), run("function main(x) { return 7; }", "{}"));
    }
}
