/**
 * The VoiceCore plugin SDK: the public, stable API that plugin authors compile against.
 * It depends on the JDK only, so a plugin never sees the kernel's server, storage or loader libraries.
 *
 * <ul>
 *   <li>{@code io.voicecore.sdk}: the plugin lifecycle, routes, events, requests and responses;</li>
 *   <li>{@code io.voicecore.sdk.capability}: what a {@link io.voicecore.sdk.PluginContext} offers,
 *       each guarded by a permission;</li>
 *   <li>{@code io.voicecore.sdk.json}: a small JSON model, so plugins need no reflective JSON library.</li>
 * </ul>
 */
module io.voicecore.sdk {
    exports io.voicecore.sdk;
    exports io.voicecore.sdk.capability;
    exports io.voicecore.sdk.json;
    // io.voicecore.sdk.internal is not exported: it holds the implementations behind the API (Request.of builds a
    // WholeBodyRequest), which plugins must not name, so they can change without breaking plugins.
}
