package io.voicecore.kernel.plugins.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.sandbox.GuardInstrumenter;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.sandbox.PluginClassPolicy;
import io.voicecore.kernel.plugins.sandbox.PluginInvoker;
import io.voicecore.kernel.plugins.sandbox.PluginRefusedOperation;
import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.kernel.plugins.verify.VerificationReport;
import io.voicecore.kernel.plugins.verify.VerifierRules;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each sandbox layer holds on its own. Jars the install-time verifier refuses are loaded here directly
 * with {@link PluginLoader} (no verifier), and their code run through {@link PluginInvoker}: the isolated
 * class loader alone keeps kernel classes, server libraries, files, sockets and processes out of reach,
 * and the call guard alone stops endless loops and unbounded allocation.
 */
class LayerIndependenceTest {
    static final UUID TENANT = UUID.randomUUID();
    static final ManifestParser MANIFESTS = new ManifestParser();
    static PluginInvoker invoker;
    static PluginLoader loader;

    @BeforeAll
    static void start() {
        invoker = new PluginInvoker(8);
        loader = new PluginLoader(TestKernel.tempDir("layer-independence"), invoker,
                                  new PluginInvoker.Limits(Duration.ofSeconds(10), 4, 64L << 20));
    }

    @AfterAll
    static void stop() {
        invoker.close();
    }

    /** Loads a jar as the runtime would after verification, but without verifying it. */
    private static LoadedVersion loadUnverified(PluginJar jar, String manifestYaml) {
        byte[] bytes = jar.bytes();
        PluginManifest manifest = MANIFESTS.parse(manifestYaml);
        return loader.load(manifest, bytes, Sha256.hex(bytes), Map.of());
    }

