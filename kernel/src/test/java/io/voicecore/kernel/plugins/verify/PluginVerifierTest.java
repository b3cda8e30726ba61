package io.voicecore.kernel.plugins.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;

import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.testing.PluginJar;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Install-time verification of real plugin jars compiled from a few lines of source: a well-behaved
 * plugin passes, and each category of forbidden API is refused with a violation naming the class, the
 * method and the API.
 */
class PluginVerifierTest {
    static final String MANIFEST = """
            id: sample
            name: Sample
            version: 1.0.0
            vendor: Tests
            description: A plugin under verification.
            main: sample.Main
            kernel: ">=0.1.0 <1.0.0"
            """;
    static final String MAIN = """
            package sample;
            public class Main implements io.voicecore.sdk.Plugin {
                @Override
                public void setup(io.voicecore.sdk.PluginSetup setup) {
                }
            }
            """;
    /** The method of {@link #body(String)} in which the statements run. */
    static final String RUN = "run(Lio/voicecore/sdk/PluginContext;)V";

    private final PluginVerifier verifier = new PluginVerifier(new ManifestParser());

    // ----- a plugin that does nothing forbidden -----

    @Test
    void wellBehavedPluginPasses() throws IOException {
        Path jar = PluginJar.named("contacts")
                .manifest(MANIFEST.replace("main: sample.Main", "main: contacts.ContactsPlugin"))
                .resource("db/migration/V1__contacts.sql", "create table contacts (tenant_id uuid, id uuid, name text);")
                .source("contacts.ContactsPlugin", """
                        package contacts;

                        import java.math.BigDecimal;
                        import java.net.URI;
                        import java.net.URLEncoder;
                        import java.nio.charset.StandardCharsets;
                        import java.security.MessageDigest;
                        import java.time.Duration;
                        import java.time.Instant;
                        import java.util.HexFormat;
                        import java.util.List;
                        import java.util.Map;
                        import java.util.Optional;
                        import java.util.UUID;
                        import java.util.concurrent.ConcurrentHashMap;
                        import java.util.regex.Pattern;
                        import java.util.stream.Collectors;

                        import io.voicecore.sdk.HttpMethod;
                        import io.voicecore.sdk.Plugin;
                        import io.voicecore.sdk.PluginContext;
                        import io.voicecore.sdk.PluginSetup;
                        import io.voicecore.sdk.Request;
                        import io.voicecore.sdk.Response;
                        import io.voicecore.sdk.capability.EgressRequest;
                        import io.voicecore.sdk.capability.EgressResponse;
                        import io.voicecore.sdk.capability.Row;
                        import io.voicecore.sdk.capability.Storage;
                        import io.voicecore.sdk.json.Json;

                        public class ContactsPlugin implements Plugin {
                            record Contact(UUID id, String name, Instant created) {
                                Json toJson() {
                                    return Json.object().put("id", id).put("name", name).put("created", created).build();
                                }
                            }

                            enum Tier { FREE, PAID }

                            sealed interface Shape permits Circle, Square {}
                            record Circle(double r) implements Shape {}
                            record Square(double side) implements Shape {}

                            private static final Pattern NAME = Pattern.compile("[\\\\p{L} .'-]{1,100}");
                            private final Map<String, Integer> calls = new ConcurrentHashMap<>();

                            @Override
                            public void setup(PluginSetup setup) {
                                setup.route(HttpMethod.GET, "/contacts", (request, ctx) -> list(ctx));
                                setup.route(HttpMethod.POST, "/contacts", this::create);
                                setup.onEvent("conversation.ended", (event, ctx) ->
                                        ctx.log().info("call " + event.id() + " ended at " + event.occurredAt()));
                            }

                            private Response list(PluginContext ctx) {
                                calls.merge(ctx.tenantId(), 1, Integer::sum);
                                List<Row> rows = ctx.storage().query("select id, name from contacts order by name");
                                List<Json> items = rows.stream().map(Row::toJson).collect(Collectors.toList());
                                return Response.ok(Json.object().put("items", items).put("count", items.size()).build());
                            }

                            private Response create(Request request, PluginContext ctx) throws Exception {
                                Json body = request.json();
                                String name = body.get("name").asString().strip();
                                if (!NAME.matcher(name).matches()) {
                                    throw new io.voicecore.sdk.PluginProblem(422, "invalid-name", "name must be 1-100 letters");
                                }
                                Contact contact = new Contact(UUID.randomUUID(), name, Instant.now());
                                ctx.storage().transaction(tx -> tx.update(
                                        "insert into contacts (tenant_id, id, name) values (?, ?, ?)",
                                        Storage.TENANT, contact.id(), contact.name()));
                                String query = URLEncoder.encode(name, StandardCharsets.UTF_8);
                                EgressResponse lookup = ctx.http().send(EgressRequest.get(URI.create(
                                        "https://api.example.com/people?q=" + query)).withTimeout(Duration.ofSeconds(2)));
                                String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                        .digest(name.getBytes(StandardCharsets.UTF_8)));
                                StringBuilder note = new StringBuilder("created ").append(contact.id()).append(' ').append(digest);
                                Tier tier = switch (lookup.status()) {
                                    case 200 -> Tier.PAID;
                                    default -> Tier.FREE;
                                };
                                Shape shape = tier == Tier.PAID ? new Circle(1) : new Square(2);
                                double area = switch (shape) {
                                    case Circle c -> Math.PI * c.r() * c.r();
                                    case Square s -> s.side() * s.side();
                                };
                                Optional<Long> limit = ctx.config().number("maxContacts");
                                BigDecimal price = new BigDecimal("9.90").multiply(BigDecimal.valueOf(limit.orElse(1L)));
                                ctx.log().info(note + " tier=" + tier + " area=" + area + " price=" + price);
                                try {
                                    Thread.sleep(1);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                return Response.created(contact.toJson());
                            }
                        }
                        """)
                .build();

        VerificationReport report = verifier.verify(jar, Set.of());

        assertTrue(report.passed(), report.summary());
        assertEquals(List.of(), report.violations());
    }

