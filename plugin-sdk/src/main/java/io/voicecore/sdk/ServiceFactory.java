package io.voicecore.sdk;

/**
 * Makes a service implementation bound to the providing plugin's context for one tenant.
 *
 * @param <T> the service interface
 */
@FunctionalInterface
public interface ServiceFactory<T> {
    /**
     * @param providerContext the providing plugin's capabilities for the consumer's tenant
     * @return an implementation to be used for the current consumer call only
     */
    T create(PluginContext providerContext);
}
