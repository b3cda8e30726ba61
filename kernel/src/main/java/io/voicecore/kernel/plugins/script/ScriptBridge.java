package io.voicecore.kernel.plugins.script;

import org.graalvm.polyglot.Value;

import io.voicecore.sdk.json.Json;

/**
 * How capability wrappers move values across the boundary during one call: plain JSON only, copied both ways, with
 * the context's own {@code JSON.parse}/{@code JSON.stringify} as they were before the script ran. A bridge is open
 * only while its call runs; a wrapper kept by the script and used in a later call fails with
 * {@link ScriptCapabilityExpired}.
 */
public final class ScriptBridge {
    private final Value parse;
    private final Value stringify;
    private volatile boolean open = true;

    ScriptBridge(Value parse, Value stringify) {
        this.parse = parse;
        this.stringify = stringify;
    }

    /** A fresh guest copy of a JSON value. */
    public Value toGuest(Json value) {
        ensureOpen("a value");
        return parse.execute(value.toString());
    }

    /**
     * A host copy of a guest value as JSON; {@code undefined}, functions and symbols answer JSON null.
     *
     * @throws IllegalArgumentException when the value cannot be written as JSON (e.g. a cycle or a BigInt)
     */
    public Json toJson(Value value) {
        ensureOpen("a value");
        if (value == null || value.isNull()) {
            return Json.of(null);
        }
        Value text;
        try {
            text = stringify.execute(value);
        } catch (org.graalvm.polyglot.PolyglotException e) {
            if (e.isGuestException() && !e.isCancelled() && !e.isResourceExhausted()) {
                throw new IllegalArgumentException("the value is not JSON: " + e.getMessage());
            }
            throw e;
        }
        return text.isString() ? Json.parse(text.asString()) : Json.of(null);
    }

    /**
     * Throws unless the call this bridge was made for is still running.
     *
     * @param what the capability being used, for the message
     */
    public void ensureOpen(String what) {
        if (!open) {
            throw new ScriptCapabilityExpired("The script used " + what + " handed to an earlier call: capabilities are"
                                              + " valid only during the call they were given to; use the ctx of the"
                                              + " current call.");
        }
    }

    void close() {
        open = false;
    }
}