    private static String call(LoadedVersion version, String path, PluginInvoker.Limits limits) {
        Request request = Request.of(HttpMethod.GET, path, Map.of(), Map.of(), Map.of(), new byte[0], new Caller("tests", "platform-admin"));
        RouteTable.Match match = version.routes().match(HttpMethod.GET, path).orElseThrow();
        Response response = invoker.invoke(TENANT, version.manifest(), version.classLoader(), limits, "GET " + path,
                                           () -> match.entry().handler().handle(request, null), failure -> { });
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ class loader

    static final String PROBES = """
            package testplugin.walls;
            import java.util.concurrent.Callable;
            /** Each probe tries one thing and reports what happened, from inside the plugin. */
            public final class Probes {
                public static String run(Callable<Object> probe) {
                    try {
                        return "reached " + probe.call();
                    } catch (Throwable failure) {
                        return failure.getClass().getName() + ": " + failure.getMessage();
                    }
                }
                // By lookup, not Class.forName: the call guard refuses Class.forName itself, and this tests the loader alone.
                static Object kernelClass() throws Exception {
                    return java.lang.invoke.MethodHandles.lookup().findClass("io.voicecore.kernel.Kernel");
                }
                static Object kernelClassByContext() throws Exception {
                    return Thread.currentThread().getContextClassLoader().loadClass("io.voicecore.kernel.Kernel");
                }
                static Object file() { return new java.io.File("/etc/hostname").exists(); }
                static Object files() throws Exception { return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")); }
                static Object socket() throws Exception { return new java.net.Socket("127.0.0.1", 9); }
                static Object process() throws Exception { return new ProcessBuilder("id").start(); }
                static Object helidon() { return io.helidon.webserver.WebServer.builder(); }
                static Object postgres() { return new org.postgresql.Driver(); }
                static Object postgresByName() throws Exception {
                    return java.lang.invoke.MethodHandles.lookup().findClass("org.postgresql.Driver");
                }
                static Object driverManager() throws Exception { return java.sql.DriverManager.getDrivers(); }
                static Object ownClass() throws Exception {
                    return java.lang.invoke.MethodHandles.lookup().findClass("testplugin.walls.Probes").getSimpleName();
                }
                static Object sdkClass() throws Exception {
                    return java.lang.invoke.MethodHandles.lookup().findClass("io.voicecore.sdk.Response").getSimpleName();
                }
                static Object exit() { System.exit(3); return "still running"; }
                static Object exitByReference() { java.util.function.IntConsumer bye = System::exit; bye.accept(3); return "still running"; }
                static Object environment() { return System.getenv("PATH"); }
                static Object thread() { Thread t = new Thread(() -> { }); t.start(); return t.getName(); }
                static Object classForName() throws Exception { return Class.forName("testplugin.walls.Probes"); }
                static Object accessible() throws Exception {
                    java.lang.reflect.Field f = String.class.getDeclaredField("value");
                    f.setAccessible(true);
                    return f.get("x");
                }
                static Object kernelResource() { return io.voicecore.sdk.Plugin.class.getResource("/openapi.yaml"); }
                static Object kernelResourceStream() throws Exception {
                    try (java.io.InputStream in = io.voicecore.sdk.Response.class.getResourceAsStream("/db/migration/V1__kernel_foundation.sql")) {
                        return in == null ? null : new String(in.readAllBytes());
                    }
                }
                static Object kernelResourceByReference() {
                    java.util.function.Function<String, java.net.URL> lookup = io.voicecore.sdk.Plugin.class::getResource;
                    return lookup.apply("/openapi.yaml");
                }
                static Object kernelResourceUnbound() {
                    java.util.function.BiFunction<Class<?>, String, java.io.InputStream> lookup = Class::getResourceAsStream;
                    return lookup.apply(io.voicecore.sdk.Plugin.class, "/openapi.yaml");
                }
                static Object jdkResource() { return String.class.getResource("/java/lang/Object.class"); }
                static Object ownResource() throws Exception {
                    try (java.io.InputStream in = Probes.class.getResourceAsStream("/walls.txt")) {
                        return new String(in.readAllBytes()).strip();
                    }
                }
                static Object ownResourceByReference() {
                    java.util.function.Function<String, java.net.URL> lookup = Probes.class::getResource;
                    return lookup.apply("/walls.txt") != null;
                }
            }
            """;

    static final List<String> PROBE_NAMES = List.of("kernelClass", "kernelClassByContext", "file", "files", "socket", "process",
            "helidon", "postgres", "postgresByName", "driverManager", "ownClass", "sdkClass", "kernelResource",
            "kernelResourceStream", "kernelResourceByReference", "kernelResourceUnbound", "jdkResource", "ownResource",
            "ownResourceByReference", "exit", "exitByReference", "environment", "thread", "classForName", "accessible");

    static String wallsManifest() {
        return TestPlugins.manifest("walls", "1.0.0", List.of(), PROBE_NAMES.stream().map(p -> "GET /" + p.toLowerCase()).toList(), "");
    }

    static PluginJar walls() {
        StringBuilder routes = new StringBuilder();
        for (String probe : PROBE_NAMES) {
            routes.append("setup.route(HttpMethod.GET, \"/").append(probe.toLowerCase())
                    .append("\", (request, context) -> Response.text(200, \"text/plain\", Probes.run(Probes::").append(probe).append(")));\n");
        }
        return PluginJar.named("walls").manifest(wallsManifest()).resource("walls.txt", "own resource\n")
                .source("testplugin.walls.Probes", PROBES)
                .source("testplugin.walls.Main", """
                        package testplugin.walls;
                        import io.voicecore.sdk.*;
                        public class Main implements Plugin {
                            @Override
                            public void setup(PluginSetup setup) {
                                %s
                            }
                        }
                        """.formatted(routes));
    }

    static LoadedVersion walls;

    private static String probe(String name) {
        if (walls == null) {
            walls = loadUnverified(walls(), wallsManifest());
        }
        return call(walls, "/" + name.toLowerCase(), new PluginInvoker.Limits(Duration.ofSeconds(5), 4, 64L << 20));
    }

    @Test
    void theVerifierWouldRefuseTheseProbes() {
        VerificationReport report = new PluginVerifier(MANIFESTS).verify(walls().bytes(), Set.of());
        assertFalse(report.passed());
        String apis = report.violations().toString();
        for (String api : List.of("java/lang/invoke/MethodHandles$Lookup", "java/io/File", "java/nio/file/Files", "java/net/Socket",
                                  "java/lang/ProcessBuilder", "io/helidon", "org/postgresql", "java/sql/DriverManager")) {
            assertTrue(apis.contains(api), api + " in " + apis);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "kernelClass, java.lang.ClassNotFoundException: io.voicecore.kernel.Kernel",
            "kernelClassByContext, java.lang.NoClassDefFoundError: java/lang/ClassLoader",
            "file, java.lang.NoClassDefFoundError: java/io/File",
            "files, java.lang.NoClassDefFoundError: java/nio/file/Path",
            "socket, java.lang.NoClassDefFoundError: java/net/Socket",
            "process, java.lang.NoClassDefFoundError: java/lang/ProcessBuilder",
            "helidon, java.lang.NoClassDefFoundError: io/helidon/webserver/WebServer",
            "postgres, java.lang.NoClassDefFoundError: org/postgresql/Driver",
            "postgresByName, java.lang.ClassNotFoundException: org.postgresql.Driver",
            "driverManager, java.lang.NoClassDefFoundError: java/sql/DriverManager"})
    void theClassLoaderAloneKeepsOutWhatTheVerifierWouldRefuse(String probe, String expected) {
        String outcome = probe(probe);
        assertTrue(outcome.startsWith(expected), probe + " -> " + outcome);
    }

    /** Calls of classes the loader must keep loadable (System, Thread, Class, reflection) are refused by the guard alone. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "exit, java.lang.System.exit",
            "exitByReference, java.lang.System.exit",
            "environment, java.lang.System.getenv",
            "thread, java.lang.Thread.<init>",
            "classForName, java.lang.Class.forName",
            "accessible, java.lang.reflect.Field.setAccessible"})
    void theGuardAloneRefusesCallsTheLoaderCannotHide(String probe, String api) {
        String outcome = probe(probe);
        assertEquals(PluginRefusedOperation.class.getName() + ": plugins may not call " + api, outcome, probe);
    }

    /** The guard refuses only what the verifier refuses too, so a verified plugin never meets it. */
    @Test
    void everyCallTheGuardRefusesIsAlsoRefusedByTheVerifier() {
        String probes = """
                package testplugin.refused;
                import java.lang.invoke.MethodHandles;
                public final class Calls {
                    static void system() throws Exception {
                        System.exit(0); System.getenv("x"); System.getProperties(); System.setProperty("a", "b");
                        System.setProperties(null); System.clearProperty("a"); System.load("x"); System.loadLibrary("x");
                        System.setIn(null); System.setOut(null); System.setErr(null); System.setSecurityManager(null);
                        System.inheritedChannel();
                    }
                    static void threads(Thread t) {
                        new Thread(); t.start(); Thread.startVirtualThread(() -> { }); Thread.ofPlatform(); Thread.ofVirtual();
                        t.setDaemon(true); t.setContextClassLoader(null); Thread.setDefaultUncaughtExceptionHandler(null);
                    }
                    static void urls(java.net.URL u) throws Exception { u.openConnection(); u.openStream(); u.getContent(); }
                    static void reflection(java.lang.reflect.Field f, java.lang.reflect.Method m, java.lang.reflect.Constructor<?> c)
                            throws Exception {
                        f.setAccessible(true); f.trySetAccessible(); m.setAccessible(true); m.trySetAccessible(); m.invoke(null);
                        c.setAccessible(true); c.trySetAccessible(); c.newInstance();
                        Class.forName("x"); String.class.newInstance();
                    }
                    static void handles(MethodHandles.Lookup l, java.lang.reflect.Method m) throws Throwable {
                        MethodHandles.privateLookupIn(String.class, l); l.defineClass(new byte[0]); l.defineHiddenClass(new byte[0], true);
                        l.findStatic(String.class, "valueOf", null); l.findVirtual(String.class, "trim", null);
                        l.findConstructor(String.class, null); l.findSpecial(String.class, "trim", null, String.class);
                        l.findGetter(String.class, "x", int.class); l.findSetter(String.class, "x", int.class);
                        l.findStaticGetter(String.class, "x", int.class); l.findStaticSetter(String.class, "x", int.class);
                        l.findVarHandle(String.class, "x", int.class); l.unreflect(m);
                    }
                }
                """;
        PluginJar jar = PluginJar.named("refused").manifest(TestPlugins.manifest("refused", "1.0.0", List.of(), List.of(), ""))
                .source("testplugin.refused.Calls", probes)
                .source("testplugin.refused.Main", """
                        package testplugin.refused;
                        public class Main implements io.voicecore.sdk.Plugin {
                            @Override
                            public void setup(io.voicecore.sdk.PluginSetup setup) { }
                        }
                        """);
        String violations = new PluginVerifier(MANIFESTS).verify(jar.bytes(), Set.of()).violations().toString();
        GuardInstrumenter.refusedMethods().forEach((owner, names) -> names.forEach(name -> assertTrue(
                violations.contains(owner + "." + name + "("), owner + "." + name + " is refused by the guard but not by the verifier")));
    }

    @Test
    void thePluginStillReachesItsOwnClassesTheSdkAndItsOwnResources() {
        assertEquals("reached Probes", probe("ownClass"));
        assertEquals("reached Response", probe("sdkClass"));
        assertEquals("reached own resource", probe("ownResource"));
        assertEquals("reached true", probe("ownResourceByReference"));
    }

    @Test
    void classesOutsideThePluginExposeNoResourcesOfTheKernelClassPath() {
        // The resources exist on the class path the kernel runs with; a plugin must not be able to read them.
        assertTrue(LayerIndependenceTest.class.getResource("/openapi.yaml") != null);
        for (String probe : List.of("kernelResource", "kernelResourceStream", "kernelResourceByReference", "kernelResourceUnbound",
                                    "jdkResource")) {
            assertEquals("reached null", probe(probe), probe);
        }
    }

    // ------------------------------------------------------------------ the two walls agree on what is allowed

    @Test
    void everyJdkPackageTheVerifierAllowsTheClassLoaderResolves() {
        List<String> unresolvable = new ArrayList<>();
        for (Module module : ModuleLayer.boot().modules()) {
            for (String pkg : module.getPackages()) {
                String internal = pkg.replace('.', '/');
                boolean allowed = VerifierRules.JDK_ALLOWED.stream().anyMatch(glob -> glob.endsWith("/**")
                        ? internal.equals(glob.substring(0, glob.length() - 3)) || internal.startsWith(glob.substring(0, glob.length() - 2))
                        : glob.endsWith("/*") && internal.equals(glob.substring(0, glob.length() - 2)));
                if (allowed && PluginClassPolicy.sourceOf(pkg + ".AnyClass") != PluginClassPolicy.Source.JDK) {
                    unresolvable.add(pkg);
                }
            }
        }
        for (String glob : VerifierRules.JDK_ALLOWED) {
            if (!glob.endsWith("*") && PluginClassPolicy.sourceOf(glob.replace('/', '.')) != PluginClassPolicy.Source.JDK) {
                unresolvable.add(glob);
            }
        }
        assertEquals(List.of(), unresolvable.stream().sorted().toList(), "allowed by the verifier, missing from the class loader");
    }

    @Test
    void aPluginUsingTheAllowedJdkLoadsAndRuns() {
        String manifest = TestPlugins.manifest("allowed-jdk", "1.0.0", List.of(), List.of("GET /use"), "");
        PluginJar jar = TestPlugins.plugin("allowed-jdk", "1.0.0", List.of(), List.of("GET /use"), "", """
                setup.route(HttpMethod.GET, "/use", (request, context) -> {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(new byte[] {1, 2, 3});
                    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
                    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(zipped)) {
                        out.write("abc".getBytes());
                    }
                    java.util.random.RandomGenerator random = java.util.random.RandomGenerator.getDefault();
                    java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair();
                    boolean rsa = pair.getPublic() instanceof java.security.interfaces.RSAPublicKey;
                    javax.crypto.SecretKey key = javax.crypto.KeyGenerator.getInstance("HmacSHA256").generateKey();
                    boolean secret = key instanceof javax.crypto.interfaces.PBEKey;
                    return Response.text(200, "text/plain", crc.getValue() + " " + (zipped.size() > 0) + " " + (random.nextInt(1, 2))
                                                           + " " + rsa + " " + secret);
                });
                """, "");
        assertTrue(new PluginVerifier(MANIFESTS).verify(jar.bytes(), Set.of()).passed(), "the verifier accepts it");
        assertEquals("1438416925 true 1 true false", call(loadUnverified(jar, manifest), "/use",
                                                          new PluginInvoker.Limits(Duration.ofSeconds(10), 4, 64L << 20)));
    }

    // ------------------------------------------------------------------ call guard

    static String spinnerManifest() {
        return TestPlugins.manifest("spinner", "1.0.0", List.of(), List.of("GET /spin", "GET /stubborn", "GET /hoard", "GET /huge"), "");
    }

    static PluginJar spinner() {
        return TestPlugins.plugin("spinner", "1.0.0", List.of(), List.of("GET /spin", "GET /stubborn", "GET /hoard", "GET /huge"), "", """
                setup.route(HttpMethod.GET, "/spin", (request, context) -> { long n = 0; while (true) { n++; } });
                setup.route(HttpMethod.GET, "/stubborn", (request, context) -> {
                    long n = 0;
                    while (true) { try { n++; } catch (Throwable ignored) { n--; } }
                });
                setup.route(HttpMethod.GET, "/hoard", (request, context) -> {
                    List<byte[]> hoard = new ArrayList<>();
                    while (true) { hoard.add(new byte[1 << 16]); }
                });
                setup.route(HttpMethod.GET, "/huge", (request, context) -> {
                    long[] huge = new long[Integer.MAX_VALUE - 16];
                    return Response.ok(Json.of(huge.length));
                });
                """, "");
    }

    private static void awaitIdleThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (invoker.activeThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, invoker.activeThreads(), "the plugin thread was stopped, not left spinning");
    }

