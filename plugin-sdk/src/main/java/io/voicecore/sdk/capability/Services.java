package io.voicecore.sdk.capability;

/**
 * Services other plugins export, as declared in this plugin's {@code services.requires} (plugin id,
 * version range and interface). The provider must be installed in a matching version and enabled for
 * the tenant.
 */
public interface Services {
    /**
     * @param type the service interface
     * @param <T>  the service type
     * @return the provider's implementation; calls into it run with the provider's own permissions
     * @throws io.voicecore.sdk.PermissionDeniedException when not declared or the provider is not enabled for the tenant
     */
    <T> T require(Class<T> type);
}