    // ----- one test per forbidden category -----

    @Test
    void readingAFileWithJavaIoIsRefused() {
        VerificationReport report = body("new java.io.FileInputStream(\"/etc/passwd\").readAllBytes();");
        assertViolations(report, Category.FILE_SYSTEM,
                         "sample.Body " + RUN + " java/io/FileInputStream.<init>(Ljava/lang/String;)V",
                         "sample.Body " + RUN + " java/io/FileInputStream.readAllBytes()[B");
    }

    @Test
    void readingAFileWithNioFilesIsRefused() {
        VerificationReport report = body("java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/passwd\"));");
        assertViolations(report, Category.FILE_SYSTEM,
                         "sample.Body " + RUN + " java/nio/file/Files.readString(Ljava/nio/file/Path;)Ljava/lang/String;",
                         "sample.Body " + RUN + " java/nio/file/Path.of(Ljava/lang/String;[Ljava/lang/String;)Ljava/nio/file/Path;");
    }

    @Test
    void openingASocketIsRefused() {
        VerificationReport report = body("new java.net.Socket(\"example.com\", 80).close();");
        assertViolations(report, Category.NETWORK,
                         "sample.Body " + RUN + " java/net/Socket.<init>(Ljava/lang/String;I)V",
                         "sample.Body " + RUN + " java/net/Socket.close()V");
    }

    @Test
    void openingAUrlConnectionIsRefusedButUrisAreFine() {
        VerificationReport report = body("java.net.URI.create(\"https://example.com\").toURL().openConnection();");
        assertViolations(report, Category.NETWORK,
                         "sample.Body " + RUN + " java/net/URL.openConnection()Ljava/net/URLConnection;");
    }

