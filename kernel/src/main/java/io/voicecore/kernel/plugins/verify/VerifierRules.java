package io.voicecore.kernel.plugins.verify;

import static io.voicecore.kernel.plugins.verify.Category.CLASS_DEFINITION;
import static io.voicecore.kernel.plugins.verify.Category.ENVIRONMENT;
import static io.voicecore.kernel.plugins.verify.Category.EXITING;
import static io.voicecore.kernel.plugins.verify.Category.FILE_SYSTEM;
import static io.voicecore.kernel.plugins.verify.Category.INTERNALS;
import static io.voicecore.kernel.plugins.verify.Category.KERNEL_INTERNALS;
import static io.voicecore.kernel.plugins.verify.Category.NATIVE_CODE;
import static io.voicecore.kernel.plugins.verify.Category.NETWORK;
import static io.voicecore.kernel.plugins.verify.Category.PROCESSES;
import static io.voicecore.kernel.plugins.verify.Category.REFLECTION;
import static io.voicecore.kernel.plugins.verify.Category.THREADS;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The verifier's rule table. {@code docs/plugin-developer-guide.md} ("What the verifier refuses") lists
 * the same rules; a test keeps the two in step.
 *
 * <p>A reference is judged in this order: the first rule of {@link #RULES} that refuses it; otherwise a
 * class of the plugin's own jar, the SDK ({@code io/voicecore/sdk/**}) or an exported service package
 * the plugin may use is fine; otherwise a JDK class is fine when it matches {@link #JDK_ALLOWED}; anything
 * else is refused (JDK outside the allowlist, or another plugin's internals).
 */
public final class VerifierRules {

    /** Denials, checked in order; the first match decides the reason. */
    public static final List<VerifierRule> RULES = List.of(
            // file system
            rule(FILE_SYSTEM, "java/io/File", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/io/FileInputStream", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/io/FileOutputStream", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/io/FileReader", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/io/FileWriter", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/io/RandomAccessFile", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/io/FileDescriptor", "file descriptors reach the host's files and standard streams"),
            rule(FILE_SYSTEM, "java/io/PrintStream#<init>(Ljava/lang/String;*", "this constructor opens a file by name"),
            rule(FILE_SYSTEM, "java/io/PrintWriter#<init>(Ljava/lang/String;*", "this constructor opens a file by name"),
            rule(FILE_SYSTEM, "java/util/Formatter#<init>(Ljava/lang/String;*", "this constructor opens a file by name"),
            rule(FILE_SYSTEM, "java/nio/file/**", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/nio/channels/FileChannel", "the host's files are off limits; keep data in Storage"),
            rule(FILE_SYSTEM, "java/nio/channels/AsynchronousFileChannel", "the host's files are off limits"),
            rule(FILE_SYSTEM, "java/util/zip/ZipFile", "opens archives on the host's file system; read streams instead"),
            rule(FILE_SYSTEM, "java/util/jar/JarFile", "opens archives on the host's file system; read streams instead"),
            rule(FILE_SYSTEM, "java/util/prefs/**", "preferences are stored on the host; use PluginConfig"),
            // network
            rule(NETWORK, "java/net/Socket", "raw sockets bypass egress control; use HttpEgress"),
            rule(NETWORK, "java/net/ServerSocket", "plugins cannot listen; serve routes declared in the manifest"),
            rule(NETWORK, "java/net/DatagramSocket", "raw sockets bypass egress control; use HttpEgress"),
            rule(NETWORK, "java/net/MulticastSocket", "raw sockets bypass egress control; use HttpEgress"),
            rule(NETWORK, "java/net/SocketImpl*", "raw sockets bypass egress control; use HttpEgress"),
            rule(NETWORK, "java/net/URL#openConnection*", "opens a connection outside egress control; use HttpEgress"),
            rule(NETWORK, "java/net/URL#openStream*", "opens a connection outside egress control; use HttpEgress"),
            rule(NETWORK, "java/net/URL#getContent*", "opens a connection outside egress control; use HttpEgress"),
            rule(NETWORK, "java/net/URL#setURLStreamHandlerFactory*", "changes URL handling for the whole kernel"),
            rule(NETWORK, "java/net/URLConnection", "connections outside egress control; use HttpEgress"),
            rule(NETWORK, "java/net/HttpURLConnection", "connections outside egress control; use HttpEgress"),
            rule(NETWORK, "java/net/JarURLConnection", "connections outside egress control; use HttpEgress"),
            rule(NETWORK, "java/net/URLStreamHandler*", "custom URL handlers open connections outside egress control"),
            rule(NETWORK, "java/net/InetAddress", "name lookups reach the network outside egress control"),
            rule(NETWORK, "java/net/InetSocketAddress", "resolves host names outside egress control"),
            rule(NETWORK, "java/net/http/**", "HTTP outside egress control; use HttpEgress"),
            rule(NETWORK, "java/nio/channels/*SocketChannel", "raw sockets bypass egress control; use HttpEgress"),
            rule(NETWORK, "java/nio/channels/DatagramChannel", "raw sockets bypass egress control; use HttpEgress"),
            rule(NETWORK, "java/nio/channels/spi/**", "opens sockets and selectors outside egress control"),
            rule(NETWORK, "java/lang/System#inheritedChannel*", "the kernel's inherited network channel is off limits"),
            rule(NETWORK, "javax/net/**", "sockets and TLS outside egress control; use HttpEgress"),
            // processes
            rule(PROCESSES, "java/lang/ProcessBuilder*", "plugins cannot start operating-system processes"),
            rule(PROCESSES, "java/lang/Process", "plugins cannot control operating-system processes"),
            rule(PROCESSES, "java/lang/ProcessHandle*", "plugins cannot see or control operating-system processes"),
            rule(PROCESSES, "java/lang/Runtime#exec*", "plugins cannot start operating-system processes"),
            rule(PROCESSES, "java/util/spi/ToolProvider", "runs JDK tools, which read and write files, inside the kernel"),
            // exiting
            rule(EXITING, "java/lang/System#exit*", "would stop the kernel for every tenant"),
            rule(EXITING, "java/lang/Runtime#exit*", "would stop the kernel for every tenant"),
            rule(EXITING, "java/lang/Runtime#halt*", "would stop the kernel for every tenant"),
            rule(EXITING, "java/lang/Runtime#addShutdownHook*", "the kernel's shutdown is not the plugin's; use Plugin.stop()"),
            rule(EXITING, "java/lang/Runtime#removeShutdownHook*", "the kernel's shutdown is not the plugin's"),
            // environment and process-wide settings
            rule(ENVIRONMENT, "java/lang/System#getenv*", "the kernel's environment holds its secrets; use PluginConfig and Secrets"),
            rule(ENVIRONMENT, "java/lang/System#getProperties*", "exposes and shares every system property; use PluginConfig"),
            rule(ENVIRONMENT, "java/lang/System#setProperty*", "system properties are shared by the whole kernel"),
            rule(ENVIRONMENT, "java/lang/System#setProperties*", "system properties are shared by the whole kernel"),
            rule(ENVIRONMENT, "java/lang/System#clearProperty*", "system properties are shared by the whole kernel"),
            rule(ENVIRONMENT, "java/lang/System#setIn*", "standard streams are shared by the whole kernel; use PluginLog"),
            rule(ENVIRONMENT, "java/lang/System#setOut*", "standard streams are shared by the whole kernel; use PluginLog"),
            rule(ENVIRONMENT, "java/lang/System#setErr*", "standard streams are shared by the whole kernel; use PluginLog"),
            rule(ENVIRONMENT, "java/lang/System#setSecurityManager*", "changes the whole kernel's security policy"),
            rule(ENVIRONMENT, "java/lang/Thread#setDefaultUncaughtExceptionHandler*", "applies to every thread of the kernel"),
            rule(ENVIRONMENT, "java/util/Locale#setDefault*", "changes the default locale of the whole kernel"),
            rule(ENVIRONMENT, "java/util/TimeZone#setDefault*", "changes the default time zone of the whole kernel"),
            rule(ENVIRONMENT, "java/security/Security#set*", "changes security providers and properties of the whole kernel"),
            rule(ENVIRONMENT, "java/security/Security#add*", "changes security providers of the whole kernel"),
            rule(ENVIRONMENT, "java/security/Security#insert*", "changes security providers of the whole kernel"),
            rule(ENVIRONMENT, "java/security/Security#remove*", "changes security providers of the whole kernel"),
            rule(ENVIRONMENT, "java/security/Policy", "changes the whole kernel's security policy"),
            rule(ENVIRONMENT, "java/security/Provider", "security providers are shared by the whole kernel"),
            rule(ENVIRONMENT, "java/io/ObjectInputFilter$Config#set*", "changes deserialization filtering for the whole kernel"),
            rule(ENVIRONMENT, "java/util/logging/**", "logging configuration is the kernel's; use PluginLog"),
            // class definition
            rule(CLASS_DEFINITION, "java/lang/ClassLoader#<init>*", "class loaders define classes these checks never saw"),
            rule(CLASS_DEFINITION, "java/lang/ClassLoader#defineClass*", "defines classes these checks never saw"),
            rule(CLASS_DEFINITION, "extends java/lang/ClassLoader", "class loaders define classes these checks never saw"),
            rule(CLASS_DEFINITION, "java/security/SecureClassLoader", "class loaders define classes these checks never saw"),
            rule(CLASS_DEFINITION, "java/net/URLClassLoader", "class loaders load classes these checks never saw"),
            rule(CLASS_DEFINITION, "java/lang/invoke/MethodHandles$Lookup#defineClass*", "defines classes these checks never saw"),
            rule(CLASS_DEFINITION, "java/lang/invoke/MethodHandles$Lookup#defineHiddenClass*",
                 "defines classes these checks never saw"),
            rule(CLASS_DEFINITION, "java/lang/instrument/**", "instrumentation rewrites classes at run time"),
            rule(CLASS_DEFINITION, "java/lang/ModuleLayer#defineModules*", "defines class loaders and modules at run time"),
            // reflection (after class definition, whose more specific rules on the same types come first)
            rule(REFLECTION, "java/lang/reflect/**#setAccessible*", "breaks the encapsulation of other code"),
            rule(REFLECTION, "java/lang/reflect/**#trySetAccessible*", "breaks the encapsulation of other code"),
            rule(REFLECTION, "java/lang/reflect/Method#invoke*", "reflective calls bypass these checks; call the method directly"),
            rule(REFLECTION, "java/lang/reflect/Constructor#newInstance*", "reflective construction bypasses these checks; use new"),
            rule(REFLECTION, "java/lang/reflect/Field#get*(Ljava/lang/Object;)*", "reflective field access bypasses these checks"),
            rule(REFLECTION, "java/lang/reflect/Field#set*(Ljava/lang/Object;*", "reflective field access bypasses these checks"),
            rule(REFLECTION, "java/lang/Class#forName*", "loads classes by name, bypassing these checks"),
            rule(REFLECTION, "java/lang/Class#newInstance*", "reflective construction bypasses these checks; use new"),
            rule(REFLECTION, "java/lang/ClassLoader", "class loaders load classes by name, bypassing these checks"),
            rule(REFLECTION, "java/lang/Module#getResourceAsStream*", "reads resources through another class loader, e.g. the"
                                                                   + " kernel's class path; use getResourceAsStream on the plugin's own classes"),
            rule(REFLECTION, "java/lang/invoke/MethodHandles#privateLookupIn*", "breaks the encapsulation of other code"),
            rule(REFLECTION, "java/lang/invoke/MethodHandles$Lookup",
                 "finds methods and fields by name, bypassing these checks; call them directly"),
            rule(REFLECTION, "java/util/ServiceLoader", "instantiates classes by name from the kernel's class path"),
            rule(REFLECTION, "java/util/ResourceBundle#getBundle*", "instantiates classes by name"),
            rule(REFLECTION, "java/io/ObjectInputStream", "deserialization instantiates classes by name; use Json"),
            // JDK internals
            rule(INTERNALS, "sun/**", "Unsafe and internal classes break memory safety and isolation"),
            rule(INTERNALS, "com/sun/**", "internal classes of the JDK are not an API"),
            rule(INTERNALS, "jdk/internal/**", "internal classes of the JDK are not an API"),
            // native code
            rule(NATIVE_CODE, "java/lang/System#load*", "native libraries run outside the JVM's safety"),
            rule(NATIVE_CODE, "java/lang/Runtime#load*", "native libraries run outside the JVM's safety"),
            rule(NATIVE_CODE, "java/lang/foreign/**", "the foreign function and memory API reaches native code and memory"),
            rule(NATIVE_CODE, "native method", "native methods run outside the JVM's safety"),
            // threads
            rule(THREADS, "java/lang/Thread#<init>*", "plugins run on the kernel's threads, within their deadline and"
                                                      + " concurrency limit"),
            rule(THREADS, "extends java/lang/Thread", "plugins run on the kernel's threads"),
            rule(THREADS, "java/lang/Thread#start*", "plugins run on the kernel's threads"),
            rule(THREADS, "java/lang/Thread#ofPlatform*", "plugins run on the kernel's threads"),
            rule(THREADS, "java/lang/Thread#ofVirtual*", "plugins run on the kernel's threads"),
            rule(THREADS, "java/lang/Thread#getAllStackTraces*", "exposes every thread of the kernel"),
            rule(THREADS, "java/lang/Thread#enumerate*", "exposes other threads of the kernel"),
            rule(THREADS, "java/lang/Thread#setContextClassLoader*", "changes the kernel thread the call runs on"),
            rule(THREADS, "java/lang/Thread#setUncaughtExceptionHandler*", "changes the kernel thread the call runs on"),
            rule(THREADS, "java/lang/Thread#setPriority*", "changes the kernel thread the call runs on"),
            rule(THREADS, "java/lang/Thread#setName*", "changes the kernel thread the call runs on"),
            rule(THREADS, "java/lang/Thread#setDaemon*", "changes the kernel thread the call runs on"),
            rule(THREADS, "java/lang/Thread$Builder*", "plugins run on the kernel's threads"),
            rule(THREADS, "java/lang/ThreadGroup", "reaches every thread of the kernel"),
            rule(THREADS, "java/lang/ref/Cleaner#create*", "starts a thread"),
            rule(THREADS, "java/util/Timer", "starts a thread"),
            rule(THREADS, "java/util/concurrent/Executors", "creates thread pools"),
            rule(THREADS, "java/util/concurrent/ThreadPoolExecutor", "creates thread pools"),
            rule(THREADS, "java/util/concurrent/ScheduledThreadPoolExecutor", "creates thread pools"),
            rule(THREADS, "java/util/concurrent/ForkJoinPool", "runs work on thread pools outside the plugin's limits"),
            rule(THREADS, "java/util/concurrent/ForkJoinWorkerThread", "plugins run on the kernel's threads"),
            rule(THREADS, "java/util/concurrent/ForkJoinTask#fork*", "runs work on the common pool outside the plugin's limits"),
            rule(THREADS, "java/util/concurrent/ForkJoinTask#invokeAll*", "runs work on the common pool"),
            rule(THREADS, "java/util/concurrent/ThreadFactory", "creates threads"),
            rule(THREADS, "java/util/concurrent/StructuredTaskScope*", "starts threads"),
            rule(THREADS, "java/util/concurrent/SubmissionPublisher", "delivers on the common pool"),
            rule(THREADS, "java/util/concurrent/CompletableFuture#*Async*", "runs work on other threads, outside the"
                                                                            + " plugin's deadline"),
            rule(THREADS, "java/util/concurrent/CompletableFuture#delayedExecutor*", "runs work on other threads"),
            rule(THREADS, "java/util/concurrent/CompletableFuture#defaultExecutor*", "hands out the common pool"),
            rule(THREADS, "java/util/concurrent/CompletableFuture#orTimeout*", "completes on a kernel-wide timer thread"),
            rule(THREADS, "java/util/concurrent/CompletableFuture#completeOnTimeout*", "completes on a kernel-wide timer thread"),
            rule(THREADS, "java/util/concurrent/ConcurrentHashMap#*(J*", "parallel bulk operations run on the common pool"),
            rule(THREADS, "java/util/**#parallelStream*", "parallel streams run on the common pool; use stream()"),
            rule(THREADS, "java/util/stream/*#parallel*", "parallel streams run on the common pool"),
            rule(THREADS, "java/util/stream/StreamSupport", "can create parallel streams, which run on the common pool"),
            rule(THREADS, "java/util/Arrays#parallel*", "runs on the common pool; use the sequential method"),
            rule(THREADS, "declares finalize()V", "finalizers run on the JVM's own thread, outside the plugin's deadline;"
                                                  + " release resources in Plugin.stop() or with try-with-resources"),
            // kernel internals and server libraries
            // Entry points of platform libraries that would do for a plugin what it may not do itself. The
            // libraries' own code is also refused these things at run time; these give the reason at install.
            rule(FILE_SYSTEM, "kotlin/io/**", "platform library: Kotlin's file helpers reach the host's files"),
            rule(THREADS, "kotlin/concurrent/**", "platform library: Kotlin's thread and timer helpers start threads"),
            rule(ENVIRONMENT, "com/openai/**#fromEnv*", "platform library: reads the kernel's environment; pass the API key"
                                                         + " from Secrets"),
            rule(REFLECTION, "com/fasterxml/jackson/databind/ObjectMapper#activateDefaultTyping*",
                 "platform library: default typing instantiates classes named by the input"),
            rule(REFLECTION, "com/fasterxml/jackson/databind/ObjectMapper#enableDefaultTyping*",
                 "platform library: default typing instantiates classes named by the input"),
            rule(REFLECTION, "com/fasterxml/jackson/databind/**#setDefaultTyping*",
                 "platform library: default typing instantiates classes named by the input"),
            rule(REFLECTION, "com/fasterxml/jackson/databind/ObjectMapper#findAndRegisterModules*",
                 "platform library: loads modules by name from the class path"),
            rule(REFLECTION, "com/fasterxml/jackson/databind/ObjectMapper#findModules*",
                 "platform library: loads modules by name from the class path"),
            rule(FILE_SYSTEM, "com/fasterxml/jackson/**#*(Ljava/io/File;*", "platform library: reads or writes the host's files"),
            rule(FILE_SYSTEM, "com/fasterxml/jackson/**#*(Ljava/nio/file/Path;*", "platform library: reads or writes the host's"
                                                                                 + " files"),
            rule(NETWORK, "com/fasterxml/jackson/**#*(Ljava/net/URL;*", "platform library: opens a connection outside egress"
                                                                        + " control"),
            rule(KERNEL_INTERNALS, "io/voicecore/kernel/**", "use the kernel through the SDK (io.voicecore.sdk) only"),
            rule(KERNEL_INTERNALS, "org/pf4j/**", "the plugin loader is the kernel's"),
            rule(KERNEL_INTERNALS, "io/helidon/**", "the web server is the kernel's; serve routes through PluginSetup"),
            rule(KERNEL_INTERNALS, "com/zaxxer/**", "the connection pool is the kernel's; use Storage"),
            rule(KERNEL_INTERNALS, "org/postgresql/**", "the database driver is the kernel's; use Storage"),
            rule(KERNEL_INTERNALS, "redis/clients/**", "the cache client is the kernel's"),
            rule(KERNEL_INTERNALS, "org/flywaydb/**", "migrations are run by the kernel from db/migration in the jar"),
            rule(KERNEL_INTERNALS, "io/zonky/**", "the embedded database is the kernel's"),
            rule(KERNEL_INTERNALS, "java/sql/DriverManager", "database connections are the kernel's; use Storage"),
            rule(KERNEL_INTERNALS, "javax/sql/**", "database connections are the kernel's; use Storage"));

    /**
     * The JDK types a plugin may use once no rule refused them: the language, collections, concurrency
     * primitives (not thread pools), text, time, math, regular expressions, streams, byte and character
     * I/O over streams, buffers and charsets, URIs and URL encoding, digests, keys and ciphers.
     */
    public static final List<String> JDK_ALLOWED = List.of(
            "java/lang/*", "java/lang/annotation/*", "java/lang/constant/*", "java/lang/invoke/*", "java/lang/ref/*",
            "java/lang/reflect/*", "java/lang/runtime/*",
            "java/math/*", "java/text/*", "java/time/**",
            "java/util/*", "java/util/concurrent/*", "java/util/concurrent/atomic/*", "java/util/concurrent/locks/*",
            "java/util/function/*", "java/util/random/*", "java/util/regex/*", "java/util/stream/*",
            "java/util/zip/*", "java/util/jar/*",
            "java/io/*", "java/nio/*", "java/nio/charset/*",
            "java/net/URI", "java/net/URISyntaxException", "java/net/URL", "java/net/MalformedURLException",
            "java/net/URLEncoder", "java/net/URLDecoder",
            "java/security/*", "java/security/spec/*", "java/security/interfaces/*",
            "javax/crypto/*", "javax/crypto/spec/*", "javax/crypto/interfaces/*");

    static final List<Pattern> JDK_ALLOWED_PATTERNS = JDK_ALLOWED.stream()
            .map(glob -> VerifierRule.Target.of(glob).owner().orElseThrow()).toList();

    private VerifierRules() {
    }

    /**
     * The first rule refusing a reference to a member.
     *
     * @param owner     internal name of the owning type, e.g. {@code java/lang/System}
     * @param signature name followed by the descriptor, e.g. {@code exit(I)V}
     * @return the rule, if any refuses it
     */
    public static Optional<VerifierRule> refusingMember(String owner, String signature) {
        return RULES.stream().filter(rule -> rule.target().refusesMember(owner, signature)).findFirst();
    }

    private static VerifierRule rule(Category category, String target, String note) {
        return new VerifierRule(category, VerifierRule.Target.of(target), note);
    }
}
