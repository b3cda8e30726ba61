package io.voicecore.kernel.config;

/** The kernel's own version: what a plugin manifest's {@code kernel} range is matched against, and what the API reports. */
public final class KernelVersion {
    /** Also {@code info.version} of {@code openapi.yaml}. */
    public static final String CURRENT = "0.1.0";

    private KernelVersion() {
    }
}
