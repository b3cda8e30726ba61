package io.voicecore.kernel.plugins.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import io.voicecore.kernel.plugins.manifest.ManifestParser;

/**
 * Whatever clean code surrounds it, one forbidden call in a real compiled plugin produces exactly one
 * violation: that call, in that method, with its category.
 */
class ForbiddenCallProperties {
    private final PluginVerifier verifier = new PluginVerifier(new ManifestParser());

    /** Statements a plugin may run; each block is self-contained. */
    private static final List<String> CLEAN = List.of(
            "{ StringBuilder b = new StringBuilder(); b.append(ctx.tenantId()).append(':').append(42); ctx.log().info(b.toString()); }",
            "{ java.util.List<Integer> xs = java.util.stream.IntStream.range(0, 5).boxed().map(i -> i * 2).toList();"
            + " ctx.log().info(String.valueOf(xs)); }",
            "{ io.voicecore.sdk.json.Json j = io.voicecore.sdk.json.Json.object().put(\"at\", java.time.Instant.now()).build();"
            + " ctx.log().info(j.toString()); }",
            "{ ctx.storage().update(\"insert into notes (tenant_id, body) values (?, ?)\","
            + " io.voicecore.sdk.capability.Storage.TENANT, \"hi\"); }",
            "{ java.util.Map<String, Integer> m = new java.util.HashMap<>(); m.merge(\"a\", 1, Integer::sum); }",
            "{ ctx.config().string(\"greeting\").map(String::strip).ifPresent(ctx.log()::info); }",
            "{ java.time.Duration d = java.time.Duration.ofSeconds(3).plusMillis(5); ctx.log().info(\"d=\" + d); }",
            "{ boolean ok = java.util.regex.Pattern.compile(\"[a-z]+\").matcher(\"abc\").matches(); ctx.log().info(\"\" + ok); }",
            "{ java.math.BigDecimal x = new java.math.BigDecimal(\"1.55\").setScale(1, java.math.RoundingMode.HALF_UP);"
            + " ctx.log().info(x.toPlainString()); }",
            "{ ctx.http().send(io.voicecore.sdk.capability.EgressRequest.get(java.net.URI.create(\"https://api.example.com\"))); }",
            "{ java.util.UUID id = java.util.UUID.randomUUID(); ctx.log().info(id.toString().toUpperCase(java.util.Locale.ROOT)); }");

    /** One forbidden statement, the API the violation must name, and its category. */
    record Forbidden(String statement, String api, Category category) {
    }

    private static final List<Forbidden> FORBIDDEN = List.of(
            new Forbidden("System.exit(3);", "java/lang/System.exit(I)V", Category.EXITING),
            new Forbidden("java.util.function.IntConsumer quit = System::exit;", "java/lang/System.exit(I)V", Category.EXITING),
            new Forbidden("Runtime.getRuntime().halt(1);", "java/lang/Runtime.halt(I)V", Category.EXITING),
            new Forbidden("System.getenv(\"HOME\");", "java/lang/System.getenv(Ljava/lang/String;)Ljava/lang/String;",
                          Category.ENVIRONMENT),
            new Forbidden("java.util.Locale.setDefault(java.util.Locale.ROOT);",
                          "java/util/Locale.setDefault(Ljava/util/Locale;)V", Category.ENVIRONMENT),
            new Forbidden("new java.io.File(\"/etc/passwd\");", "java/io/File.<init>(Ljava/lang/String;)V", Category.FILE_SYSTEM),
            new Forbidden("java.nio.file.Path.of(\"/etc\");",
                          "java/nio/file/Path.of(Ljava/lang/String;[Ljava/lang/String;)Ljava/nio/file/Path;", Category.FILE_SYSTEM),
            new Forbidden("new java.net.Socket();", "java/net/Socket.<init>()V", Category.NETWORK),
            new Forbidden("java.net.URI.create(\"http://x.example\").toURL().openStream();",
                          "java/net/URL.openStream()Ljava/io/InputStream;", Category.NETWORK),
            new Forbidden("Runtime.getRuntime().exec(new String[] {\"id\"});",
                          "java/lang/Runtime.exec([Ljava/lang/String;)Ljava/lang/Process;", Category.PROCESSES),
            new Forbidden("Class.forName(\"io.voicecore.kernel.Kernel\");",
                          "java/lang/Class.forName(Ljava/lang/String;)Ljava/lang/Class;", Category.REFLECTION),
            new Forbidden("String.class.getDeclaredField(\"value\").setAccessible(true);",
                          "java/lang/reflect/Field.setAccessible(Z)V", Category.REFLECTION),
            new Forbidden("java.lang.invoke.MethodHandles.lookup().defineClass(new byte[0]);",
                          "java/lang/invoke/MethodHandles$Lookup.defineClass([B)Ljava/lang/Class;", Category.CLASS_DEFINITION),
            new Forbidden("new Thread(() -> {});", "java/lang/Thread.<init>(Ljava/lang/Runnable;)V", Category.THREADS),
            new Forbidden("java.util.concurrent.Executors.newFixedThreadPool(2);",
                          "java/util/concurrent/Executors.newFixedThreadPool(I)Ljava/util/concurrent/ExecutorService;",
                          Category.THREADS),
            new Forbidden("java.util.concurrent.CompletableFuture.runAsync(() -> {});",
                          "java/util/concurrent/CompletableFuture.runAsync(Ljava/lang/Runnable;)"
                          + "Ljava/util/concurrent/CompletableFuture;", Category.THREADS),
            new Forbidden("System.loadLibrary(\"x\");", "java/lang/System.loadLibrary(Ljava/lang/String;)V", Category.NATIVE_CODE),
            new Forbidden("Object unsafe = sun.misc.Unsafe.class;", "sun/misc/Unsafe", Category.INTERNALS),
            new Forbidden("Object call = io.voicecore.kernel.plugins.PluginCall.class;",
                          "io/voicecore/kernel/plugins/PluginCall", Category.KERNEL_INTERNALS),
            new Forbidden("new javax.script.ScriptEngineManager();", "javax/script/ScriptEngineManager.<init>()V",
                          Category.JDK_OUTSIDE_ALLOWLIST));

    @Property(tries = 40)
    void oneForbiddenCallAmongCleanCodeIsExactlyOneViolation(@ForAll("clean") List<String> clean,
                                                             @ForAll("forbidden") Forbidden forbidden,
                                                             @ForAll @IntRange(min = 0, max = 100) int position) {
        List<String> statements = new ArrayList<>(clean);
        statements.add(position % (clean.size() + 1), "{ " + forbidden.statement() + " }");
        byte[] jar = PluginVerifierTest.plugin("mixed")
                .source("sample.Body", PluginVerifierTest.bodySource(String.join("\n", statements))).bytes();

        VerificationReport report = verifier.verify(jar, Set.of());

        assertEquals(1, report.violations().size(), report.summary());
        Violation violation = report.violations().get(0);
        assertEquals(new Violation("sample.Body", PluginVerifierTest.RUN, forbidden.api(), violation.reason()), violation);
        assertTrue(violation.reason().startsWith(forbidden.category().label() + ": "), violation.reason());
    }

    @Provide
    Arbitrary<List<String>> clean() {
        return Arbitraries.of(CLEAN).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<Forbidden> forbidden() {
        return Arbitraries.of(FORBIDDEN);
    }
}
