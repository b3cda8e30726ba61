package io.voicecore.kernel.plugins.storage;

import java.util.regex.Pattern;

/**
 * The SQL names of one plugin's database objects. Plugin ids are {@code ^[a-z][a-z0-9-]{1,39}$}; a
 * {@code -} becomes {@code _}, so every name is a plain lower-case identifier that needs no quoting
 * (and {@code crm-pro} and {@code crm_pro} cannot both exist, since the second is not a valid id).
 *
 * <p>The owner and runtime roles have different prefixes. With a suffix instead ({@code vcp_<id>_owner}),
 * the runtime role of a plugin named {@code crm-owner} would be the owner role of {@code crm}.
 *
 * @param pluginId    the plugin id
 * @param schema      {@code plugin_<id>}: the plugin's tables live here
 * @param ownerRole   {@code vco_<id>}: owns the schema and its objects, runs the plugin's migrations
 * @param runtimeRole {@code vcp_<id>}: what plugin SQL runs as at run time (DML on its own tables only)
 */
public record PluginDatabaseNames(String pluginId, String schema, String ownerRole, String runtimeRole) {
    private static final Pattern PLUGIN_ID = Pattern.compile("^[a-z][a-z0-9-]{1,39}$");

    /** The names for a plugin id. @throws IllegalArgumentException when the id is not a valid plugin id */
    public static PluginDatabaseNames of(String pluginId) {
        if (pluginId == null || !PLUGIN_ID.matcher(pluginId).matches()) {
            throw new IllegalArgumentException("'" + pluginId + "' is not a valid plugin id: it must match "
                                               + PLUGIN_ID.pattern() + " (lower-case letters, digits and '-', 2-40 characters)");
        }
        String sqlId = pluginId.replace('-', '_');
        return new PluginDatabaseNames(pluginId, "plugin_" + sqlId, "vco_" + sqlId, "vcp_" + sqlId);
    }
}
