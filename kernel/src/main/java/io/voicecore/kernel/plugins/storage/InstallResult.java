package io.voicecore.kernel.plugins.storage;

import java.util.List;
import java.util.Optional;

/**
 * What installing or upgrading a plugin's database did.
 *
 * @param pluginId      the plugin
 * @param schema        its schema, empty when the plugin does not use storage
 * @param applied       the migrations applied by this call, in order (empty when the schema was up to date)
 * @param schemaVersion the schema's version afterwards, empty when the plugin has no migrations
 */
public record InstallResult(String pluginId, Optional<String> schema, List<String> applied, Optional<String> schemaVersion) {

    public InstallResult {
        applied = List.copyOf(applied);
    }
}
