package io.voicecore.kernel.plugins.sandbox;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.util.Set;

import org.objectweb.asm.Type;

/**
 * What platform-library code calls instead of the JDK where the JDK would reach beyond the plugin: the
 * environment reads as empty, only harmless system properties are visible, the context class loader is
 * the library's own, and reflection (which Jackson and Kotlin need) works on the library's and the
 * calling plugin's classes and on the JDK, but not on the kernel's classes, and never reaches a JDK
 * member a direct call could not. {@link GuardInstrumenter#instrumentLibrary} rewrites the call sites.
 * Public only because instrumented library classes call it.
 */
public final class LibraryGuard {
    /** System properties libraries may read (the OpenAI client sends them as telemetry headers). */
    private static final Set<String> VISIBLE_PROPERTIES = Set.of("os.arch", "os.name", "os.version", "java.version",
            "java.vendor", "java.specification.version", "line.separator", "file.separator", "path.separator",
            "file.encoding", "native.encoding", "stdout.encoding", "sun.jnu.encoding", "java.vm.name", "java.vm.version");

    private LibraryGuard() {
    }

    /** Replaces {@code System.getProperty(key)}. */
    public static String property(String key) {
        return VISIBLE_PROPERTIES.contains(key) ? System.getProperty(key) : null;
    }

    /** Replaces {@code System.getProperty(key, fallback)}. */
    public static String property(String key, String fallback) {
        String value = property(key);
        return value == null ? fallback : value;
    }

    /** Replaces {@code thread.getContextClassLoader()}: the calling library class's own loader. */
    public static ClassLoader contextClassLoader(Thread thread, Class<?> caller) {
        return caller.getClassLoader();
    }

    /** Replaces {@code ClassLoader.getSystemClassLoader()}: the calling library class's own loader, not the kernel's. */
    public static ClassLoader systemClassLoader(Class<?> caller) {
        return caller.getClassLoader();
    }

    /** Replaces {@code method.invoke(target, arguments)}. */
    public static Object invoke(Method method, Object target, Object[] arguments)
            throws IllegalAccessException, InvocationTargetException {
        check(method, method.getName() + Type.getMethodDescriptor(method));
        return method.invoke(target, arguments);
    }

    /** Replaces {@code constructor.newInstance(arguments)}. */
    public static Object newInstance(Constructor<?> constructor, Object[] arguments)
            throws InstantiationException, IllegalAccessException, InvocationTargetException {
        check(constructor, "<init>" + Type.getConstructorDescriptor(constructor));
        return constructor.newInstance(arguments);
    }

    /**
     * Replaces the deprecated {@code type.newInstance()}. The no-argument constructor is opened when it is not
     * public: the original call was checked against the library class that made it, not against this one.
     */
    public static Object newInstance(Class<?> type) throws ReflectiveOperationException {
        checkMember(type, "<init>()V");
        Constructor<?> constructor = type.getDeclaredConstructor();
        if (!java.lang.reflect.Modifier.isPublic(constructor.getModifiers()) && !isJdk(type)) {
            constructor.setAccessible(true);
        }
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            // Class.newInstance propagates what the constructor threw, unwrapped.
            throw sneaky(e.getCause());
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable thrown) throws E {
        throw (E) thrown;
    }

    /** Replaces {@code object.setAccessible(flag)} on any reflective object. */
    public static void setAccessible(AccessibleObject object, boolean flag) {
        if (flag) {
            try {
                checkAccessible(object);
            } catch (IllegalAccessException refused) {
                throw new java.lang.reflect.InaccessibleObjectException(refused.getMessage());
            }
        }
        object.setAccessible(flag);
    }

    /** Replaces {@code AccessibleObject.setAccessible(objects, flag)}. */
    public static void setAccessible(AccessibleObject[] objects, boolean flag) {
        for (AccessibleObject object : objects) {
            setAccessible(object, flag);
        }
    }

    /** Replaces {@code object.trySetAccessible()}. */
    public static boolean trySetAccessible(AccessibleObject object) {
        try {
            checkAccessible(object);
        } catch (IllegalAccessException refused) {
            return false;
        }
        return object.trySetAccessible();
    }

    /** Replaces {@code MethodHandles.privateLookupIn(type, lookup)}. */
    public static MethodHandles.Lookup privateLookupIn(Class<?> type, MethodHandles.Lookup lookup) throws IllegalAccessException {
        checkType(type);
        return MethodHandles.privateLookupIn(type, lookup);
    }

    /** Replaces {@code lookup.findVirtual(type, name, methodType)}. */
    public static MethodHandle findVirtual(MethodHandles.Lookup lookup, Class<?> type, String name, MethodType methodType)
            throws NoSuchMethodException, IllegalAccessException {
        checkMember(type, name + methodType.toMethodDescriptorString());
        return lookup.findVirtual(type, name, methodType);
    }

    /** Replaces {@code lookup.findStatic(type, name, methodType)}. */
    public static MethodHandle findStatic(MethodHandles.Lookup lookup, Class<?> type, String name, MethodType methodType)
            throws NoSuchMethodException, IllegalAccessException {
        checkMember(type, name + methodType.toMethodDescriptorString());
        return lookup.findStatic(type, name, methodType);
    }

    /** Replaces {@code lookup.findConstructor(type, methodType)}. */
    public static MethodHandle findConstructor(MethodHandles.Lookup lookup, Class<?> type, MethodType methodType)
            throws NoSuchMethodException, IllegalAccessException {
        checkMember(type, "<init>" + methodType.toMethodDescriptorString());
        return lookup.findConstructor(type, methodType);
    }

