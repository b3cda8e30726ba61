package io.voicecore.kernel.plugins.sandbox;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites a plugin class as it is loaded: a {@link CallGuard#check()} at every method entry and before
 * every backward jump (the only way code can run for long without calling a method), and a
 * {@link CallGuard#array(int)} before every one-dimensional array allocation. The inserted calls leave
 * the operand stack and locals as they were, so stack map frames stay valid.
 *
 * <p>It also routes {@code Class#getResource} and {@code Class#getResourceAsStream} through
 * {@link CallGuard#getResource(Class, String, Class)}, naming the calling class: on an SDK, kernel or JDK
 * class they would read the kernel's class path. Calls are rewritten in place; method references
 * ({@code Plugin.class::getResource}) go through a private static bridge added to the class.
 */
public final class GuardInstrumenter {
    static final String GUARD = CallGuard.class.getName().replace('.', '/');

    private GuardInstrumenter() {
    }

    private static final String CLASS = "java/lang/Class";
    /** The resource look-ups of {@link Class} that are routed through the guard, by name, with their descriptors. */
    private static final Map<String, String> RESOURCE_METHODS = Map.of(
            "getResource", "(Ljava/lang/String;)Ljava/net/URL;",
            "getResourceAsStream", "(Ljava/lang/String;)Ljava/io/InputStream;");
    private static final String BRIDGE_PREFIX = "voicecore$guarded$";
    /**
     * Methods of classes the class loader must keep loadable ({@code System}, {@code Thread}, {@code URL},
     * reflection) but plugins may never call. The verifier refuses them at install; should a jar reach the
     * loader unverified, each such call site throws instead, so this layer holds on its own.
     */
    private static final Map<String, Set<String>> REFUSED_METHODS = Map.of(
            "java/lang/System", Set.of("exit", "getenv", "getProperties", "setProperty", "setProperties", "clearProperty",
                                       "load", "loadLibrary", "setIn", "setOut", "setErr", "setSecurityManager", "inheritedChannel"),
            "java/lang/Thread", Set.of("<init>", "start", "startVirtualThread", "ofPlatform", "ofVirtual", "setDaemon",
                                       "setContextClassLoader", "setDefaultUncaughtExceptionHandler"),
            "java/net/URL", Set.of("openConnection", "openStream", "getContent"),
            "java/lang/reflect/Field", Set.of("setAccessible", "trySetAccessible"),
            "java/lang/reflect/Method", Set.of("setAccessible", "trySetAccessible", "invoke"),
            "java/lang/reflect/Constructor", Set.of("setAccessible", "trySetAccessible", "newInstance"),
            "java/lang/invoke/MethodHandles", Set.of("privateLookupIn"),
            "java/lang/invoke/MethodHandles$Lookup", Set.of("defineClass", "defineHiddenClass", "findStatic", "findVirtual",
                                                            "findConstructor", "findSpecial", "findGetter", "findSetter",
                                                            "findStaticGetter", "findStaticSetter", "findVarHandle", "unreflect"),
            "java/lang/Class", Set.of("forName", "newInstance"));

    /** The refused methods by owner, for the test that keeps them a subset of what the verifier refuses. */
    public static Map<String, Set<String>> refusedMethods() {
        return REFUSED_METHODS;
    }

    /** Whether plugin code may never call this method, whatever the verifier said. */
    static boolean refused(String owner, String name) {
        return REFUSED_METHODS.getOrDefault(owner, Set.of()).contains(name);
    }

    static byte[] instrument(byte[] classBytes) {
        return instrument(classBytes, false);
    }

    /**
     * Instruments a class of a platform library: the same deadline and quota checks as plugin code, but
     * its calls are judged differently. Reflection stays (Jackson and Kotlin need it) through
     * {@link LibraryGuard}, which keeps it off the kernel's classes; the environment reads as empty and
     * only harmless system properties are visible; every other JDK call the verifier would refuse in a
     * plugin (files, sockets, threads, processes, exiting, native code, class definition, process-wide
     * settings) throws at the call site, so a library cannot do for a plugin what the plugin may not do.
     */
    static byte[] instrumentLibrary(byte[] classBytes) {
        return instrument(classBytes, true);
    }

    private static byte[] instrument(byte[] classBytes, boolean library) {
        ClassReader reader = new ClassReader(classBytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new GuardedClass(writer, library), 0);
        return writer.toByteArray();
    }

    private static final String LIBRARY_GUARD = LibraryGuard.class.getName().replace('.', '/');
    private static final Map<String, Boolean> LIBRARY_DECISIONS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Set<String> REFLECTIVE_OBJECTS = Set.of("java/lang/reflect/AccessibleObject", "java/lang/reflect/Field",
            "java/lang/reflect/Method", "java/lang/reflect/Constructor", "java/lang/reflect/Executable");
    private static final String LOOKUP = "java/lang/invoke/MethodHandles$Lookup";
    private static final Set<String> LOOKUP_METHODS = Set.of("findVirtual", "findStatic", "findConstructor", "findSpecial",
            "findGetter", "findSetter", "findStaticGetter", "findStaticSetter", "findVarHandle", "findStaticVarHandle", "unreflect",
            "unreflectSpecial", "unreflectConstructor", "unreflectGetter", "unreflectSetter", "unreflectVarHandle");

    /**
     * Whether library code may never call this JDK member: the verifier refuses it in plugins for a reason
     * other than reflection (which {@link LibraryGuard} polices instead) and it is not one of the logging
     * calls libraries make routinely.
     *
     * @param owner     internal name, e.g. {@code java/lang/Thread}
     * @param signature name plus descriptor, e.g. {@code start()V}
     */
    static boolean refusedInLibraries(String owner, String signature) {
        return LIBRARY_DECISIONS.computeIfAbsent(owner + '#' + signature, key -> {
            if (owner.startsWith("java/util/logging/") && !owner.equals("java/util/logging/LogManager")
                && !signature.matches("(set|add|remove).*")) {
                return false;
            }
            return io.voicecore.kernel.plugins.verify.VerifierRules.refusingMember(owner, signature)
                    .map(rule -> switch (rule.category()) {
                        case REFLECTION, JDK_OUTSIDE_ALLOWLIST, KERNEL_INTERNALS, OTHER_PLUGINS, PACKAGING -> false;
                        default -> true;
                    }).orElse(false);
        });
    }

    private static boolean isJdkType(String owner) {
        return owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/") || owner.startsWith("sun/")
               || owner.startsWith("com/sun/");
    }

    /** Whether an instruction or handle calls one of the {@link #RESOURCE_METHODS} on a {@link Class}. */
    private static boolean isResourceLookup(String owner, String name, String descriptor) {
        return owner.equals(CLASS) && descriptor.equals(RESOURCE_METHODS.get(name));
    }

    /** The guard's descriptor for a resource method: the class and name, plus the calling class. */
    private static String guardDescriptor(String descriptor) {
        return "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)" + descriptor.substring(descriptor.indexOf(')') + 1);
    }

    private static final class GuardedClass extends ClassVisitor {
        private final Set<String> bridges = new java.util.TreeSet<>();
        private final boolean library;
        private String className;
        private boolean isInterface;

        GuardedClass(ClassVisitor next, boolean library) {
            super(Opcodes.ASM9, next);
            this.library = library;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            className = name;
            isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                return next;
            }
            return new GuardedMethod(next, this);
        }

        /** A handle to a resource look-up becomes a handle to this class's bridge, which names this class as the caller. */
        Object redirect(Object constant) {
            if (constant instanceof Handle handle && handle.getTag() == Opcodes.H_INVOKEVIRTUAL
                && isResourceLookup(handle.getOwner(), handle.getName(), handle.getDesc())) {
                bridges.add(handle.getName());
                return new Handle(Opcodes.H_INVOKESTATIC, className, BRIDGE_PREFIX + handle.getName(),
                                  "(Ljava/lang/Class;Ljava/lang/String;)" + Type.getReturnType(handle.getDesc()).getDescriptor(),
                                  isInterface);
            }
            return constant;
        }

        @Override
        public void visitEnd() {
            for (String name : bridges) {
                String returns = Type.getReturnType(RESOURCE_METHODS.get(name)).getDescriptor();
                MethodVisitor bridge = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                        BRIDGE_PREFIX + name, "(Ljava/lang/Class;Ljava/lang/String;)" + returns, null, null);
                bridge.visitCode();
                bridge.visitVarInsn(Opcodes.ALOAD, 0);
                bridge.visitVarInsn(Opcodes.ALOAD, 1);
                bridge.visitLdcInsn(Type.getObjectType(className));
                bridge.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, name, guardDescriptor(RESOURCE_METHODS.get(name)), false);
                bridge.visitInsn(Opcodes.ARETURN);
                bridge.visitMaxs(3, 2);
                bridge.visitEnd();
            }
            super.visitEnd();
        }
    }

    private static final class GuardedMethod extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();
        private final GuardedClass owner;

        GuardedMethod(MethodVisitor next, GuardedClass owner) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (this.owner.library) {
                libraryCall(opcode, owner, name, descriptor, isInterface);
                return;
            }
            if (refused(owner, name)) {
                refuse(owner + "." + name);
            }
            if (opcode == Opcodes.INVOKEVIRTUAL && isResourceLookup(owner, name, descriptor)) {
                super.visitLdcInsn(Type.getObjectType(this.owner.className));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, name, guardDescriptor(descriptor), false);
                return;
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        /** A call in platform-library code: rewritten, refused or left as it is (see {@link #instrumentLibrary}). */
        private void libraryCall(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            String signature = name + descriptor;
            if (owner.equals("java/lang/System") && signature.equals("getenv(Ljava/lang/String;)Ljava/lang/String;")) {
                super.visitInsn(Opcodes.POP);
                super.visitInsn(Opcodes.ACONST_NULL);
                return;
            }
            if (owner.equals("java/lang/System") && signature.equals("getenv()Ljava/util/Map;")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Map", "of", "()Ljava/util/Map;", true);
                return;
            }
            if (owner.equals("java/lang/System") && name.equals("getProperty")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, "property", descriptor, false);
                return;
            }
            if (owner.equals("java/lang/Thread") && signature.equals("getContextClassLoader()Ljava/lang/ClassLoader;")) {
                super.visitLdcInsn(Type.getObjectType(this.owner.className));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, "contextClassLoader",
                                      "(Ljava/lang/Thread;Ljava/lang/Class;)Ljava/lang/ClassLoader;", false);
                return;
            }
            if (owner.equals("java/lang/ClassLoader") && signature.equals("getSystemClassLoader()Ljava/lang/ClassLoader;")) {
                super.visitLdcInsn(Type.getObjectType(this.owner.className));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, "systemClassLoader",
                                      "(Ljava/lang/Class;)Ljava/lang/ClassLoader;", false);
                return;
            }
            boolean instanceCall = opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE;
            if (instanceCall && owner.equals("java/lang/reflect/Method") && name.equals("invoke")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, "invoke",
                        "(Ljava/lang/reflect/Method;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
                return;
            }
            if (instanceCall && owner.equals("java/lang/reflect/Constructor") && name.equals("newInstance")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, "newInstance",
                        "(Ljava/lang/reflect/Constructor;[Ljava/lang/Object;)Ljava/lang/Object;", false);
                return;
            }
            if (REFLECTIVE_OBJECTS.contains(owner) && (name.equals("setAccessible") || name.equals("trySetAccessible"))) {
                String guardDescriptor = opcode == Opcodes.INVOKESTATIC ? descriptor
                        : "(Ljava/lang/reflect/AccessibleObject;" + descriptor.substring(1);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, name, guardDescriptor, false);
                return;
            }
            if (owner.equals("java/lang/invoke/MethodHandles") && name.equals("privateLookupIn")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, name, descriptor, false);
                return;
            }
            if (instanceCall && owner.equals(LOOKUP) && LOOKUP_METHODS.contains(name)) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, name, "(L" + LOOKUP + ";" + descriptor.substring(1), false);
                return;
            }
            if (owner.equals("java/lang/Class") && signature.equals("newInstance()Ljava/lang/Object;")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, LIBRARY_GUARD, "newInstance", "(Ljava/lang/Class;)Ljava/lang/Object;", false);
                return;
            }
            if (isJdkType(owner) && refusedInLibraries(owner, signature)) {
                refuse(owner + "." + name);
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            if (owner.library) {
                for (Object argument : arguments) {
                    if (argument instanceof Handle handle && isJdkType(handle.getOwner())
                        && refusedInLibraries(handle.getOwner(), handle.getName() + handle.getDesc())) {
                        refuse(handle.getOwner() + "." + handle.getName());
                    }
                }
                super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
                return;
            }
            for (Object argument : arguments) {
                // A method reference such as System::exit: refuse where the reference is made.
                if (argument instanceof Handle handle && refused(handle.getOwner(), handle.getName())) {
                    refuse(handle.getOwner() + "." + handle.getName());
                }
            }
            Object[] redirected = arguments.clone();
            for (int i = 0; i < redirected.length; i++) {
                redirected[i] = owner.redirect(redirected[i]);
            }
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, redirected);
        }

        @Override
        public void visitLdcInsn(Object value) {
            super.visitLdcInsn(owner.library ? value : owner.redirect(value));
        }

        @Override
        public void visitCode() {
            super.visitCode();
            guard();
        }

        @Override
        public void visitLabel(Label label) {
            seen.add(label);
            super.visitLabel(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label target) {
            if (seen.contains(target)) {
                guard();
            }
            super.visitJumpInsn(opcode, target);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (anySeen(dflt, labels)) {
                guard();
            }
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (anySeen(dflt, labels)) {
                guard();
            }
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            if (opcode == Opcodes.NEWARRAY) {
                arrayGuard();
            }
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            if (opcode == Opcodes.ANEWARRAY) {
                arrayGuard();
            }
            super.visitTypeInsn(opcode, type);
        }

        private boolean anySeen(Label dflt, Label[] labels) {
            if (seen.contains(dflt)) {
                return true;
            }
            for (Label label : labels) {
                if (seen.contains(label)) {
                    return true;
                }
            }
            return false;
        }

        private void guard() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "check", "()V", false);
        }

        /** Throws before the refused call; the call itself stays in place, unreachable, so the stack shape is unchanged. */
        private void refuse(String api) {
            super.visitLdcInsn(api);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, owner.library ? "refuseInLibrary" : "refuse", "(Ljava/lang/String;)V",
                                  false);
        }

        private void arrayGuard() {
            super.visitInsn(Opcodes.DUP);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "array", "(I)V", false);
        }
    }
}