    @Test
    void theGuardAloneStopsEndlessLoops() throws InterruptedException {
        LoadedVersion version = loadUnverified(spinner(), spinnerManifest());
        PluginInvoker.Limits limits = new PluginInvoker.Limits(Duration.ofMillis(300), 4, 64L << 20);
        for (String route : List.of("/spin", "/stubborn")) {
            long started = System.nanoTime();
            PluginCallFailure failure = assertThrows(PluginCallFailure.class, () -> call(version, route, limits));
            assertEquals(PluginCallFailure.Kind.TIMEOUT, failure.kind(), route);
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), route);
            // A busy loop ignores the interrupt the invoker sends on timeout: only the guard frees the thread.
            awaitIdleThreads();
        }
    }

    static final String COUNTER_MANIFEST = TestPlugins.manifest("counted", "1.0.0", List.of(), List.of("GET /hoard", "GET /double"), "");

    /** Hoarders that leave, in static fields, how far they got before they were stopped. */
    static PluginJar counted() {
        return TestPlugins.plugin("counted", "1.0.0", List.of(), List.of("GET /hoard", "GET /double"), "", """
                setup.route(HttpMethod.GET, "/hoard", (request, context) -> {
                    List<byte[]> hoard = new ArrayList<>();
                    while (true) { hoard.add(new byte[1 << 20]); hoardedMiB = hoard.size(); }
                });
                setup.route(HttpMethod.GET, "/double", (request, context) -> {
                    String text = "0123456789abcdef";
                    while (true) { text = text + text; doubledTo = text.length(); }
                });
                """, "public static volatile long hoardedMiB; public static volatile long doubledTo;");
    }

    @Test
    void theQuotaIsEnforcedCloseToItsSizeNotLongAfter() throws Exception {
        LoadedVersion version = loadUnverified(counted(), COUNTER_MANIFEST);
        long quota = 32L << 20;
        PluginInvoker.Limits limits = new PluginInvoker.Limits(Duration.ofSeconds(20), 4, quota);
        Class<?> main = version.classLoader().loadClass("testplugin.counted.Main");
        for (String route : List.of("/hoard", "/double")) {
            PluginCallFailure failure = assertThrows(PluginCallFailure.class, () -> call(version, route, limits));
            assertEquals(PluginCallFailure.Kind.MEMORY, failure.kind(), route + ": " + failure.getMessage());
        }
        // Retained when stopped: the overshoot past the quota is what other calls and the kernel must absorb.
        long hoarded = main.getField("hoardedMiB").getLong(null) << 20;
        long doubled = main.getField("doubledTo").getLong(null);
        assertTrue(hoarded <= quota + quota / 2, "hoarded " + (hoarded >> 20) + " MiB against a quota of " + (quota >> 20) + " MiB");
        assertTrue(doubled <= quota + quota / 2, "a string grew to " + (doubled >> 20) + " Mi characters against a quota of "
                                         + (quota >> 20) + " MiB");
    }

    @Test
    void theGuardAloneStopsUnboundedAllocation() throws InterruptedException {
        LoadedVersion version = loadUnverified(spinner(), spinnerManifest());
        PluginInvoker.Limits limits = new PluginInvoker.Limits(Duration.ofSeconds(20), 4, 32L << 20);
        for (String route : List.of("/hoard", "/huge")) {
            long started = System.nanoTime();
            PluginCallFailure failure = assertThrows(PluginCallFailure.class, () -> call(version, route, limits));
            assertEquals(PluginCallFailure.Kind.MEMORY, failure.kind(), route + ": " + failure.getMessage());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), route + " was stopped by the quota, not the deadline");
            awaitIdleThreads();
        }
        assertInstanceOf(PluginCallFailure.class, assertThrows(PluginCallFailure.class, () -> call(version, "/huge", limits)));
    }
}
