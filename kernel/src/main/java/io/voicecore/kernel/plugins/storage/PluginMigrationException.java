package io.voicecore.kernel.plugins.storage;

import java.util.Optional;

/**
 * A plugin's database could not be installed or upgraded: a migration failed, a migration left a table
 * without {@code tenant_id uuid NOT NULL}, created an object the kernel does not allow, or the jar's
 * migration files are unusable. The message names the plugin, the migration file and the table or
 * object, and quotes the database's error; it never contains a secret.
 */
public final class PluginMigrationException extends RuntimeException {
    private final String pluginId;
    private final String migration;

    PluginMigrationException(String pluginId, Optional<String> migration, String message) {
        super(message);
        this.pluginId = pluginId;
        this.migration = migration.orElse(null);
    }

    /** The plugin being installed. */
    public String pluginId() {
        return pluginId;
    }

    /** The migration file that was refused, when the failure belongs to one. */
    public Optional<String> migration() {
        return Optional.ofNullable(migration);
    }
}
