package io.voicecore.kernel.plugins.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import io.voicecore.sdk.SdkVersion;
import org.objectweb.asm.Type;

/**
 * The API of one SDK version as plugins link against it: every public type in the SDK's packages with its kind
 * (class or interface), its direct supertypes, and its public and protected constructors, methods and fields
 * (synthetic members left out). The verifier judges a plugin's references into the SDK against one
 * ({@link PluginVerifier#sdkLinkage}): at install against {@link #running()}, the SDK this kernel runs; elsewhere,
 * e.g. when a submission is reviewed for every kernel its manifest admits, against the {@link #listing()} of an
 * earlier or later SDK version, read back with {@link #parse}.
 *
 * <p>A listing is plain text, one type per line followed by its members, each indented by two spaces, with names in
 * JVM internal form and members as name and descriptor; types and members are sorted, so the listing of an SDK is
 * always the same text:
 *
 * <pre>
 * sdk 1.0
 * class io/voicecore/sdk/Caller extends java/lang/Record
 *   field ...
 *   method &lt;init&gt;(Ljava/lang/String;Ljava/lang/String;)V
 *   method actorId()Ljava/lang/String;
 * interface io/voicecore/sdk/Plugin
 *   method setup(Lio/voicecore/sdk/PluginSetup;)V
 * </pre>
 *
 * <p>A line starting with {@code #} is a comment. Supertypes outside the SDK (the JDK's {@code Record},
 * {@code RuntimeException}) are named but not described: members inherited from them are looked up in the running
 * JDK.
 */
public final class SdkApi {
    static final String SDK_PREFIX = "io/voicecore/sdk/";
    private static final SdkApi RUNNING = new SdkApi(SdkVersion.text(), true, SdkApi::reflected, SdkApi::runningTypeNames);
    /** The running SDK's types read so far (only types that exist: a jar naming endless missing ones grows nothing). */
    private static final Map<String, Described> REFLECTED = new ConcurrentHashMap<>();
    private static final Pattern TYPE_LINE = Pattern.compile("(class|interface) (\\S+)( extends( \\S+)+)?");
    private static final Pattern METHOD_LINE = Pattern.compile(" {2}method ([^\\s(]+\\([^\\s)]*\\)\\S+)");
    private static final Pattern FIELD_LINE = Pattern.compile(" {2}field (\\S+ \\S+)");

    /**
     * One type as plugins link against it.
     *
     * @param name       internal name, e.g. {@code io/voicecore/sdk/Caller}
     * @param supertypes the superclass (a class's first entry, none for an interface), then the interfaces, as declared
     * @param methods    constructors ({@code <init>}) and methods: name followed by descriptor
     * @param fields     name, a space and descriptor, e.g. {@code MAJOR I}
     */
    record Described(String name, boolean isInterface, List<String> supertypes, Set<String> methods, Set<String> fields) {
        Described {
            supertypes = List.copyOf(supertypes);
            methods = Collections.unmodifiableSet(new TreeSet<>(methods));
            fields = Collections.unmodifiableSet(new TreeSet<>(fields));
        }
    }

    private final String version;
    private final boolean running;
    private final Function<String, Optional<Described>> types;
    private final Supplier<Set<String>> typeNames;
    /** References that link against this SDK, remembered (bounded by the SDK's own members). */
    private final Set<String> links = ConcurrentHashMap.newKeySet();

    private SdkApi(String version, boolean running, Function<String, Optional<Described>> types, Supplier<Set<String>> typeNames) {
        this.version = version;
        this.running = running;
        this.types = types;
        this.typeNames = typeNames;
    }

    /** The SDK this kernel runs, read by reflection from the very classes plugins link against. */
    public static SdkApi running() {
        return RUNNING;
    }

