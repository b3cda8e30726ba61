package io.voicecore.kernel.plugins.verify;

import static io.voicecore.kernel.plugins.verify.PluginVerifier.MAX_ENTRIES;
import static io.voicecore.kernel.plugins.verify.PluginVerifier.MAX_ENTRY_BYTES;
import static io.voicecore.kernel.plugins.verify.PluginVerifier.MAX_TOTAL_BYTES;
import static io.voicecore.kernel.plugins.verify.PluginVerifier.binaryName;
import static io.voicecore.kernel.plugins.verify.PluginVerifier.firstRule;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.manifest.ManifestException;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A plugin jar read without loading anything, refused when it is not well formed: a readable zip whose
 * central directory and local entries agree, without nested jars or entry names that escape the jar, within
 * {@link PluginVerifier}'s size limits, with a valid {@code plugin.yaml} whose {@code main} class is in the
 * jar, implements {@code io.voicecore.sdk.Plugin} and has a public no-argument constructor, and with no
 * classes in platform packages or in packages the verifier refuses.
 *
 * <p>Its classes are read with ASM only as far as their declarations (pass one of a verification): enough to
 * know which types are the plugin's own and where their members are inherited from. {@link PluginVerifier}
 * then judges the references in their code.
 */
final class JarContents {
    /** The manifest's entry name, at the jar's root. */
    static final String MANIFEST = "plugin.yaml";
    /**
     * Packages a plugin's own classes may not be declared in: {@link PluginManifest#PLATFORM_PACKAGES} in JVM
     * internal form (the verifier fingerprint quotes this list).
     */
    static final List<String> PLATFORM_PACKAGES = PluginManifest.PLATFORM_PACKAGES.stream()
            .map(name -> name.replace('.', '/')).toList();
    private static final String PLUGIN_INTERFACE = "io/voicecore/sdk/Plugin";

    private final Map<String, ClassInfo> own = new HashMap<>();
    private final Map<String, ClassReader> readers = new LinkedHashMap<>();

    private JarContents() {
    }

    /**
     * Reads a jar and its classes' declarations, adding to {@code violations} all that makes it not well formed.
     *
     * @param jar        the jar
     * @param manifests  reads the jar's {@code plugin.yaml}
     * @param violations where violations are added
     * @return the jar's classes; empty when the zip itself cannot be trusted (unreadable, too large, or its
     *         central directory and local entries disagree), so that none of its classes is judged
     */
    static Optional<JarContents> read(Path jar, ManifestParser manifests, List<Violation> violations) {
        return entries(jar, violations).map(entries -> {
            JarContents contents = new JarContents();
            Optional<PluginManifest> manifest = manifest(entries, manifests, violations);
            entries.classes().forEach((entry, bytes) -> contents.readHeader(entry, bytes, violations));
            manifest.ifPresent(m -> {
                if (m.isScript()) {
                    checkScript(m, entries, violations);
                } else {
                    contents.checkMain(m.main().replace('.', '/'), violations);
                }
            });
            return contents;
        });
    }

    /** @return the classes whose references are to be judged, by entry name, in the jar's order */
    Map<String, ClassReader> classes() {
        return readers;
    }

    /** @return whether the type (internal name) is one of the jar's own classes */
    boolean isOwn(String type) {
        return own.containsKey(type);
    }

