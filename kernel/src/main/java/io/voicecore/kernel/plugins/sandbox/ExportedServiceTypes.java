package io.voicecore.kernel.plugins.sandbox;

import java.lang.reflect.Modifier;

/**
 * What a consumer sees of a provider plugin's exported service package: its public types (and public types nested
 * in them), taken from the provider's own loader so that both plugins share the same classes. The package's other
 * classes (package-private helpers, an implementation kept next to the interfaces) do not exist for the consumer, nor
 * does anything in the provider's other packages (those are never handed to the consumer's loader at all).
 */
public final class ExportedServiceTypes extends ClassLoader {
    private final String providerId;
    private final ClassLoader provider;

    /**
     * @param providerId the plugin that exports the package, for refusals
     * @param provider   its class loader
     */
    public ExportedServiceTypes(String providerId, ClassLoader provider) {
        super(null);
        this.providerId = providerId;
        this.provider = provider;
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
        Class<?> type = provider.loadClass(className);
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                throw new ClassNotFoundException(className + " is not exported by plugin '" + providerId
                                                 + "': only the public types of its service packages are");
            }
        }
        return type;
    }

    @Override
    protected Class<?> findClass(String className) throws ClassNotFoundException {
        return loadClass(className, false);
    }
}
