/**
 * The VoiceCore plugin SDK: the public, stable API that plugin authors compile against.
 * It depends on the JDK only, so a plugin never sees the kernel's server or storage libraries.
 */
module io.voicecore.sdk {
    exports io.voicecore.sdk;
}