    /** Replaces {@code lookup.findSpecial(type, name, methodType, caller)}. */
    public static MethodHandle findSpecial(MethodHandles.Lookup lookup, Class<?> type, String name, MethodType methodType,
                                           Class<?> specialCaller) throws NoSuchMethodException, IllegalAccessException {
        checkMember(type, name + methodType.toMethodDescriptorString());
        return lookup.findSpecial(type, name, methodType, specialCaller);
    }

    /** Replaces {@code lookup.findGetter(type, name, fieldType)}. */
    public static MethodHandle findGetter(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> fieldType)
            throws NoSuchFieldException, IllegalAccessException {
        checkType(type);
        return lookup.findGetter(type, name, fieldType);
    }

    /** Replaces {@code lookup.findSetter(type, name, fieldType)}. */
    public static MethodHandle findSetter(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> fieldType)
            throws NoSuchFieldException, IllegalAccessException {
        checkType(type);
        return lookup.findSetter(type, name, fieldType);
    }

    /** Replaces {@code lookup.findStaticGetter(type, name, fieldType)}. */
    public static MethodHandle findStaticGetter(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> fieldType)
            throws NoSuchFieldException, IllegalAccessException {
        checkType(type);
        return lookup.findStaticGetter(type, name, fieldType);
    }

    /** Replaces {@code lookup.findStaticSetter(type, name, fieldType)}. */
    public static MethodHandle findStaticSetter(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> fieldType)
            throws NoSuchFieldException, IllegalAccessException {
        checkType(type);
        return lookup.findStaticSetter(type, name, fieldType);
    }

    /** Replaces {@code lookup.findVarHandle(type, name, fieldType)}. */
    public static VarHandle findVarHandle(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> fieldType)
            throws NoSuchFieldException, IllegalAccessException {
        checkType(type);
        return lookup.findVarHandle(type, name, fieldType);
    }

    /** Replaces {@code lookup.findStaticVarHandle(type, name, fieldType)}. */
    public static VarHandle findStaticVarHandle(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> fieldType)
            throws NoSuchFieldException, IllegalAccessException {
        checkType(type);
        return lookup.findStaticVarHandle(type, name, fieldType);
    }

    /** Replaces {@code lookup.unreflect(method)}. */
    public static MethodHandle unreflect(MethodHandles.Lookup lookup, Method method) throws IllegalAccessException {
        check(method, method.getName() + Type.getMethodDescriptor(method));
        return lookup.unreflect(method);
    }

    /** Replaces {@code lookup.unreflectSpecial(method, caller)}. */
    public static MethodHandle unreflectSpecial(MethodHandles.Lookup lookup, Method method, Class<?> specialCaller)
            throws IllegalAccessException {
        check(method, method.getName() + Type.getMethodDescriptor(method));
        return lookup.unreflectSpecial(method, specialCaller);
    }

    /** Replaces {@code lookup.unreflectConstructor(constructor)}. */
    public static MethodHandle unreflectConstructor(MethodHandles.Lookup lookup, Constructor<?> constructor)
            throws IllegalAccessException {
        check(constructor, "<init>" + Type.getConstructorDescriptor(constructor));
        return lookup.unreflectConstructor(constructor);
    }

    /** Replaces {@code lookup.unreflectGetter(field)}. */
    public static MethodHandle unreflectGetter(MethodHandles.Lookup lookup, Field field) throws IllegalAccessException {
        checkType(field.getDeclaringClass());
        return lookup.unreflectGetter(field);
    }

    /** Replaces {@code lookup.unreflectSetter(field)}. */
    public static MethodHandle unreflectSetter(MethodHandles.Lookup lookup, Field field) throws IllegalAccessException {
        checkType(field.getDeclaringClass());
        return lookup.unreflectSetter(field);
    }

    /** Replaces {@code lookup.unreflectVarHandle(field)}. */
    public static VarHandle unreflectVarHandle(MethodHandles.Lookup lookup, Field field) throws IllegalAccessException {
        checkType(field.getDeclaringClass());
        return lookup.unreflectVarHandle(field);
    }

    private static void checkAccessible(AccessibleObject object) throws IllegalAccessException {
        if (object instanceof Member member) {
            checkType(member.getDeclaringClass());
        }
    }

    private static void check(Member member, String signature) throws IllegalAccessException {
        checkMember(member.getDeclaringClass(), signature);
    }

    /**
     * Refuses a JDK member a direct call from library code would be refused, and any member of a kernel class. The
     * refusal is the JDK's own for inaccessible members, so a library that probes by reflection (the OpenAI client
     * looks for {@code java.lang.ref.Cleaner}, which would start a thread) takes its fallback path, as it would on a
     * JVM that denies the access.
     */
    private static void checkMember(Class<?> type, String signature) throws IllegalAccessException {
        checkType(type);
        if (isJdk(type)) {
            String owner = Type.getInternalName(type);
            if (GuardInstrumenter.refusedInLibraries(owner, signature)) {
                throw new IllegalAccessException("platform libraries may not call " + type.getName() + "."
                                                 + signature.substring(0, signature.indexOf('(')) + " (by reflection)");
            }
        }
    }

    /** Library code may reflect on its own classes, the calling plugin's and the JDK's, not on the kernel's. */
    private static void checkType(Class<?> type) throws IllegalAccessException {
        ClassLoader loader = type.getClassLoader();
        if (isJdk(type) || loader instanceof LibraryClassLoader || loader instanceof IsolatedPluginClassLoader) {
            return;
        }
        throw new IllegalAccessException("platform libraries may not reflect on " + type.getName() + ", a class of the kernel");
    }

    private static boolean isJdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }
}
