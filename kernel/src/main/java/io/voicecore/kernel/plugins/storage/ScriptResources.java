package io.voicecore.kernel.plugins.storage;

import java.io.Reader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway exactly the plugin's versioned scripts, so Flyway never scans a class path (where it would
 * find the kernel's own migrations) and never finds callback scripts.
 */
final class ScriptResources implements ResourceProvider {
    private final List<ScriptResource> resources;

    ScriptResources(List<MigrationScript> scripts) {
        this.resources = scripts.stream().map(ScriptResource::new).toList();
    }

    /** Flyway's contract: {@code null} when there is no such resource. */
    @Override
    public LoadableResource getResource(String name) {
        return resources.stream().filter(r -> r.getFilename().equals(name) || r.getAbsolutePath().equals(name)).findFirst().orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return resources.stream()
                .filter(r -> r.getFilename().startsWith(prefix) && Arrays.stream(suffixes).anyMatch(r.getFilename()::endsWith))
                .map(LoadableResource.class::cast)
                .toList();
    }

    private static final class ScriptResource extends LoadableResource {
        private final MigrationScript script;

        ScriptResource(MigrationScript script) {
            this.script = script;
        }

        @Override
        public Reader read() {
            return new StringReader(script.sql());
        }

        @Override
        public String getAbsolutePath() {
            return PluginMigrations.DIRECTORY + script.fileName();
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return getAbsolutePath();
        }

        @Override
        public String getFilename() {
            return script.fileName();
        }

        @Override
        public String getRelativePath() {
            return script.fileName();
        }
    }
}
