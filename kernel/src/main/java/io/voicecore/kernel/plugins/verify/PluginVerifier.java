package io.voicecore.kernel.plugins.verify;

import static io.voicecore.kernel.plugins.verify.JarContents.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Install-time bytecode verification of a plugin jar: one of the layers that keep a plugin inside its
 * sandbox (the others are capability checks, class-loader isolation, database isolation and runtime
 * containment; each must hold on its own).
 *
 * <p>Every class in the jar is read with ASM, never loaded, and every reference it makes is judged by
 * {@link VerifierRules}: method calls and field accesses (by owner and member), type instructions,
 * class constants, method handles and bootstrap arguments of {@code invokedynamic} (so a method
 * reference such as {@code System::exit} counts as a call), the functional interface a lambda
 * implements, superclasses and interfaces, and native methods. Descriptors and generic signatures are
 * not judged: naming a type grants nothing without a reference above. A call on one of the plugin's own
 * classes that resolves to an inherited JDK method (e.g. {@code parallelStream()} on a subclass of
 * {@code ArrayList}) is judged as a call on that JDK class.
 *
 * <p>The jar itself must be well formed: a readable zip whose central directory and local entries
 * agree, without nested jars or entry names that escape the jar, within size limits, with a valid
 * {@code plugin.yaml} whose {@code main} class is in the jar, implements {@code io.voicecore.sdk.Plugin}
 * and has a public no-argument constructor, and with no classes in platform packages (a split package
 * would let the plugin pose as the JDK, the SDK or the kernel). {@code JarContents} reads the jar and checks
 * this before any reference is judged.
 *
 * <p>Stateless and safe for concurrent use.
 */
public final class PluginVerifier {
    /** Most entries a plugin jar may have. */
    public static final int MAX_ENTRIES = 10_000;
    /** Largest class file or manifest, uncompressed. */
    public static final int MAX_ENTRY_BYTES = 8 << 20;
    /** Largest total of class files and manifest, uncompressed. */
    public static final long MAX_TOTAL_BYTES = 128L << 20;

    private static final String SDK = "io/voicecore/sdk/";
    /** Every package of the running JDK's system modules. */
    private static final Set<String> JDK_PACKAGES = ModuleFinder.ofSystem().findAll().stream()
            .flatMap(module -> module.descriptor().packages().stream())
            .map(name -> name.replace('.', '/'))
            .collect(Collectors.toUnmodifiableSet());
    private static final VerifierRule NATIVE_METHOD_RULE = VerifierRules.RULES.stream()
            .filter(rule -> rule.target().kind() == VerifierRule.Target.Kind.NATIVE_METHOD).findFirst().orElseThrow();

    /**
     * The version of the verifier's own logic. The rule tables, the JDK's packages and the limits are part of
     * {@link #fingerprint} by content; this number covers what they do not show (how references are found and
     * judged), so raise it with any change to this class or to {@code JarContents} that could refuse a jar it used
     * to accept.
     */
    public static final int LOGIC_VERSION = 3;

    private final ManifestParser manifests;
    private final String rules;

    /** @param manifests reads the jar's {@code plugin.yaml} */
    public PluginVerifier(ManifestParser manifests) {
        this(manifests, LOGIC_VERSION);
    }

    /** A verifier whose logic claims another version: how a test stands in for a kernel with changed rules. */
    PluginVerifier(ManifestParser manifests, int logicVersion) {
        this.manifests = manifests;
        this.rules = rulesFingerprint(logicVersion);
    }

    /**
     * What a verification's verdict depends on besides the jar: this verifier's logic version, its rule tables, the
     * running JDK's packages, its limits, and the service and library packages the plugin was allowed. A jar that
     * passed under a fingerprint passes again under the same one, so the kernel may keep the verdict with the jar's
     * sha256 and verify again only when the fingerprint changes (a newer kernel, other rules, another JDK).
     *
     * @param allowedServicePackages as for {@link #verify(byte[], Set)}
     * @return a hex SHA-256
     */
    public String fingerprint(Set<String> allowedServicePackages) {
        StringBuilder text = new StringBuilder(rules).append("\nallowed:");
        allowedServicePackages.stream().map(p -> p.replace('.', '/')).sorted().distinct().forEach(p -> text.append(' ').append(p));
        return Sha256.hex(text.toString());
    }