    /**
     * The first types outside the jar from which a member referenced on one of the jar's classes is
     * inherited: the member is looked up through the jar's superclasses and interfaces, stopping at
     * the classes that declare it.
     */
    Set<String> inheritedFrom(String owner, String signature, boolean method) {
        Set<String> external = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(owner));
        while (!todo.isEmpty()) {
            String type = todo.pop();
            if (!seen.add(type)) {
                continue;
            }
            ClassInfo info = own.get(type);
            if (info == null) {
                external.add(type);
                continue;
            }
            boolean declared = method ? info.methods().containsKey(signature) : info.fields().contains(signature);
            if (!declared) {
                info.superName().ifPresent(todo::add);
                todo.addAll(info.interfaces());
            }
        }
        return external;
    }

    /** A violation of the jar's packaging, as a whole or in one entry. */
    static Violation packaging(String subject, String api, String problem) {
        return new Violation(subject, Violation.JAR, api, Category.PACKAGING.label() + ": " + problem);
    }

    /** The entries that matter: class files by entry name, and the manifest. */
    private record Entries(Map<String, byte[]> classes, Optional<byte[]> manifest, Set<String> scripts) {
    }

    /** What pass one learns about a class of the jar. */
    private record ClassInfo(String name, int access, Optional<String> superName, List<String> interfaces,
                             Map<String, Integer> methods, Set<String> fields) {
    }

    private static Optional<Entries> entries(Path jar, List<Violation> violations) {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        Set<String> scripts = new java.util.HashSet<>();
        byte[] manifest = null;
        List<String> central = new ArrayList<>();
        long total = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                central.add(name);
                if (central.size() > MAX_ENTRIES) {
                    violations.add(packaging("<jar>", "entries", "the jar has more than " + MAX_ENTRIES + " entries"));
                    return Optional.empty();
                }
                if (escapes(name)) {
                    violations.add(packaging(name, name, "the entry name is absolute, uses '\\' or contains '..';"
                                                         + " every entry must stay inside the jar"));
                    continue;
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.endsWith(".js")) {
                    scripts.add(name);
                }
                if (name.endsWith(".jar")) {
                    violations.add(packaging(name, name, "nested jars are not verified and cannot be loaded; merge the"
                                                         + " library's classes into the plugin jar (shade it)"));
                    continue;
                }
                if (!name.endsWith(".class") && !name.equals(MANIFEST)) {
                    continue;
                }
                Optional<byte[]> bytes = readLimited(zip.getInputStream(entry));
                if (bytes.isEmpty()) {
                    violations.add(packaging(name, name, "the entry is larger than " + MAX_ENTRY_BYTES + " bytes"));
                    continue;
                }
                total += bytes.get().length;
                if (total > MAX_TOTAL_BYTES) {
                    violations.add(packaging("<jar>", "size", "the classes are larger than " + MAX_TOTAL_BYTES
                                                              + " bytes in total"));
                    return Optional.empty();
                }
                if (name.equals(MANIFEST)) {
                    manifest = bytes.get();
                } else {
                    classes.put(name, bytes.get());
                }
            }
        } catch (IOException e) {
            violations.add(packaging("<jar>", "zip", "the file is not a readable jar: " + e.getMessage()));
            return Optional.empty();
        }
        try {
            List<String> local = localEntryNames(jar);
            if (!sorted(local).equals(sorted(central))) {
                violations.add(packaging("<jar>", "zip", "the jar's central directory and its local entries list different"
                                                         + " files; rebuild it with a standard jar tool"));
                return Optional.empty();
            }
        } catch (IOException e) {
            violations.add(packaging("<jar>", "zip", "the jar's entries cannot be read in order: " + e.getMessage()));
            return Optional.empty();
        }
        return Optional.of(new Entries(classes, Optional.ofNullable(manifest), Set.copyOf(scripts)));
    }

    private static boolean escapes(String name) {
        return name.startsWith("/") || name.contains("\\") || List.of(name.split("/")).contains("..");
    }

    private static Optional<byte[]> readLimited(InputStream in) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_ENTRY_BYTES + 1);
            return bytes.length > MAX_ENTRY_BYTES ? Optional.empty() : Optional.of(bytes);
        }
    }

    /** The entry names as a streaming reader (which some tools use to unpack plugins) sees them. */
    private static List<String> localEntryNames(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
                if (names.size() > MAX_ENTRIES) {
                    break;
                }
            }
        }
        return names;
    }

    private static List<String> sorted(Collection<String> names) {
        return names.stream().sorted().toList();
    }

    private static Optional<PluginManifest> manifest(Entries entries, ManifestParser manifests, List<Violation> violations) {
        if (entries.manifest().isEmpty()) {
            violations.add(packaging(MANIFEST, MANIFEST, "the jar has no plugin.yaml at its root; every plugin declares"
                                                         + " itself there (see docs/plugin-manifest.md)"));
            return Optional.empty();
        }
        try {
            return Optional.of(manifests.parse(new String(entries.manifest().get(), StandardCharsets.UTF_8)));
        } catch (ManifestException e) {
            e.errors().forEach(error -> violations.add(packaging(MANIFEST, MANIFEST + ":" + error.field(),
                    "plugin.yaml is invalid at " + error.field() + ": " + error.problem())));
            return Optional.empty();
        }
    }

    private void readHeader(String entry, byte[] bytes, List<Violation> violations) {
        ClassInfo[] info = new ClassInfo[1];
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                private final Map<String, Integer> methods = new HashMap<>();
                private final Set<String> fields = new HashSet<>();

                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                                  String[] interfaces) {
                    info[0] = new ClassInfo(name, access, Optional.ofNullable(superName),
                                            interfaces == null ? List.of() : List.of(interfaces), methods, fields);
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    methods.put(name + descriptor, access);
                    return null;
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                    fields.add(name);
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (RuntimeException e) {
            violations.add(packaging(entry, entry, "the class file cannot be read: " + e));
            return;
        }
        if ((info[0].access() & Opcodes.ACC_MODULE) != 0) {
            return; // module-info declares no code; plugins are loaded from the class path
        }
        String name = info[0].name();
        for (String platform : PLATFORM_PACKAGES) {
            if (name.startsWith(platform)) {
                violations.add(new Violation(binaryName(name), Violation.CLASS, name, Category.PACKAGING.label()
                        + ": a plugin may not declare classes in " + binaryName(platform) + "* (a split package would"
                        + " pose as the platform); move it to the plugin's own package"));
                return;
            }
        }
        Optional<VerifierRule> refused = firstRule(rule -> rule.target().refusesType(name));
        if (refused.isPresent()) {
            violations.add(new Violation(binaryName(name), Violation.CLASS, name, Category.PACKAGING.label()
                    + ": a plugin may not declare classes in a package the verifier refuses (" + refused.get().reason()
                    + "); move it to the plugin's own package"));
            return;
        }
        own.put(name, info[0]);
        readers.put(entry, reader);
    }

    /**
     * A script plugin has nothing for the bytecode rules to judge, so it may carry no class at all (one would run
     * outside the script sandbox's reach if anything ever loaded it), and must carry the script its manifest names.
     */
    private static void checkScript(PluginManifest manifest, Entries entries, List<Violation> violations) {
        entries.classes().keySet().forEach(entry -> violations.add(new Violation(entry, Violation.CLASS, "plugin.yaml:runtime",
                Category.PACKAGING.label() + ": a script plugin (runtime: javascript) carries no classes, but the jar"
                + " holds " + entry)));
        if (!entries.scripts().contains(manifest.main())) {
            violations.add(new Violation(manifest.main(), Violation.CLASS, "plugin.yaml:main", Category.PACKAGING.label()
                    + ": the script " + manifest.main() + " named in plugin.yaml is not in the jar"));
        }
    }

    private void checkMain(String main, List<Violation> violations) {
        String binary = binaryName(main);
        ClassInfo info = own.get(main);
        if (info == null) {
            violations.add(new Violation(binary, Violation.CLASS, "plugin.yaml:main", Category.PACKAGING.label()
                    + ": the main class " + binary + " named in plugin.yaml is not in the jar"));
            return;
        }
        if (!implementsPlugin(main, new HashSet<>())) {
            violations.add(new Violation(binary, Violation.CLASS, "plugin.yaml:main", Category.PACKAGING.label()
                    + ": the main class " + binary + " does not implement io.voicecore.sdk.Plugin"));
        }
        int concrete = Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE;
        if ((info.access() & Opcodes.ACC_PUBLIC) == 0 || (info.access() & concrete) != 0) {
            violations.add(new Violation(binary, Violation.CLASS, "plugin.yaml:main", Category.PACKAGING.label()
                    + ": the main class " + binary + " must be a public, non-abstract class"));
        }
        Integer constructor = info.methods().get("<init>()V");
        if (constructor == null || (constructor & Opcodes.ACC_PUBLIC) == 0) {
            violations.add(new Violation(binary, Violation.CLASS, "plugin.yaml:main", Category.PACKAGING.label()
                    + ": the main class " + binary + " needs a public constructor without arguments"));
        }
    }

    private boolean implementsPlugin(String type, Set<String> seen) {
        if (type.equals(PLUGIN_INTERFACE)) {
            return true;
        }
        ClassInfo info = own.get(type);
        if (info == null || !seen.add(type)) {
            return false;
        }
        if (info.superName().filter(s -> implementsPlugin(s, seen)).isPresent()) {
            return true;
        }
        return info.interfaces().stream().anyMatch(i -> implementsPlugin(i, seen));
    }
}