    @Test
    void startingAProcessIsRefused() {
        VerificationReport report = body("""
                new ProcessBuilder("ls").start();
                Runtime.getRuntime().exec(new String[] {"id"});""");
        assertViolations(report, Category.PROCESSES,
                         "sample.Body " + RUN + " java/lang/ProcessBuilder.<init>([Ljava/lang/String;)V",
                         "sample.Body " + RUN + " java/lang/ProcessBuilder.start()Ljava/lang/Process;",
                         "sample.Body " + RUN + " java/lang/Runtime.exec([Ljava/lang/String;)Ljava/lang/Process;");
    }

    @Test
    void systemExitIsRefused() {
        VerificationReport report = body("System.exit(1);");
        assertViolations(report, Category.EXITING, "sample.Body " + RUN + " java/lang/System.exit(I)V");
        assertTrue(report.violations().get(0).reason().startsWith("exiting: would stop the kernel"),
                   report.violations().get(0).reason());
    }

    @Test
    void methodReferenceAndLambdaCallingSystemExitAreRefused() {
        VerificationReport report = body("""
                java.util.function.IntConsumer exit = System::exit;
                Runnable later = () -> System.exit(2);""");
        assertViolations(report, Category.EXITING,
                         "sample.Body lambda$run$0()V java/lang/System.exit(I)V",
                         "sample.Body " + RUN + " java/lang/System.exit(I)V");
    }

    @Test
    void setAccessibleIsRefused() {
        VerificationReport report = body("String.class.getDeclaredField(\"value\").setAccessible(true);");
        assertViolations(report, Category.REFLECTION, "sample.Body " + RUN + " java/lang/reflect/Field.setAccessible(Z)V");
    }

    @Test
    void classForNameOfAKernelClassIsRefused() {
        VerificationReport report = body("Class.forName(\"io.voicecore.kernel.Kernel\");");
        assertViolations(report, Category.REFLECTION,
                         "sample.Body " + RUN + " java/lang/Class.forName(Ljava/lang/String;)Ljava/lang/Class;");
    }

    @Test
    void directReferenceToAKernelClassIsRefused() {
        VerificationReport report = body("""
                io.voicecore.kernel.config.ConfigLoader.environmentName("db.password");
                Object call = io.voicecore.kernel.plugins.PluginCall.class;""");
        assertViolations(report, Category.KERNEL_INTERNALS,
                         "sample.Body " + RUN + " io/voicecore/kernel/config/ConfigLoader.environmentName"
                         + "(Ljava/lang/String;)Ljava/lang/String;",
                         "sample.Body " + RUN + " io/voicecore/kernel/plugins/PluginCall");
    }

    @Test
    void definingAClassThroughALookupIsRefused() {
        VerificationReport report = body("java.lang.invoke.MethodHandles.lookup().defineClass(new byte[0]);");
        assertViolations(report, Category.CLASS_DEFINITION,
                         "sample.Body " + RUN + " java/lang/invoke/MethodHandles$Lookup.defineClass([B)Ljava/lang/Class;");
    }

    @Test
    void aClassLoaderSubclassIsRefusedAndItsInheritedCallsNamed() {
        VerificationReport report = verify(plugin("loader").source("sample.Loader", """
                package sample;
                public class Loader extends ClassLoader {
                    public Class<?> make(byte[] code) {
                        return defineClass("sample.Made", code, 0, code.length);
                    }
                }
                """));
        assertViolations(report, Category.CLASS_DEFINITION,
                         "sample.Loader <class> java/lang/ClassLoader",
                         "sample.Loader <init>()V java/lang/ClassLoader.<init>()V",
                         "sample.Loader make([B)Ljava/lang/Class; java/lang/ClassLoader.defineClass(Ljava/lang/String;[BII)"
                         + "Ljava/lang/Class;");
    }

