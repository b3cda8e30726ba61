package io.voicecore.kernel.plugins.verify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whether a plugin's references into the SDK resolve against an SDK version ({@link SdkApi}). A plugin built against
 * an SDK of another version can name a class, member or constructor that is gone, or call an interface as a class
 * (the SDK's {@code Request} became an interface in 1.0): the JVM would fail such a call only when it runs, with a
 * linkage error in the middle of a request. Against the SDK this kernel runs, the verifier refuses the jar at install
 * instead, naming the reference, so its author knows to rebuild it; against other versions, it tells which kernels
 * the plugin would fail on.
 *
 * <p>Members are resolved as the JVM resolves them: on the type named, then its superclasses and superinterfaces,
 * then {@code Object}; supertypes outside the SDK are the running JDK's. References that link are remembered with
 * their {@link SdkApi}, which does not change while the kernel runs.
 */
final class SdkCompatibility {
    /** The JDK's types that SDK types extend, as plugins link against them (the JDK does not change while we run). */
    private static final Map<String, Optional<SdkApi.Described>> JDK_TYPES = new ConcurrentHashMap<>();
    private static final String OBJECT = "java/lang/Object";

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
        return internalName.startsWith(SdkApi.SDK_PREFIX);
    }

    /** Why a reference to the SDK type cannot be resolved, if it cannot. */
    static Optional<Mismatch> type(SdkApi sdk, String owner) {
        return answer(sdk, "type " + owner, () -> sdk.type(owner).isPresent() ? Optional.empty()
                : mismatch(sdk, owner, PluginVerifier.binaryName(owner) + " does not exist"));
    }

    /**
     * Why a class cannot be declared with the SDK type as its superclass or one of its interfaces, if it cannot.
     *
     * @param asInterface whether the class names it among its interfaces (not as its superclass)
     */
    static Optional<Mismatch> supertype(SdkApi sdk, String supertype, boolean asInterface) {
        return answer(sdk, "supertype " + supertype + " " + asInterface, () -> {
            Optional<SdkApi.Described> type = sdk.type(supertype);
            if (type.isEmpty()) {
                return mismatch(sdk, supertype, PluginVerifier.binaryName(supertype) + " does not exist");
            }
            return type.get().isInterface() == asInterface ? Optional.empty()
                    : mismatch(sdk, supertype, PluginVerifier.binaryName(supertype) + " is " + kind(type.get()) + ", but the plugin"
                                               + (asInterface ? " implements it as an interface" : " extends it as a class"));
        });
    }

    /**
     * Why a call to an SDK method or constructor cannot be linked, if it cannot.
     *
     * @param viaInterface whether the call site names its owner as an interface ({@code invokeinterface}, or a
     *                     static or special call on an interface); empty when the call names a class of the plugin
     *                     that inherits the method from {@code owner}, so the kind of {@code owner} is not at stake
     */
    static Optional<Mismatch> method(SdkApi sdk, String owner, String name, String descriptor, Optional<Boolean> viaInterface) {
        return answer(sdk, "method " + owner + "." + name + descriptor + " " + viaInterface.map(String::valueOf).orElse("inherited"), () -> {
            String api = owner + "." + name + descriptor;
            Optional<SdkApi.Described> type = sdk.type(owner);
            if (type.isEmpty()) {
                return mismatch(sdk, api, PluginVerifier.binaryName(owner) + " does not exist");
            }
            if (viaInterface.isPresent() && type.get().isInterface() != viaInterface.get()) {
                return mismatch(sdk, api, PluginVerifier.binaryName(owner) + " is " + kind(type.get()) + ", but the plugin calls it as "
                                          + (viaInterface.get() ? "an interface" : "a class"));
            }
            String signature = name + descriptor;
            boolean found = name.equals("<init>") ? type.get().methods().contains(signature)
                    : lineage(sdk, owner).stream().anyMatch(t -> t.methods().contains(signature));
            return found ? Optional.empty() : mismatch(sdk, api, PluginVerifier.binaryName(owner) + "." + signature + " does not exist");
        });
    }

    /** Why an SDK field cannot be resolved, if it cannot. */
    static Optional<Mismatch> field(SdkApi sdk, String owner, String name, String descriptor) {
        return answer(sdk, "field " + owner + "." + name + ":" + descriptor, () -> {
            String api = owner + "." + name;
            if (sdk.type(owner).isEmpty()) {
                return mismatch(sdk, api, PluginVerifier.binaryName(owner) + " does not exist");
            }
            String field = name + " " + descriptor;
            return lineage(sdk, owner).stream().anyMatch(t -> t.fields().contains(field)) ? Optional.empty()
                    : mismatch(sdk, api, PluginVerifier.binaryName(owner) + "." + name + " does not exist");
        });
    }

    private static String kind(SdkApi.Described type) {
        return type.isInterface() ? "an interface" : "a class";
    }

    private static Optional<Mismatch> answer(SdkApi sdk, String reference, Supplier<Optional<Mismatch>> judge) {
        if (sdk.links().contains(reference)) {
            return Optional.empty();
        }
        Optional<Mismatch> mismatch = judge.get();
        if (mismatch.isEmpty()) {
            sdk.links().add(reference);
        }
        return mismatch;
    }

    private static Optional<Mismatch> mismatch(SdkApi sdk, String api, String problem) {
        String where = " in SDK " + sdk.version();
        return Optional.of(new Mismatch(api, Category.SDK_COMPATIBILITY.label() + ": " + problem + where + (sdk.isRunning()
                ? ", which this kernel runs; the plugin was built against another SDK and must be rebuilt against " + sdk.version()
                : "")));
    }

    /**
     * The type, its superclasses and every superinterface, then {@code Object} (which interfaces' calls resolve to
     * too): the SDK's as the SDK version describes them, the JDK's as the running JDK has them. A supertype neither
     * has is left out.
     */
    private static List<SdkApi.Described> lineage(SdkApi sdk, String type) {
        Set<String> seen = new LinkedHashSet<>();
        List<SdkApi.Described> found = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>(List.of(type));
        while (!pending.isEmpty()) {
            String next = pending.poll();
            if (seen.add(next)) {
                Optional<SdkApi.Described> described = inSdk(next) ? sdk.type(next) : jdkType(next);
                described.ifPresent(d -> {
                    found.add(d);
                    pending.addAll(d.supertypes());
                });
            }
        }
        if (!seen.contains(OBJECT)) {
            jdkType(OBJECT).ifPresent(found::add);
        }
        return found;
    }

    private static Optional<SdkApi.Described> jdkType(String internalName) {
        return JDK_TYPES.computeIfAbsent(internalName, name -> {
            try {
                return Optional.of(SdkApi.describe(Class.forName(PluginVerifier.binaryName(name), false, ClassLoader.getPlatformClassLoader())));
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
            }
        });
    }
}
