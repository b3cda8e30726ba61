package io.voicecore.kernel.plugins.sandbox;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Defines the classes of the platform libraries one plugin version uses, each instrumented with
 * {@link GuardInstrumenter#instrumentLibrary} as it is defined: the library runs on the plugin call's
 * thread under the call's deadline and quota, sees no environment variables, and refuses files,
 * sockets, threads, processes and reflection on the kernel's classes at run time.
 *
 * <p>Its parent is the JDK's platform loader: the kernel's classes (and its own copies of Jackson or
 * Kotlin) do not exist for the library. One loader per plugin version, so the libraries' static state
 * (mappers, caches) is never shared between plugins, and unloads with the version.
 */
public final class LibraryClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final ClassLoader KERNEL = LibraryClassLoader.class.getClassLoader();

    private final String pluginId;
    private final Map<String, PlatformLibrary> byPackage = new HashMap<>();
    private final List<PlatformLibrary> libraries;

    public LibraryClassLoader(String pluginId, String version, List<PlatformLibrary> libraries) {
        super("libraries of " + pluginId + "@" + version, ClassLoader.getPlatformClassLoader());
        this.pluginId = pluginId;
        this.libraries = List.copyOf(libraries);
        for (PlatformLibrary library : libraries) {
            library.packages().forEach(p -> byPackage.putIfAbsent(p, library));
        }
    }

    /** The packages this loader defines: the plugin's class loader delegates them here. */
    public java.util.Set<String> packages() {
        return Collections.unmodifiableSet(byPackage.keySet());
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(className)) {
            Class<?> loaded = findLoadedClass(className);
            if (loaded != null) {
                return loaded;
            }
            if (PluginClassPolicy.isGuardClass(className)) {
                return KERNEL.loadClass(className);
            }
            if (byPackage.containsKey(PluginClassPolicy.packageOf(className))) {
                return findClass(className);
            }
            return getParent().loadClass(className);
        }
    }

    @Override
    protected Class<?> findClass(String className) throws ClassNotFoundException {
        PlatformLibrary library = byPackage.get(PluginClassPolicy.packageOf(className));
        if (library == null) {
            throw new ClassNotFoundException(className + " is not in the platform libraries of plugin '" + pluginId + "'");
        }
        // Reading and instrumenting the class is the kernel's work, not the plugin's: it is not charged to the call.
        return CallGuard.uncharged(() -> {
            byte[] bytes = library.classBytes(className).orElse(null);
            if (bytes == null) {
                return null;
            }
            byte[] instrumented = GuardInstrumenter.instrumentLibrary(bytes);
            return defineClass(className, instrumented, 0, instrumented.length);
        }).orElseThrow(() -> new ClassNotFoundException(className + " is not in platform library '" + library.name() + "'"));
    }

    @Override
    protected URL findResource(String name) {
        for (PlatformLibrary library : libraries) {
            Optional<URL> found = library.resource(name);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        URL found = findResource(name);
        return found == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(found));
    }

    /** Resources come from the libraries only, not from the JDK's modules through the parent. */
    @Override
    public URL getResource(String name) {
        return findResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return findResources(name);
    }
}