    /**
     * Reads a listing written by {@link #listing()}.
     *
     * @param listing the text
     * @return the SDK it describes
     * @throws IllegalArgumentException naming the first line that is not part of a listing
     */
    public static SdkApi parse(String listing) {
        Map<String, Described> types = new TreeMap<>();
        String version = null;
        String type = null;
        boolean isInterface = false;
        List<String> supertypes = List.of();
        Set<String> methods = new TreeSet<>();
        Set<String> fields = new TreeSet<>();
        List<String> lines = listing.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher typeLine = TYPE_LINE.matcher(line);
            Matcher methodLine = METHOD_LINE.matcher(line);
            Matcher fieldLine = FIELD_LINE.matcher(line);
            if (version == null) {
                if (!line.matches("sdk \\d+\\.\\d+")) {
                    throw malformed(i, line, "a listing starts with 'sdk MAJOR.MINOR'");
                }
                version = line.substring(4);
            } else if (typeLine.matches()) {
                if (type != null) {
                    types.put(type, new Described(type, isInterface, supertypes, methods, fields));
                }
                type = typeLine.group(2);
                if (!type.startsWith(SDK_PREFIX) || types.containsKey(type)) {
                    throw malformed(i, line, "each type is in the SDK's packages and listed once");
                }
                isInterface = typeLine.group(1).equals("interface");
                supertypes = typeLine.group(3) == null ? List.of() : List.of(typeLine.group(3).substring(" extends ".length()).split(" "));
                methods = new TreeSet<>();
                fields = new TreeSet<>();
            } else if (methodLine.matches() && type != null) {
                methods.add(methodLine.group(1));
            } else if (fieldLine.matches() && type != null) {
                fields.add(fieldLine.group(1));
            } else {
                throw malformed(i, line, "expected 'class NAME [extends SUPERTYPES]', 'interface NAME [extends SUPERTYPES]',"
                                         + " '  method NAME+DESCRIPTOR' or '  field NAME DESCRIPTOR'");
            }
        }
        if (version == null) {
            throw new IllegalArgumentException("an SDK API listing starts with 'sdk MAJOR.MINOR'; this text has no such line");
        }
        if (type != null) {
            types.put(type, new Described(type, isInterface, supertypes, methods, fields));
        }
        Map<String, Described> parsed = Map.copyOf(types);
        Set<String> names = Collections.unmodifiableSet(new TreeSet<>(parsed.keySet()));
        return new SdkApi(version, false, name -> Optional.ofNullable(parsed.get(name)), () -> names);
    }

    private static IllegalArgumentException malformed(int index, String line, String expected) {
        return new IllegalArgumentException("line " + (index + 1) + " of the SDK API listing, '" + line + "', is not"
                                            + " understood: " + expected);
    }

    /** The version, {@code MAJOR.MINOR}. */
    public String version() {
        return version;
    }

    /**
     * The listing of this SDK, which {@link #parse} reads back. For the running SDK, its types are found in the jar
     * or folder {@code io.voicecore.sdk.SdkVersion} was loaded from.
     */
    public String listing() {
        StringBuilder text = new StringBuilder("# The public API of VoiceCore SDK ").append(version)
                .append(" as plugins link against it (io.voicecore.kernel.plugins.verify.SdkApi).\n")
                .append("sdk ").append(version).append('\n');
        for (String name : typeNames.get()) {
            Described type = type(name).orElseThrow();
            text.append(type.isInterface() ? "interface " : "class ").append(name);
            if (!type.supertypes().isEmpty()) {
                text.append(" extends ").append(String.join(" ", type.supertypes()));
            }
            text.append('\n');
            type.fields().forEach(field -> text.append("  field ").append(field).append('\n'));
            type.methods().forEach(method -> text.append("  method ").append(method).append('\n'));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "SDK " + version + (running ? " (running)" : "");
    }

    /** Whether this is the SDK this kernel runs (its mismatches then tell the author to rebuild). */
    boolean isRunning() {
        return running;
    }

    /** The public SDK type with this internal name, if this SDK has it. */
    Optional<Described> type(String internalName) {
        return internalName.startsWith(SDK_PREFIX) ? types.apply(internalName) : Optional.empty();
    }

    /** The references already known to link against this SDK. */
    Set<String> links() {
        return links;
    }

    /** Every public type among the class files of the running SDK's jar or folder. */
    private static Set<String> runningTypeNames() {
        Set<String> names = new TreeSet<>();
        try {
            Path location = Path.of(SdkVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> entries = new ArrayList<>();
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    files.filter(Files::isRegularFile).forEach(file -> entries.add(location.relativize(file).toString()
                            .replace(location.getFileSystem().getSeparator(), "/")));
                }
            } else {
                try (ZipFile jar = new ZipFile(location.toFile())) {
                    jar.stream().forEach(entry -> entries.add(entry.getName()));
                }
            }
            for (String entry : entries) {
                if (entry.startsWith(SDK_PREFIX) && entry.endsWith(".class") && !entry.endsWith("-info.class")) {
                    String name = entry.substring(0, entry.length() - ".class".length());
                    if (reflect(name).isPresent()) {
                        names.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the SDK's classes", e);
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find where the SDK's classes were loaded from", e);
        }
        return names;
    }

    private static Optional<Described> reflected(String internalName) {
        Described known = REFLECTED.get(internalName);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Described> found = reflect(internalName);
        found.ifPresent(type -> REFLECTED.put(internalName, type));
        return found;
    }

    /** The running SDK's public type of this name, read by reflection. */
    private static Optional<Described> reflect(String internalName) {
        try {
            Class<?> type = Class.forName(internalName.replace('/', '.'), false, SdkVersion.class.getClassLoader());
            return Modifier.isPublic(type.getModifiers()) && !type.isSynthetic() ? Optional.of(describe(type)) : Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * A type as plugins link against it: its public and protected members, synthetic ones left out. Used for the JDK's
     * types that SDK types extend, too.
     *
     * @throws IllegalStateException when a public SDK type extends a type of the SDK that is not public (a listing could
     *                               not describe what it inherits)
     */
    static Described describe(Class<?> type) {
        List<String> supertypes = new ArrayList<>();
        if (type.getSuperclass() != null) {
            supertypes.add(Type.getInternalName(type.getSuperclass()));
        }
        for (Class<?> implemented : type.getInterfaces()) {
            supertypes.add(Type.getInternalName(implemented));
        }
        for (String supertype : supertypes) {
            if (supertype.startsWith(SDK_PREFIX) && Type.getInternalName(type).startsWith(SDK_PREFIX)
                && reflect(supertype).isEmpty()) {
                throw new IllegalStateException("SDK type " + type.getName() + " extends " + supertype
                                                + ", which is not public: plugins could not link what it inherits");
            }
        }
        Set<String> methods = new TreeSet<>();
        Set<String> fields = new TreeSet<>();
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (linkable(constructor)) {
                methods.add("<init>" + Type.getConstructorDescriptor(constructor));
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (linkable(method)) {
                methods.add(method.getName() + Type.getMethodDescriptor(method));
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (linkable(field)) {
                fields.add(field.getName() + " " + Type.getDescriptor(field.getType()));
            }
        }
        return new Described(Type.getInternalName(type), type.isInterface(), supertypes, methods, fields);
    }

    private static boolean linkable(Member member) {
        return (Modifier.isPublic(member.getModifiers()) || Modifier.isProtected(member.getModifiers())) && !member.isSynthetic();
    }
}
