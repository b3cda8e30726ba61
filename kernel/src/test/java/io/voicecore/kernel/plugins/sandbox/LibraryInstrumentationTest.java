package io.voicecore.kernel.plugins.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

import io.voicecore.kernel.testing.PluginJar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A platform library's code, defined by a {@link LibraryClassLoader}, runs instrumented: no environment,
 * only harmless system properties, its own loader as context loader, reflection on its own classes and
 * the JDK but never on the kernel's or onto a refused JDK member, no threads or files, and the call's
 * deadline holds inside it.
 */
class LibraryInstrumentationTest {
    private static final String PROBE = """
            package fakelib;
            public final class Probe {
                private static String secret() { return "library secret"; }
                public static Object env() { return System.getenv("PATH"); }
                public static Object envSize() { return System.getenv().size(); }
                public static Object home() { return System.getProperty("user.home"); }
                public static Object homeOr() { return System.getProperty("user.home", "fallback"); }
                public static Object os() { return System.getProperty("os.name"); }
                public static Object contextLoader() { return Thread.currentThread().getContextClassLoader(); }
                public static Object systemLoader() { return ClassLoader.getSystemClassLoader(); }
                public static Object ownLoader() { return Probe.class.getClassLoader(); }
                public static Object thread() { new Thread(() -> { }).start(); return "started"; }
                public static Object file() throws Exception { return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")); }
                public static Object ownReflection() throws Exception {
                    java.lang.reflect.Method m = Probe.class.getDeclaredMethod("secret");
                    m.setAccessible(true);
                    return m.invoke(null);
                }
                public static Object jdkReflection() throws Exception {
                    return String.class.getMethod("toUpperCase").invoke("abc");
                }
                public static Object refusedByReflection() throws Exception {
                    return ProcessBuilder.class.getConstructor(String[].class).newInstance((Object) new String[] {"true"});
                }
                public static Object kernelReflection(Object kernelObject) throws Exception {
                    java.lang.reflect.Method m = kernelObject.getClass().getDeclaredMethod("toString");
                    m.setAccessible(true);
                    return m.invoke(kernelObject);
                }
                public static Object kernelByHandle(Object kernelObject) throws Throwable {
                    return java.lang.invoke.MethodHandles.lookup().findVirtual(kernelObject.getClass(), "toString",
                            java.lang.invoke.MethodType.methodType(String.class)).invoke(kernelObject);
                }
                public static Object spin() { long n = 0; while (true) { n++; } }
            }
            """;

    static Class<?> probe;

    @BeforeAll
    static void defineLibrary() throws Exception {
        var jar = PluginJar.named("fake-lib").manifest("id: fake-lib\n").source("fakelib.Probe", PROBE).build();
        LibraryClassLoader loader = new LibraryClassLoader("probe", "1.0.0", List.of(PlatformLibrary.ofJars("fake-lib", List.of(jar))));
        probe = loader.loadClass("fakelib.Probe");
        assertSame(loader, probe.getClassLoader(), "the library's classes are its loader's own");
    }

    private static Object call(String method, Object... arguments) throws Throwable {
        Method m = arguments.length == 0 ? probe.getMethod(method) : probe.getMethod(method, Object.class);
        try {
            return m.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String refusal(String method, Object... arguments) {
        return assertThrows(PluginRefusedOperation.class, () -> call(method, arguments)).getMessage();
    }

    /** Reflection is refused the way the JDK refuses inaccessible members, so libraries take their fallback paths. */
    private static String reflectiveRefusal(String method, Object... arguments) {
        return assertThrows(IllegalAccessException.class, () -> call(method, arguments)).getMessage();
    }

    @Test
    void theEnvironmentReadsAsEmpty() throws Throwable {
        assertTrue(System.getenv("PATH") != null, "the test needs PATH set");
        assertNull(call("env"));
        assertEquals(0, call("envSize"));
    }

    @Test
    void onlyHarmlessSystemPropertiesAreVisible() throws Throwable {
        assertNull(call("home"));
        assertEquals("fallback", call("homeOr"));
        assertEquals(System.getProperty("os.name"), call("os"));
    }

    @Test
    void classLoaderLookUpsGiveTheLibrarysOwnLoader() throws Throwable {
        assertSame(call("ownLoader"), call("contextLoader"));
        assertSame(call("ownLoader"), call("systemLoader"));
    }

    @Test
    void threadsAndFilesAreRefused() {
        assertEquals("platform libraries may not call java.lang.Thread.<init>", refusal("thread"));
        assertTrue(refusal("file").startsWith("platform libraries may not call java.nio.file."));
    }

    @Test
    void reflectionWorksOnTheLibraryAndTheJdkButNotOnTheKernelOrRefusedMembers() throws Throwable {
        assertEquals("library secret", call("ownReflection"));
        assertEquals("ABC", call("jdkReflection"));
        assertEquals("platform libraries may not call java.lang.ProcessBuilder.<init> (by reflection)",
                     reflectiveRefusal("refusedByReflection"));
        Object kernelObject = new Object() {
            @Override
            public String toString() {
                return "kernel state";
            }
        };
        assertThrows(java.lang.reflect.InaccessibleObjectException.class, () -> call("kernelReflection", kernelObject),
                     "setAccessible on a kernel class is refused as the module system refuses it");
        assertTrue(reflectiveRefusal("kernelByHandle", kernelObject).contains("a class of the kernel"));
    }

    @Test
    void theCallsDeadlineHoldsInsideLibraryCode() {
        CallGuard.enter(CallGuard.budget(200_000_000L, 64L << 20));
        try {
            PluginCallAborted aborted = assertThrows(PluginCallAborted.class, () -> call("spin"));
            assertEquals(PluginCallAborted.Reason.DEADLINE, aborted.reason());
        } finally {
            CallGuard.exit();
        }
    }
}