    @Test
    void startingAThreadIsRefused() {
        VerificationReport report = body("new Thread(() -> {}).start();");
        assertViolations(report, Category.THREADS,
                         "sample.Body " + RUN + " java/lang/Thread.<init>(Ljava/lang/Runnable;)V",
                         "sample.Body " + RUN + " java/lang/Thread.start()V");
    }

    @Test
    void aThreadSubclassIsRefusedAndItsInheritedStartNamed() {
        VerificationReport report = verify(plugin("worker")
                .source("sample.Worker", "package sample; public class Worker extends Thread { public void run() {} }")
                .source("sample.Body", bodySource("new Worker().start();")));
        assertViolations(report, Category.THREADS,
                         "sample.Body " + RUN + " java/lang/Thread.start()V",
                         "sample.Worker <class> java/lang/Thread",
                         "sample.Worker <init>()V java/lang/Thread.<init>()V");
    }

    @Test
    void threadPoolsAreRefused() {
        VerificationReport report = body("java.util.concurrent.Executors.newFixedThreadPool(2);");
        assertViolations(report, Category.THREADS, "sample.Body " + RUN
                + " java/util/concurrent/Executors.newFixedThreadPool(I)Ljava/util/concurrent/ExecutorService;");
    }

    @Test
    void parallelStreamInheritedByThePluginsOwnListIsRefused() {
        VerificationReport report = verify(plugin("parallel")
                .source("sample.Names", "package sample; public class Names extends java.util.ArrayList<String> {}")
                .source("sample.Body", bodySource("new Names().parallelStream().count();")));
        assertViolations(report, Category.THREADS,
                         "sample.Body " + RUN + " java/util/ArrayList.parallelStream()Ljava/util/stream/Stream;");
    }

    @Test
    void nativeMethodsAreRefused() {
        VerificationReport report = verify(plugin("native").source("sample.Native", """
                package sample;
                public class Native {
                    public native int poke(long address);
                }
                """));
        assertViolations(report, Category.NATIVE_CODE, "sample.Native poke(J)I sample/Native.poke(J)I");
    }

    @Test
    void finalizersAreRefused() {
        VerificationReport report = verify(plugin("finalizer").source("sample.Leaky", """
                package sample;
                public class Leaky {
                    @Override
                    @SuppressWarnings({"deprecation", "removal"})
                    protected void finalize() {
                    }

                    public static void finalize(int unrelated) {
                    }
                }
                """));
        assertViolations(report, Category.THREADS, "sample.Leaky finalize()V sample/Leaky.finalize()V");
    }

    @Test
    void readingTheEnvironmentIsRefused() {
        VerificationReport report = body("System.getenv(\"DB_PASSWORD\");");
        assertViolations(report, Category.ENVIRONMENT,
                         "sample.Body " + RUN + " java/lang/System.getenv(Ljava/lang/String;)Ljava/lang/String;");
    }

    @Test
    void unsafeIsRefused() {
        VerificationReport report = body("""
                java.lang.reflect.Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");""");
        assertViolations(report, Category.INTERNALS, "sample.Body " + RUN + " sun/misc/Unsafe");
    }

    @Test
    void jdkApisOutsideTheAllowlistAreRefused() {
        VerificationReport report = body("new javax.script.ScriptEngineManager().getEngineByName(\"js\");");
        assertViolations(report, Category.JDK_OUTSIDE_ALLOWLIST,
                         "sample.Body " + RUN + " javax/script/ScriptEngineManager.<init>()V",
                         "sample.Body " + RUN + " javax/script/ScriptEngineManager.getEngineByName(Ljava/lang/String;)"
                         + "Ljavax/script/ScriptEngine;");
    }

