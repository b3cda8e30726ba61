package io.voicecore.sdk.capability;

import io.voicecore.sdk.json.Json;

/**
 * Runs short, untrusted JavaScript written by the tenant (for example the receptionist's call-flow rules) in the
 * platform's script sandbox: no host classes, no files, no network, no threads, a statement limit, a wall-clock
 * deadline and an allocation bound. The script sees only its input; it reaches no capability of the plugin.
 *
 * <p>Scripts of one tenant never share a context with another tenant's. Permission {@code scripts}.
 *
 * @since SDK 1.5
 */
public interface Scripts {

    /**
     * Checks, without running anything but the script's top level, that {@code source} compiles and defines a
     * top-level function named {@code function}. Use it to validate a script when it is saved.
     *
     * @param source   the script's text
     * @param function the name of the function the plugin will call
     * @throws ScriptException of kind {@link ScriptException.Kind#INVALID} naming the line, when it does not compile
     *                         or does not define the function, or of kind {@link ScriptException.Kind#LIMIT} when its
     *                         top level exceeds a limit
     */
    void check(String source, String function);

    /**
     * Calls {@code function(input)} of {@code source} and answers its result as JSON (objects, arrays, strings,
     * numbers, booleans and null; {@code undefined} answers JSON null).
     *
     * @param source   the script's text
     * @param function the top-level function to call
     * @param input    the function's single argument, given to the script as a plain JavaScript value
     * @return what the function returned
     * @throws ScriptException when the script does not compile ({@code INVALID}), throws or returns something that is
     *                         not JSON ({@code FAILED}), or exceeds a limit ({@code LIMIT})
     */
    Json call(String source, String function, Json input);
}