    private static String rulesFingerprint(int logicVersion) {
        StringBuilder text = new StringBuilder("logic:").append(logicVersion).append("\nlimits:").append(MAX_ENTRIES).append(' ')
                .append(MAX_ENTRY_BYTES).append(' ').append(MAX_TOTAL_BYTES)
                .append("\nplatform:").append(JarContents.PLATFORM_PACKAGES);
        VerifierRules.RULES.forEach(rule -> text.append("\nrule:").append(rule.category()).append(' ')
                .append(rule.target().text()).append(' ').append(rule.note()));
        text.append("\njdk-allowed:").append(VerifierRules.JDK_ALLOWED).append("\njdk-packages:");
        JDK_PACKAGES.stream().sorted().forEach(p -> text.append(' ').append(p));
        return Sha256.hex(text.toString());
    }


    /**
     * Verifies a jar given as bytes (it is written to a temporary file, so that it is read through its
     * central directory exactly as a class loader would read it).
     *
     * @param jar                    the jar
     * @param allowedServicePackages packages of other plugins' exported service interfaces this plugin
     *                               may use, dotted ({@code io.voicecore.ai.api}) or in internal form;
     *                               may be empty
     * @return the report
     */
    public VerificationReport verify(byte[] jar, Set<String> allowedServicePackages) {
        return onFile(jar, file -> verify(file, allowedServicePackages));
    }

    /**
     * Verifies a jar file.
     *
     * @param jar                    the jar
     * @param allowedServicePackages packages of other plugins' exported service interfaces this plugin
     *                               may use, dotted or in internal form; may be empty
     * @return the report
     */
    public VerificationReport verify(Path jar, Set<String> allowedServicePackages) {
        List<Violation> violations = new ArrayList<>();
        Set<String> allowed = allowedServicePackages.stream().map(p -> p.replace('.', '/')).collect(Collectors.toSet());
        JarContents.read(jar, manifests, violations)
                .ifPresent(contents -> new Verification(contents, allowed, SdkApi.running(), true, violations).run());
        return new VerificationReport(violations);
    }

    /**
     * Which of a jar's references into the SDK do not link against an SDK version: the same scan and judgement that
     * {@link #verify} makes against the SDK this kernel runs (its {@link Category#SDK_COMPATIBILITY} violations), made
     * against another version's API, e.g. of an older kernel the plugin's manifest admits. Nothing else is judged.
     *
     * @param jar the jar
     * @param sdk the SDK version's API
     * @return the references that do not link, each a violation with class, method, API and reason; when the jar
     *         cannot be read as a zip at all, its packaging violations instead (no class could be judged)
     */
    public VerificationReport sdkLinkage(byte[] jar, SdkApi sdk) {
        return onFile(jar, file -> {
            List<Violation> packaging = new ArrayList<>();
            List<Violation> mismatches = new ArrayList<>();
            Optional<JarContents> contents = JarContents.read(file, manifests, packaging);
            contents.ifPresent(read -> new Verification(read, Set.of(), sdk, false, mismatches).run());
            return new VerificationReport(contents.isPresent() ? mismatches : packaging);
        });
    }

