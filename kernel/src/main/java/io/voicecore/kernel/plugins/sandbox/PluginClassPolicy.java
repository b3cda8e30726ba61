package io.voicecore.kernel.plugins.sandbox;

import java.util.List;
import java.util.Set;

/**
 * Which classes outside its own jar a plugin's class loader may resolve: the SDK, the allowed parts of
 * the JDK, the call guard injected into its code, and the exported service packages of plugins it
 * requires. Everything else (kernel internals, server libraries, other plugins, file, socket, process
 * and database APIs) does not exist for the plugin. The bytecode verifier refuses such references at
 * install time; this is the second, independent wall.
 */
public final class PluginClassPolicy {
    /** At least every package of the verifier's JDK allowlist ({@code VerifierRules.JDK_ALLOWED}); a test keeps them in step. */
    private static final List<String> ALLOWED_JDK_PACKAGES = List.of(
            "java.lang", "java.lang.invoke", "java.lang.runtime", "java.lang.annotation", "java.lang.constant",
            "java.lang.ref", "java.lang.reflect",
            "java.util", "java.util.function", "java.util.stream", "java.util.regex", "java.util.random", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.util.zip", "java.util.jar",
            "java.time", "java.time.format", "java.time.temporal", "java.time.chrono", "java.time.zone",
            "java.math", "java.text", "java.io", "java.nio", "java.nio.charset", "java.net",
            "java.security", "java.security.spec", "java.security.interfaces",
            "javax.crypto", "javax.crypto.spec", "javax.crypto.interfaces");

    /** Classes inside allowed packages that reach files, sockets, processes, class definition or thread pools. */
    private static final Set<String> DENIED_CLASSES = Set.of(
            "java.io.File", "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.FileReader", "java.io.FileWriter",
            "java.io.RandomAccessFile", "java.io.FileDescriptor", "java.io.Console", "java.util.zip.ZipFile", "java.util.jar.JarFile",
            "java.lang.ProcessBuilder", "java.lang.Process", "java.lang.ProcessHandle", "java.lang.Runtime",
            "java.lang.ClassLoader", "java.lang.Module", "java.lang.ModuleLayer", "java.lang.StackWalker",
            "java.net.Socket", "java.net.ServerSocket", "java.net.DatagramSocket", "java.net.MulticastSocket",
            "java.net.URLConnection", "java.net.HttpURLConnection", "java.net.JarURLConnection", "java.net.URLClassLoader",
            "java.net.SocketImpl", "java.net.ProxySelector",
            "java.util.concurrent.Executors", "java.util.concurrent.ThreadPoolExecutor",
            "java.util.concurrent.ScheduledThreadPoolExecutor", "java.util.concurrent.ForkJoinPool", "java.util.Timer",
            "java.util.ServiceLoader", "java.security.SecureClassLoader", "java.lang.reflect.AccessibleObject");

    private static final String SDK_PREFIX = "io.voicecore.sdk.";
    /** Kernel classes instrumented code calls or sees thrown: the only kernel classes plugins and libraries resolve. */
    private static final Set<String> GUARD_CLASSES = Set.of(CallGuard.class.getName(), LibraryGuard.class.getName(),
                                                            PluginCallAborted.class.getName(),
                                                            PluginRefusedOperation.class.getName());

    private PluginClassPolicy() {
    }

    /** Where a class a plugin asks for comes from. */
    public enum Source { JDK, KERNEL, OWN_OR_EXPORTED, DENIED }

    public static Source sourceOf(String className) {
        if (isGuardClass(className)) {
            return Source.KERNEL;
        }
        if (className.startsWith(SDK_PREFIX)) {
            return Source.KERNEL;
        }
        String pkg = packageOf(className);
        if (pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("jdk.") || pkg.startsWith("sun.")
            || pkg.startsWith("com.sun.")) {
            String outer = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
            return ALLOWED_JDK_PACKAGES.contains(pkg) && !DENIED_CLASSES.contains(outer) ? Source.JDK : Source.DENIED;
        }
        // The same platform packages the verifier refuses a jar to declare: other io.voicecore packages (the
        // company's own plugins, e.g. io.voicecore.examples) are ordinary plugin packages.
        if (className.startsWith("io.voicecore.kernel.") || className.startsWith("org.pf4j.") || className.startsWith("io.helidon.")) {
            return Source.DENIED;
        }
        return Source.OWN_OR_EXPORTED;
    }

    static boolean isGuardClass(String className) {
        return GUARD_CLASSES.contains(className);
    }

    public static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }
}
