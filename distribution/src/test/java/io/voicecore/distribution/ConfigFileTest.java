package io.voicecore.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conf/voicecore.yaml} of the tarball lists every key the kernel reads, commented out, each with its default:
 * read as it ships it changes nothing, with every default line uncommented it still changes nothing, and with every
 * line uncommented the kernel accepts it.
 */
class ConfigFileTest {
    static final Path FILE = Path.of("src/dist/conf/voicecore.yaml");
    private static final Pattern KEY_LINE = Pattern.compile("^# ?([a-z][a-z0-9.-]*): (.*)$");

    @Test
    void everyKeyIsListedOnceAndNothingElse() throws IOException {
        Map<String, String> listed = commentedKeys();
        assertEquals(ConfigLoader.keys().stream().sorted().toList(), listed.keySet().stream().sorted().toList(),
                     "the file lists exactly the kernel's keys");
    }

    @Test
    void asShippedTheFileChangesNothing() {
        assertEquals(defaults(), ConfigLoader.load(Optional.of(FILE), Map.of(), Map.of()));
    }

    @Test
    void eachDefaultShownIsTheKernelsOwn(@TempDir Path dir) throws IOException {
        Map<String, String> listed = commentedKeys();
        StringBuilder uncommented = new StringBuilder();
        listed.forEach((key, value) -> {
            if (ConfigLoader.defaultValue(key).isPresent()) {
                uncommented.append(key).append(": ").append(value).append('\n');
            }
        });
        Path file = Files.writeString(dir.resolve("defaults.yaml"), uncommented);
        assertEquals(defaults(), ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
    }

    @Test
    void everyLineUncommentedIsAcceptedByTheKernel(@TempDir Path dir) throws IOException {
        StringBuilder uncommented = new StringBuilder();
        commentedKeys().forEach((key, value) -> uncommented.append(key).append(": ").append(value).append('\n'));
        Path file = Files.writeString(dir.resolve("all.yaml"), uncommented);
        KernelConfig config = ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
        assertTrue(config.dbUrl().orElseThrow().startsWith("jdbc:postgresql://"));
        assertTrue(config.redisUrl().orElseThrow().startsWith("redis://"));
    }

    private static KernelConfig defaults() {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
    }

    /** Each commented {@code # key: value} line whose key looks like a configuration key, in file order. */
    private static Map<String, String> commentedKeys() throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(FILE);
        for (String line : lines) {
            Matcher m = KEY_LINE.matcher(line);
            if (m.matches()) {
                String previous = keys.put(m.group(1), m.group(2));
                assertEquals(null, previous, m.group(1) + " is listed twice");
            }
        }
        return keys;
    }
}
