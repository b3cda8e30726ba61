package io.voicecore.kernel.plugins.verify;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.voicecore.sdk.SdkVersion;
import org.objectweb.asm.Type;

/**
 * Whether a plugin's references into the SDK resolve against the SDK this kernel runs. A plugin built against an
 * SDK of another major version can name a class, member or constructor that is gone, or call an interface as a
 * class (the SDK's {@code Request} became an interface in 1.0): the JVM would fail such a call only when it runs,
 * with a linkage error in the middle of a request. The verifier refuses the jar at install instead, naming the
 * reference, so its author knows to rebuild it.
 *
 * <p>The SDK's classes are read by reflection from the kernel's own class path, the very classes plugins link
 * against; references that link are remembered, the SDK does not change while the kernel runs.
 */
final class SdkCompatibility {
    private static final String SDK = "io/voicecore/sdk/";
    /** References that link: bounded by the SDK's own members, so a jar naming endless missing ones grows nothing. */
    private static final Set<String> LINKS = ConcurrentHashMap.newKeySet();

    /**
     * A reference that does not link.
     *
     * @param api    the reference in JVM internal form, as violations name APIs
     * @param reason why, starting with the category's label
     */
    record Mismatch(String api, String reason) {
    }

    private SdkCompatibility() {
    }

    /** Whether an internal name is in the SDK's packages. */
    static boolean inSdk(String internalName) {
        return internalName.startsWith(SDK);
    }

    /** Why a reference to the SDK type cannot be resolved, if it cannot. */
    static Optional<Mismatch> type(String owner) {
        return answer("type " + owner, () -> sdkClass(owner).isPresent() ? Optional.empty()
                : mismatch(owner, PluginVerifier.binaryName(owner) + " does not exist"));
    }

    /**
     * Why a call to an SDK method or constructor cannot be linked, if it cannot.
     *
     * @param viaInterface whether the call site names its owner as an interface ({@code invokeinterface}, or a
     *                     static or special call on an interface)
     */
    static Optional<Mismatch> method(String owner, String name, String descriptor, boolean viaInterface) {
        return answer("method " + owner + "." + name + descriptor + " " + viaInterface, () -> {
            String api = owner + "." + name + descriptor;
            Optional<Class<?>> type = sdkClass(owner);
            if (type.isEmpty()) {
                return mismatch(api, PluginVerifier.binaryName(owner) + " does not exist");
            }
            if (type.get().isInterface() != viaInterface) {
                return mismatch(api, PluginVerifier.binaryName(owner) + " is " + (type.get().isInterface() ? "an interface" : "a class")
                                     + ", but the plugin calls it as " + (viaInterface ? "an interface" : "a class"));
            }
            boolean found = name.equals("<init>") ? hasConstructor(type.get(), descriptor) : hasMethod(type.get(), name, descriptor);
            return found ? Optional.empty() : mismatch(api, PluginVerifier.binaryName(owner) + "." + name + descriptor + " does not exist");
        });
    }

    /** Why an SDK field cannot be resolved, if it cannot. */
    static Optional<Mismatch> field(String owner, String name, String descriptor) {
        return answer("field " + owner + "." + name + ":" + descriptor, () -> {
            String api = owner + "." + name;
            Optional<Class<?>> type = sdkClass(owner);
            if (type.isEmpty()) {
                return mismatch(api, PluginVerifier.binaryName(owner) + " does not exist");
            }
            for (Class<?> candidate : lineage(type.get())) {
                for (Field field : candidate.getDeclaredFields()) {
                    if (field.getName().equals(name) && Type.getDescriptor(field.getType()).equals(descriptor)) {
                        return Optional.empty();
                    }
                }
            }
            return mismatch(api, PluginVerifier.binaryName(owner) + "." + name + " does not exist");
        });
    }

    private static Optional<Mismatch> answer(String reference, Supplier<Optional<Mismatch>> judge) {
        if (LINKS.contains(reference)) {
            return Optional.empty();
        }
        Optional<Mismatch> mismatch = judge.get();
        if (mismatch.isEmpty()) {
            LINKS.add(reference);
        }
        return mismatch;
    }

    private static Optional<Mismatch> mismatch(String api, String problem) {
        return Optional.of(new Mismatch(api, Category.SDK_COMPATIBILITY.label() + ": " + problem + " in SDK " + SdkVersion.text() + ", which this kernel"
               + " runs; the plugin was built against another SDK and must be rebuilt against " + SdkVersion.text()));
    }

    private static Optional<Class<?>> sdkClass(String internalName) {
        try {
            return Optional.of(Class.forName(PluginVerifier.binaryName(internalName), false, SdkVersion.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }

    private static boolean hasConstructor(Class<?> type, String descriptor) {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (Type.getConstructorDescriptor(constructor).equals(descriptor)) {
                return true;
            }
        }
        return false;
    }

    /** A method the JVM would resolve from this class: declared by it, a superclass or a superinterface. */
    private static boolean hasMethod(Class<?> type, String name, String descriptor) {
        for (Class<?> candidate : lineage(type)) {
            for (Method method : candidate.getDeclaredMethods()) {
                if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The type, its superclasses and every superinterface, then {@code Object} (which interfaces' calls resolve to too). */
    private static Set<Class<?>> lineage(Class<?> type) {
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            Class<?> next = pending.poll();
            if (seen.add(next)) {
                if (next.getSuperclass() != null) {
                    pending.add(next.getSuperclass());
                }
                pending.addAll(List.of(next.getInterfaces()));
            }
        }
        seen.add(Object.class);
        return seen;
    }
}