    /** Runs the work on the jar written to a temporary file, deleted afterwards. */
    private static VerificationReport onFile(byte[] jar, Function<Path, VerificationReport> work) {
        Path file = null;
        try {
            file = Files.createTempFile("plugin-verify-", ".jar");
            Files.write(file, jar);
            return work.apply(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the jar to a temporary file for verification", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // A leftover temporary file is harmless; the verification result stands.
                }
            }
        }
    }

    static String binaryName(String internalName) {
        return internalName.replace('/', '.');
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    static Optional<VerifierRule> firstRule(Predicate<VerifierRule> refuses) {
        return VerifierRules.RULES.stream().filter(refuses).findFirst();
    }

    /** A refused reference: the API as reported, and why. */
    private record Finding(String api, String reason) {
    }

    /**
     * One verification: the jar's classes, the packages of other plugins it may use, the SDK its references into the
     * SDK must link against, whether the rules are judged too (or only those references), and what was found.
     */
    private final class Verification {
        private final JarContents contents;
        private final Set<String> allowedPackages;
        private final SdkApi sdk;
        private final boolean judgeRules;
        private final List<Violation> violations;
        /** Findings (API, reason) by reference, so a jar that makes the same reference many times judges it once. */
        private final Map<String, List<Finding>> decisions = new HashMap<>();

        Verification(JarContents contents, Set<String> allowedPackages, SdkApi sdk, boolean judgeRules, List<Violation> violations) {
            this.contents = contents;
            this.allowedPackages = allowedPackages;
            this.sdk = sdk;
            this.judgeRules = judgeRules;
            this.violations = violations;
        }

        void run() {
            contents.classes().forEach((entry, reader) -> {
                try {
                    reader.accept(new References(), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
                } catch (RuntimeException e) {
                    violations.add(packaging(entry, entry, "the class file cannot be read: " + e));
                }
            });
        }

        private List<Finding> judgeType(String type) {
            if (contents.isOwn(type)) {
                return List.of();
            }
            return firstRule(rule -> rule.target().refusesType(type)).map(VerifierRule::reason).or(() -> unlisted(type))
                    .map(reason -> List.of(new Finding(type, reason))).orElse(List.of());
        }

        private List<Finding> judgeMember(String owner, String signature, boolean isMethod) {
            if (contents.isOwn(owner)) {
                List<Finding> findings = new ArrayList<>();
                for (String external : contents.inheritedFrom(owner, signature, isMethod)) {
                    firstRule(rule -> rule.target().refusesMember(external, signature))
                            .ifPresent(rule -> findings.add(new Finding(external + "." + signature, rule.reason())));
                }
                return findings;
            }
            return firstRule(rule -> rule.target().refusesMember(owner, signature)).map(VerifierRule::reason)
                    .or(() -> unlisted(owner))
                    .map(reason -> List.of(new Finding(owner + "." + signature, reason))).orElse(List.of());
        }

        /** Why a type no rule refused is still refused: not the plugin's, the SDK's, an allowed JDK or service type. */
        private Optional<String> unlisted(String type) {
            if (contents.isOwn(type) || type.startsWith(SDK)) {
                return Optional.empty();
            }
            String pkg = packageOf(type);
            if (allowedPackages.contains(pkg)) {
                return Optional.empty();
            }
            if (JDK_PACKAGES.contains(pkg)) {
                if (VerifierRules.JDK_ALLOWED_PATTERNS.stream().anyMatch(p -> p.matcher(type).matches())) {
                    return Optional.empty();
                }
                return Optional.of(Category.JDK_OUTSIDE_ALLOWLIST.label() + ": " + binaryName(type) + " is not among the JDK"
                                   + " APIs plugins may use (see 'What the verifier refuses' in the developer guide)");
            }
            return Optional.of(Category.OTHER_PLUGINS.label() + ": " + binaryName(type) + " is neither in this jar, the SDK,"
                               + " the JDK nor an exported service package of a plugin this one requires");
        }

        /** Scans one class's references. */
        private final class References extends ClassVisitor {
            private String className;

            References() {
                super(Opcodes.ASM9);
            }

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                className = binaryName(name);
                List<String> supertypes = new ArrayList<>();
                if (superName != null) {
                    supertypes.add(superName);
                }
                if (interfaces != null) {
                    supertypes.addAll(List.of(interfaces));
                }
                for (String supertype : supertypes) {
                    if (contents.isOwn(supertype)) {
                        continue;
                    }
                    if (SdkCompatibility.inSdk(supertype)) {
                        SdkCompatibility.supertype(sdk, supertype, !supertype.equals(superName))
                                .ifPresent(m -> violations.add(new Violation(className, Violation.CLASS, m.api(), m.reason())));
                    }
                    if (judgeRules) {
                        Optional<String> reason = firstRule(rule -> rule.target().refusesSubtype(supertype))
                                .map(VerifierRule::reason).or(() -> unlisted(supertype));
                        reason.ifPresent(r -> violations.add(new Violation(className, Violation.CLASS, supertype, r)));
                    }
                }
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                String method = name + descriptor;
                String api = className.replace('.', '/') + "." + method;
                if (!judgeRules) {
                    return new Instructions(className, method);
                }
                if ((access & Opcodes.ACC_NATIVE) != 0) {
                    violations.add(new Violation(className, method, api, NATIVE_METHOD_RULE.reason()));
                }
                if ((access & Opcodes.ACC_STATIC) == 0) {
                    firstRule(rule -> rule.target().refusesDeclaring(method))
                            .ifPresent(rule -> violations.add(new Violation(className, method, api, rule.reason())));
                }
                return new Instructions(className, method);
            }
        }

        /** Scans one method's instructions. */
        private final class Instructions extends MethodVisitor {
            private final String className;
            private final String method;

            Instructions(String className, String method) {
                super(Opcodes.ASM9);
                this.className = className;
                this.method = method;
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                member(owner, name + descriptor, true);
                sdkMethod(owner, name, descriptor, isInterface);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                member(owner, name, false);
                sdkField(owner, name, descriptor);
            }

            @Override
            public void visitTypeInsn(int opcode, String type) {
                // NEW is always followed by the constructor call, which is judged (and names the constructor).
                if (opcode != Opcodes.NEW) {
                    type(Type.getObjectType(type));
                }
            }

            @Override
            public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                type(Type.getType(descriptor));
            }

            @Override
            public void visitLdcInsn(Object value) {
                constant(value);
            }

            @Override
            public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                handle(bootstrap);
                for (Object argument : arguments) {
                    constant(argument);
                }
                // For a lambda or method reference, the functional interface it implements.
                type(Type.getReturnType(descriptor));
            }

            private void constant(Object value) {
                switch (value) {
                    case Type type when type.getSort() != Type.METHOD -> type(type);
                    case Handle handle -> handle(handle);
                    case ConstantDynamic dynamic -> {
                        handle(dynamic.getBootstrapMethod());
                        for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                            constant(dynamic.getBootstrapMethodArgument(i));
                        }
                    }
                    default -> {
                        // numbers, strings and method types reference nothing
                    }
                }
            }

            private void handle(Handle handle) {
                boolean field = handle.getTag() <= Opcodes.H_PUTSTATIC;
                member(handle.getOwner(), field ? handle.getName() : handle.getName() + handle.getDesc(), !field);
                if (field) {
                    sdkField(handle.getOwner(), handle.getName(), handle.getDesc());
                } else {
                    sdkMethod(handle.getOwner(), handle.getName(), handle.getDesc(), handle.isInterface());
                }
            }

            /**
             * A method of the SDK called directly, or inherited from the SDK by the plugin's class the call names (a
             * subclass of {@code PluginProblem} calling its {@code status()}).
             */
            private void sdkMethod(String owner, String name, String descriptor, boolean isInterface) {
                if (SdkCompatibility.inSdk(owner)) {
                    SdkCompatibility.method(sdk, owner, name, descriptor, Optional.of(isInterface)).ifPresent(this::unlinked);
                } else if (contents.isOwn(owner)) {
                    contents.inheritedFrom(owner, name + descriptor, true).stream().filter(SdkCompatibility::inSdk).forEach(from ->
                            SdkCompatibility.method(sdk, from, name, descriptor, Optional.empty()).ifPresent(this::unlinked));
                }
            }

            /** A field of the SDK accessed directly, or inherited from the SDK by the plugin's class the access names. */
            private void sdkField(String owner, String name, String descriptor) {
                if (SdkCompatibility.inSdk(owner)) {
                    SdkCompatibility.field(sdk, owner, name, descriptor).ifPresent(this::unlinked);
                } else if (contents.isOwn(owner)) {
                    contents.inheritedFrom(owner, name, false).stream().filter(SdkCompatibility::inSdk).forEach(from ->
                            SdkCompatibility.field(sdk, from, name, descriptor).ifPresent(this::unlinked));
                }
            }

            private void type(Type type) {
                Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
                if (element.getSort() != Type.OBJECT) {
                    return;
                }
                String name = element.getInternalName();
                if (judgeRules) {
                    decisions.computeIfAbsent(name, key -> judgeType(name)).forEach(this::add);
                }
                if (SdkCompatibility.inSdk(name)) {
                    SdkCompatibility.type(sdk, name).ifPresent(this::unlinked);
                }
            }

            private void member(String owner, String signature, boolean isMethod) {
                if (!judgeRules) {
                    if (owner.startsWith("[")) {
                        type(Type.getType(owner));
                    }
                    return;
                }
                if (owner.startsWith("[")) {
                    type(Type.getType(owner)); // e.g. clone() on an array
                    return;
                }
                decisions.computeIfAbsent(owner + "." + signature, key -> judgeMember(owner, signature, isMethod))
                        .forEach(this::add);
            }

            private void add(Finding finding) {
                violations.add(new Violation(className, method, finding.api(), finding.reason()));
            }

            /** A reference into the SDK that does not link against the SDK of this verification. */
            private void unlinked(SdkCompatibility.Mismatch mismatch) {
                violations.add(new Violation(className, method, mismatch.api(), mismatch.reason()));
            }
        }
    }
}
