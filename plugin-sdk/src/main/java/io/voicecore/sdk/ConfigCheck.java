package io.voicecore.sdk;

import io.voicecore.sdk.capability.PluginConfig;

/**
 * Checks a configuration a tenant admin is about to save, beyond what the manifest's schema can say: a setting that
 * needs something else to be in place (another plugin's service online, a secret set), or settings that only make
 * sense together. Registered with {@link PluginSetup#configCheck(ConfigCheck)}; the kernel calls it when the plugin is
 * enabled for the tenant, after the configuration passed the schema and before it is stored, as one plugin call (the
 * same deadline, quota and fault counting as a route).
 *
 * @since SDK 1.4
 */
@FunctionalInterface
public interface ConfigCheck {

    /**
     * Accepts or refuses a configuration. Throw a {@link PluginProblem} (e.g. 409 or 422 with a detail that says what
     * to do) to refuse it: the admin gets that problem and the configuration stays as it was. Returning accepts it.
     *
     * @param proposed the configuration as it would be once saved, defaults applied
     * @param context  capabilities for the tenant; its {@link PluginContext#config()} is still the saved configuration
     * @throws Exception {@link PluginProblem} to refuse; anything else is a fault, and the configuration is not saved
     */
    void check(PluginConfig proposed, PluginContext context) throws Exception;
}
