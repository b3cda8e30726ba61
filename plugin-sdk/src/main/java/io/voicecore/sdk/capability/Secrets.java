package io.voicecore.sdk.capability;

import java.util.Optional;

/**
 * Secrets of the current tenant for this plugin (API keys of external services, tokens), encrypted at
 * rest with AES-256-GCM. No API or log ever shows a secret's value; only the plugin reads it back.
 */
public interface Secrets {
    /** @param name secret name, e.g. {@code openai.api-key} @param value the value */
    void put(String name, String value);

    /** @param name secret name @return the value, if set */
    Optional<String> get(String name);

    /** @param name secret name @return whether a value was deleted */
    boolean delete(String name);
}
