package io.voicecore.sdk;

import java.util.Optional;

import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.capability.PluginLog;
import io.voicecore.sdk.capability.Scripts;
import io.voicecore.sdk.capability.Secrets;
import io.voicecore.sdk.capability.Services;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.capability.Usage;

/**
 * Everything a plugin may do, scoped to one tenant and this plugin, for the duration of one call
 * (a request, an event delivery or a job run). Do not keep it beyond the call.
 *
 * <p>Each capability checks, on every use, that the manifest declares the permission and the tenant
 * granted it; otherwise it throws {@link PermissionDeniedException}. The permission names are given on
 * each method.
 */
public interface PluginContext {

    /** @return the id of the tenant this call is for */
    String tenantId();

    /** @return this plugin's id and version */
    PluginInfo plugin();

    /** @return who made the request, when this call serves a route or a stream */
    Optional<Caller> caller();

    /** @return the plugin's own database schema, tenant-isolated; permission {@code storage} */
    Storage storage();

    /** @return HTTP calls to the hosts the manifest lists; permission {@code http:egress} */
    HttpEgress http();

    /** @return publishing of declared topics; permission {@code events:publish} */
    Events events();

    /** @return secrets of this tenant and plugin, encrypted at rest; permission {@code secrets} */
    Secrets secrets();

    /** @return billable usage metering; permission {@code usage} */
    Usage usage();

    /** @return the tenant's configuration of this plugin, validated against the manifest's schema; no permission needed */
    PluginConfig config();

    /** @return structured logging, tagged with tenant, plugin and request id; no permission needed */
    PluginLog log();

    /** @return services exported by other plugins that the manifest requires; permission {@code services} */
    Services services();

    /**
     * The tenant's licence of this plugin, for features that depend on the plan, seats or usage limits. No
     * permission needed.
     *
     * <p>Empty when the plugin runs unlicensed: installed by the platform administrator outside the marketplace,
     * or a marketplace plugin that needs no licence. A licence that no longer serves (expired past its grace
     * period, invalid, missing where one is required) never reaches plugin code: the platform refuses the call
     * before it starts, so a plugin need not check dates. {@link Licence#inGrace()} tells a call served in the
     * grace period after expiry.
     *
     * <p>The default answers empty, for contexts made outside the platform (e.g. a plugin's own test doubles); the
     * platform's context answers the licence the call was admitted with.
     *
     * @return the licence of this call, or empty when the plugin runs unlicensed
     * @since SDK 1.1
     */
    default Optional<Licence> licence() {
        return Optional.empty();
    }

    /**
     * The brand the tenant is served under: the platform's, or its reseller's (the product name, the assistant's name,
     * the support e-mail and the sender name its customers see). No permission needed. A plugin that names the product
     * or introduces an assistant uses it where the tenant's own configuration does not say otherwise.
     *
     * <p>The default answers {@link Branding#PLATFORM}, for contexts made outside the platform (e.g. a plugin's own
     * test doubles); the platform's context answers the tenant's branding.
     *
     * @return the tenant's branding
     * @since SDK 1.4
     */
    default Branding branding() {
        return Branding.PLATFORM;
    }

    /**
     * Runs the tenant's own short scripts (for example call-flow rules) in the platform's script sandbox; permission
     * {@code scripts}.
     *
     * <p>The default throws {@link UnsupportedOperationException}, for contexts made outside the platform; the
     * platform's context answers the sandbox.
     *
     * @return the script sandbox for this tenant and plugin
     * @since SDK 1.5
     */
    default Scripts scripts() {
        throw new UnsupportedOperationException("scripts are run by the VoiceCore platform");
    }
}