    @Test
    void anotherPluginsInternalsAreRefusedButItsExportedPackageIsAllowed() throws IOException {
        byte[] jar = withoutEntries(plugin("client")
                .source("other.api.Directory", "package other.api; public interface Directory { String find(String id); }")
                .source("other.internal.Secret", "package other.internal; public class Secret { public static String key() {"
                                                 + " return \"k\"; } }")
                .source("sample.Body", bodySource("""
                        other.api.Directory directory = ctx.services().require(other.api.Directory.class);
                        directory.find("42");
                        other.internal.Secret.key();"""))
                .bytes(), "other/");

        VerificationReport allowed = verifier.verify(jar, Set.of("other.api"));
        assertViolations(allowed, Category.OTHER_PLUGINS,
                         "sample.Body " + RUN + " other/internal/Secret.key()Ljava/lang/String;");

        VerificationReport none = verifier.verify(jar, Set.of());
        assertViolations(none, Category.OTHER_PLUGINS,
                         "sample.Body " + RUN + " other/api/Directory",
                         "sample.Body " + RUN + " other/api/Directory.find(Ljava/lang/String;)Ljava/lang/String;",
                         "sample.Body " + RUN + " other/internal/Secret.key()Ljava/lang/String;");
    }

    // ----- the jar itself -----

    @Test
    void aJarWithoutPluginYamlIsRefused() {
        VerificationReport report = verifier.verify(PluginJar.named("anonymous").source("sample.Main", MAIN).bytes(), Set.of());
        assertViolations(report, Category.PACKAGING, "plugin.yaml <jar> plugin.yaml");
        assertTrue(report.violations().get(0).reason().contains("no plugin.yaml at its root"));
    }

    @Test
    void anInvalidPluginYamlIsRefusedWithItsErrors() {
        VerificationReport report = verify(PluginJar.named("bad-yaml").manifest(MANIFEST.replace("id: sample", "id: Sample"))
                                                   .source("sample.Main", MAIN));
        assertViolations(report, Category.PACKAGING, "plugin.yaml <jar> plugin.yaml:id");
        assertTrue(report.violations().get(0).reason().contains("'Sample' is not a plugin id"));
    }

    @Test
    void aMissingOrUnusableMainClassIsRefused() {
        VerificationReport missing = verify(PluginJar.named("no-main").manifest(MANIFEST.replace("sample.Main", "sample.Gone"))
                                                    .source("sample.Main", MAIN));
        assertViolations(missing, Category.PACKAGING, "sample.Gone <class> plugin.yaml:main");
        assertTrue(missing.violations().get(0).reason().contains("the main class sample.Gone named in plugin.yaml is not in the"
                                                                 + " jar"));

        VerificationReport unusable = verify(PluginJar.named("odd-main").manifest(MANIFEST).source("sample.Main", """
                package sample;
                abstract class Main {
                    Main(int size) {
                    }
                }
                """));
        assertEquals(List.of("the main class sample.Main does not implement io.voicecore.sdk.Plugin",
                             "the main class sample.Main must be a public, non-abstract class",
                             "the main class sample.Main needs a public constructor without arguments"),
                     unusable.violations().stream().map(v -> v.reason().substring("packaging: ".length())).sorted().toList());
    }

    @Test
    void classesInPlatformPackagesAreRefused() throws IOException {
        byte[] compiled = plugin("split").source("io.voicecore.sdk.Helper", "package io.voicecore.sdk; public class Helper {}")
                .bytes();
        byte[] jar = withEntries(compiled, Map.of("java/lang/Backdoor.class", emptyClass("java/lang/Backdoor"),
                                                  "org/pf4j/PluginManager2.class", emptyClass("org/pf4j/PluginManager2")));

        VerificationReport report = verifier.verify(jar, Set.of());

        assertViolations(report, Category.PACKAGING,
                         "io.voicecore.sdk.Helper <class> io/voicecore/sdk/Helper",
                         "java.lang.Backdoor <class> java/lang/Backdoor",
                         "org.pf4j.PluginManager2 <class> org/pf4j/PluginManager2");
        assertTrue(report.violations().get(0).reason().contains("split package"), report.summary());
    }

