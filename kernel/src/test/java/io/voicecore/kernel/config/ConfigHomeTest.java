package io.voicecore.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** {@code VOICECORE_HOME} (an unpacked distribution) moves only the defaults of the data and plugin folders. */
class ConfigHomeTest {

    @Test
    void theHomeFolderHoldsDataAndPluginsByDefault() {
        Path home = Path.of("/opt/voicecore");
        KernelConfig config = ConfigLoader.load(Optional.empty(), Map.of("VOICECORE_HOME", home.toString()), Map.of());
        assertEquals(home.resolve("data"), config.dataDir());
        assertEquals(home.resolve("plugins"), config.pluginsDir());
    }

    @Test
    void aConfiguredFolderStillWins() throws Exception {
        Path file = Files.createTempFile("voicecore-home", ".yaml");
        Files.writeString(file, "plugins.dir: /srv/plugins\n");
        KernelConfig config = ConfigLoader.load(Optional.of(file),
                Map.of("VOICECORE_HOME", "/opt/voicecore", "VOICECORE_DATA", "/var/lib/voicecore"), Map.of());
        assertEquals(Path.of("/var/lib/voicecore"), config.dataDir());
        assertEquals(Path.of("/srv/plugins"), config.pluginsDir());
        assertEquals(Path.of("/mnt/data"), ConfigLoader.load(Optional.of(file), Map.of("VOICECORE_HOME", "/opt/voicecore"),
                Map.of("data", "/mnt/data")).dataDir());
    }

    @Test
    void withoutAHomeTheWorkingDirectoryHoldsThem() {
        KernelConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertEquals(Path.of("data").toAbsolutePath(), config.dataDir());
        assertEquals(Path.of("plugins").toAbsolutePath(), config.pluginsDir());
    }

    @Test
    void everyKeyHasADefaultOrNone() {
        assertEquals(Optional.of("8080"), ConfigLoader.defaultValue("port"));
        assertEquals(Optional.empty(), ConfigLoader.defaultValue("db.url"));
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.defaultValue("no.such.key"));
        assertEquals(ConfigLoader.DEFAULTS.keySet().stream().toList(), ConfigLoader.keys());
    }
}
