package io.voicecore.sdk.capability;

import java.util.Optional;

import io.voicecore.sdk.json.Json;

/** The tenant's configuration of this plugin, already validated against the manifest's {@code config} schema, with defaults applied. */
public interface PluginConfig {
    /** @return the whole configuration object */
    Json values();

    /** @param key a top-level key @return its string value */
    Optional<String> string(String key);

    /** @param key a top-level key @return its integer value */
    Optional<Long> number(String key);

    /** @param key a top-level key @return its boolean value */
    Optional<Boolean> bool(String key);
}