    @Test
    void referencesTheSdkOfThisKernelDoesNotHaveAreRefused() throws IOException {
        // Bytecode as javac wrote it against SDK 0.x, where Request was a record: a virtual call, its constructor.
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V21, Opcodes.ACC_PUBLIC, "sample/OldSdk", null, "java/lang/Object", null);
        MethodVisitor run = writer.visitMethod(Opcodes.ACC_PUBLIC, "run", "(Lio/voicecore/sdk/Request;)V", null, null);
        run.visitCode();
        run.visitVarInsn(Opcodes.ALOAD, 1);
        run.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "io/voicecore/sdk/Request", "method", "()Lio/voicecore/sdk/HttpMethod;", false);
        run.visitInsn(Opcodes.POP);
        run.visitVarInsn(Opcodes.ALOAD, 1);
        run.visitMethodInsn(Opcodes.INVOKEINTERFACE, "io/voicecore/sdk/Request", "path", "()Ljava/lang/String;", true);
        run.visitInsn(Opcodes.POP);
        run.visitTypeInsn(Opcodes.NEW, "io/voicecore/sdk/Request");
        run.visitInsn(Opcodes.DUP);
        for (int i = 0; i < 7; i++) {
            run.visitInsn(Opcodes.ACONST_NULL);
        }
        run.visitMethodInsn(Opcodes.INVOKESPECIAL, "io/voicecore/sdk/Request", "<init>", "(Lio/voicecore/sdk/HttpMethod;"
                + "Ljava/lang/String;Ljava/util/Map;Ljava/util/Map;Ljava/util/Map;[BLio/voicecore/sdk/Caller;)V", false);
        run.visitInsn(Opcodes.POP);
        run.visitFieldInsn(Opcodes.GETSTATIC, "io/voicecore/sdk/SdkVersion", "PATCH", "I");
        run.visitInsn(Opcodes.POP);
        run.visitLdcInsn(org.objectweb.asm.Type.getObjectType("io/voicecore/sdk/Gone"));
        run.visitInsn(Opcodes.POP);
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        writer.visitEnd();
        byte[] jar = withEntries(plugin("old-sdk").bytes(), Map.of("sample/OldSdk.class", writer.toByteArray()));

        VerificationReport report = verifier.verify(jar, Set.of());

        String method = "run(Lio/voicecore/sdk/Request;)V";
        assertViolations(report, Category.SDK_COMPATIBILITY,
                         "sample.OldSdk " + method + " io/voicecore/sdk/Gone",
                         "sample.OldSdk " + method + " io/voicecore/sdk/Request.<init>(Lio/voicecore/sdk/HttpMethod;Ljava/lang/String;"
                         + "Ljava/util/Map;Ljava/util/Map;Ljava/util/Map;[BLio/voicecore/sdk/Caller;)V",
                         "sample.OldSdk " + method + " io/voicecore/sdk/Request.method()Lio/voicecore/sdk/HttpMethod;",
                         "sample.OldSdk " + method + " io/voicecore/sdk/SdkVersion.PATCH");
        String reasons = report.summary();
        assertTrue(reasons.contains("io.voicecore.sdk.Request is an interface, but the plugin calls it as a class"), reasons);
        assertTrue(reasons.contains("io.voicecore.sdk.Gone does not exist in SDK " + io.voicecore.sdk.SdkVersion.text()), reasons);
        assertTrue(reasons.contains("must be rebuilt against " + io.voicecore.sdk.SdkVersion.text()), reasons);
    }

    @Test
    void nestedJarsAndUnreadableFilesAreRefused() {
        VerificationReport nested = verify(plugin("nested").resource("lib/dependency.jar", "PK"));
        assertViolations(nested, Category.PACKAGING, "lib/dependency.jar <jar> lib/dependency.jar");

        VerificationReport garbage = verifier.verify("not a jar".getBytes(StandardCharsets.UTF_8), Set.of());
        assertViolations(garbage, Category.PACKAGING, "<jar> <jar> zip");

        VerificationReport badClass = verify(plugin("bad-class").resource("sample/Broken.class", "not a class file"));
        assertViolations(badClass, Category.PACKAGING, "sample/Broken.class <jar> sample/Broken.class");
    }

    @Test
    void violationsAreSortedAndDeduplicated() {
        VerificationReport report = body("""
                System.exit(1);
                System.exit(2);
                System.getenv("A");""");
        assertEquals(List.of("java/lang/System.exit(I)V", "java/lang/System.getenv(Ljava/lang/String;)Ljava/lang/String;"),
                     report.violations().stream().map(Violation::api).toList());
        assertFalse(report.passed());
    }

    @Test
    void everyRuleIsDocumentedInTheDeveloperGuide() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "plugin-developer-guide.md"));
        assertTrue(guide.contains("## What the verifier refuses"));
        List<String> missing = new ArrayList<>();
        VerifierRules.RULES.forEach(rule -> {
            if (!guide.contains("`" + rule.target().text() + "`")) {
                missing.add(rule.target().text());
            }
        });
        VerifierRules.JDK_ALLOWED.forEach(glob -> {
            if (!guide.contains("`" + glob + "`")) {
                missing.add(glob);
            }
        });
        for (Category category : Category.values()) {
            if (!guide.contains(category.label())) {
                missing.add(category.label());
            }
        }
        assertEquals(List.of(), missing, "rules missing from docs/plugin-developer-guide.md");
    }

    // ----- helpers -----

    static PluginJar plugin(String name) {
        return PluginJar.named(name).manifest(MANIFEST).source("sample.Main", MAIN);
    }

    /** A class {@code sample.Body} whose method {@link #RUN} runs the statements. */
    static String bodySource(String statements) {
        return """
                package sample;
                public class Body {
                    public void run(io.voicecore.sdk.PluginContext ctx) throws Exception {
                %s
                    }
                }
                """.formatted(statements.indent(8));
    }

    private VerificationReport body(String statements) {
        return verify(plugin("body").source("sample.Body", bodySource(statements)));
    }

    private VerificationReport verify(PluginJar jar) {
        return verifier.verify(jar.bytes(), Set.of());
    }

    /**
     * The report has exactly the expected violations, each written as {@code class method api}, and every one
     * is of the category.
     */
    static void assertViolations(VerificationReport report, Category category, String... expected) {
        List<String> actual = report.violations().stream().map(v -> v.className() + " " + v.methodName() + " " + v.api())
                .toList();
        assertEquals(List.of(expected), actual, report.summary());
        for (Violation violation : report.violations()) {
            assertTrue(violation.reason().startsWith(category.label() + ": "), violation.toString());
        }
    }

    /** The jar without the entries under a prefix: classes that were compiled against but belong to another jar. */
    static byte[] withoutEntries(byte[] jar, String prefix) throws IOException {
        return rewrite(jar, prefix, Map.of());
    }

    private static byte[] withEntries(byte[] jar, Map<String, byte[]> added) throws IOException {
        return rewrite(jar, "\0", added);
    }

    private static byte[] rewrite(byte[] jar, String dropPrefix, Map<String, byte[]> added) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar));
             JarOutputStream copy = new JarOutputStream(out)) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (entry.getName().startsWith(dropPrefix)) {
                    continue;
                }
                copy.putNextEntry(new JarEntry(entry.getName()));
                copy.write(in.readAllBytes());
                copy.closeEntry();
            }
            for (Map.Entry<String, byte[]> entry : added.entrySet()) {
                copy.putNextEntry(new JarEntry(entry.getKey()));
                copy.write(entry.getValue());
                copy.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** A class file javac would refuse to compile (e.g. in java.lang), written directly. */
    private static byte[] emptyClass(String internalName) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V21, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
        writer.visitEnd();
        return writer.toByteArray();
    }
}
