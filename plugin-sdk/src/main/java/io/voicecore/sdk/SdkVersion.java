package io.voicecore.sdk;

/**
 * The version of the plugin SDK a plugin was compiled against.
 *
 * <p>The SDK follows semantic versioning: a plugin built against {@code MAJOR.MINOR} runs on any
 * kernel whose SDK has the same {@code MAJOR} and an equal or greater {@code MINOR}. A plugin built against
 * another {@code MAJOR} must be rebuilt: 1.0 made {@link Request} an interface, so calls compiled against the
 * 0.x record no longer link. 1.1 added {@link Licence} and {@link PluginContext#licence()}; 1.2 added
 * {@link UsageLimitReachedException}, thrown when a record would exceed a licence's usage limit; 1.3 added
 * {@link Request#target()}, the path and query the client sent, for signatures over the URL it called; 1.4 added
 * public streams, the opening request's {@link StreamRequest#headers()} and {@link StreamRequest#target()},
 * {@link StreamSession#submit(StreamTask)} for a stream's slow work, and {@link ConfigCheck}, a plugin's own check of
 * a configuration before it is saved.
 */
public final class SdkVersion {
    /** The SDK's major version; it changes only when a change breaks plugins built against it. */
    public static final int MAJOR = 1;
    /** The SDK's minor version; it grows when API is added in a compatible way. */
    public static final int MINOR = 5;

    private SdkVersion() {
    }

    /**
     * Returns the version as {@code MAJOR.MINOR}.
     *
     * @return the version string, for example {@code "1.5"}
     */
    public static String text() {
        return MAJOR + "." + MINOR;
    }
}
