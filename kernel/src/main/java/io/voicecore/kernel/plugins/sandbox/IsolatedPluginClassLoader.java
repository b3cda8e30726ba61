package io.voicecore.kernel.plugins.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.Map;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.PluginClassLoader;

/**
 * The class loader of one plugin version, on PF4J's {@link PluginClassLoader} (plugin classes first).
 * It resolves only what {@link PluginClassPolicy} allows, takes exported service packages of required
 * plugins from their own loaders (so both sides share the same interface classes), and instruments every
 * class of the plugin with {@link GuardInstrumenter} as it defines it.
 */
public final class IsolatedPluginClassLoader extends PluginClassLoader {
    private static final ClassLoader KERNEL = IsolatedPluginClassLoader.class.getClassLoader();
    private static final ClassLoader JDK = ClassLoader.getPlatformClassLoader();

    private final String pluginId;
    private final Map<String, ClassLoader> exportedPackages;

    /**
     * @param jar              the plugin jar on disk
     * @param exportedPackages service packages of required plugins, by package name, to their loaders
     */
    public IsolatedPluginClassLoader(String pluginId, String version, Path jar, Map<String, ClassLoader> exportedPackages) {
        super(null, new DefaultPluginDescriptor(pluginId, "", "", version, "", "", ""), JDK,
              new ClassLoadingStrategy(java.util.List.of(ClassLoadingStrategy.Source.PLUGIN)));
        this.pluginId = pluginId;
        this.exportedPackages = Map.copyOf(exportedPackages);
        try {
            addURL(jar.toUri().toURL());
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("plugin jar path " + jar + " is not usable", e);
        }
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        return loadClass(className, false);
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(className)) {
            Class<?> loaded = findLoadedClass(className);
            if (loaded != null) {
                return loaded;
            }
            switch (PluginClassPolicy.sourceOf(className)) {
                case JDK:
                    return JDK.loadClass(className);
                case KERNEL:
                    return KERNEL.loadClass(className);
                case DENIED:
                    throw new ClassNotFoundException(className + " is not available to plugins (plugin '" + pluginId + "')");
                default:
                    break;
            }
            ClassLoader provider = exportedPackages.get(PluginClassPolicy.packageOf(className));
            if (provider != null) {
                return provider.loadClass(className);
            }
            return findClass(className);
        }
    }

    @Override
    protected Class<?> findClass(String className) throws ClassNotFoundException {
        URL resource = findResource(className.replace('.', '/') + ".class");
        if (resource == null) {
            throw new ClassNotFoundException(className + " is not in plugin '" + pluginId + "'");
        }
        // Not resource.openStream(): that caches a JarFile of the jar in the JDK's jar URL cache, which close() does not
        // reach, so every version ever loaded kept its jar open after it was stopped. Uncached, the stream's JarFile
        // closes with the stream (it shares the already open jar of this loader, so nothing is opened again).
        try {
            URLConnection connection = resource.openConnection();
            connection.setUseCaches(false);
            try (InputStream in = connection.getInputStream()) {
                byte[] instrumented = GuardInstrumenter.instrument(in.readAllBytes());
                return defineClass(className, instrumented, 0, instrumented.length);
            }
        } catch (IOException e) {
            throw new ClassNotFoundException("could not read " + className + " from plugin '" + pluginId + "'", e);
        }
    }

    /** Resources come from the plugin's own jar only (the parent would expose the JDK's). */
    @Override
    public URL getResource(String name) {
        return findResource(name);
    }

    @Override
    public java.util.Enumeration<URL> getResources(String name) throws IOException {
        return findResources(name);
    }
}
