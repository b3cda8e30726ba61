package io.voicecore.kernel.plugins.runtime;

import java.util.Optional;
import java.util.function.Function;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginInfo;
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
 * The {@link PluginContext} of one call: capabilities made on first use from the call's tenant, plugin and grants, and
 * the licence the call was admitted with.
 */
final class RuntimePluginContext implements PluginContext {
    private final PluginCall call;
    private final CapabilityFactory capabilities;
    private final Function<PluginCall, Services> services;
    private final Optional<Licence> licence;

    RuntimePluginContext(PluginCall call, CapabilityFactory capabilities, Function<PluginCall, Services> services,
                         Optional<Licence> licence) {
        this.call = call;
        this.capabilities = capabilities;
        this.services = services;
        this.licence = licence;
    }

    @Override
    public String tenantId() {
        return call.tenantId().toString();
    }

    @Override
    public PluginInfo plugin() {
        return new PluginInfo(call.manifest().id(), call.manifest().version());
    }

    @Override
    public Optional<Caller> caller() {
        return call.caller();
    }

    @Override
    public Storage storage() {
        return capabilities.storage(call);
    }

    @Override
    public HttpEgress http() {
        return capabilities.http(call);
    }

    @Override
    public Events events() {
        return capabilities.events(call);
    }

    @Override
    public Secrets secrets() {
        return capabilities.secrets(call);
    }

    @Override
    public Usage usage() {
        return capabilities.usage(call, licence);
    }

    @Override
    public PluginConfig config() {
        return capabilities.config(call);
    }

    @Override
    public Scripts scripts() {
        return capabilities.scripts(call);
    }

    @Override
    public PluginLog log() {
        return capabilities.log(call);
    }

    @Override
    public Services services() {
        return services.apply(call);
    }

    /** The licence view of the standing this call was admitted with; empty when the plugin runs unlicensed. */
    @Override
    public Optional<Licence> licence() {
        return licence;
    }

    /** The tenant's branding, asked for when the plugin reads it (most calls never do). */
    @Override
    public io.voicecore.sdk.Branding branding() {
        return capabilities.branding(call);
    }
}
