package io.voicecore.kernel.config;

/** The configuration is unusable; the message names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
