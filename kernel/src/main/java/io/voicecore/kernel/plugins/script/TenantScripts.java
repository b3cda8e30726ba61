package io.voicecore.kernel.plugins.script;

import java.util.Objects;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.sdk.capability.ScriptException;
import io.voicecore.sdk.capability.Scripts;
import io.voicecore.sdk.json.Json;

/**
 * The SDK's {@link Scripts} capability of one plugin call: the tenant's own scripts run in the {@link ScriptSandbox},
 * in contexts kept for this tenant, plugin version and script only. The script sees its input and nothing else (no
 * capability of the plugin). Checks permission {@code scripts} on every use.
 */
public final class TenantScripts implements Scripts {
    /** The name tenant scripts carry in messages and stack traces. */
    public static final String SCRIPT_NAME = "tenant-script.js";

    private final ScriptSandbox sandbox;
    private final PluginCall call;

    public TenantScripts(ScriptSandbox sandbox, PluginCall call) {
        this.sandbox = sandbox;
        this.call = call;
    }

    @Override
    public void check(String source, String function) {
        call.requireAlongChain(Permission.SCRIPTS);
        sandbox.check(unit(source), requireFunction(function));
    }

    @Override
    public Json call(String source, String function, Json input) {
        call.requireAlongChain(Permission.SCRIPTS);
        Objects.requireNonNull(input, "input");
        return sandbox.call(unit(source), requireFunction(function), input, sandbox.limits().timeout(),
                            ScriptSandbox.Extras.NONE);
    }

    private ScriptUnit unit(String source) {
        Objects.requireNonNull(source, "source");
        return new ScriptUnit(call.tenantId(), call.pluginId() + "@" + call.manifest().version(), SCRIPT_NAME, source);
    }

    private static String requireFunction(String function) {
        if (function == null || !function.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
            throw new ScriptException(ScriptException.Kind.INVALID, "'" + function + "' is not a JavaScript function name.", 0);
        }
        return function;
    }
}
