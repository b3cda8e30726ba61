package io.voicecore.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Jib wrote is an OCI image that runs the kernel as the Helm chart expects: an index, a manifest and a config whose
 * digests match their blobs; a non-root user; an entrypoint that sizes the heap from the container's limit; the Java
 * runtime, its loader, the kernel's libraries and the core plugins in the layers; volumes for the only paths it writes.
 */
class ImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theImageTarIsARunnableOciImage(@TempDir Path dir) throws Exception {
        Path tar = Path.of("../target/voicecore-image.tar");
        assertTrue(Files.isRegularFile(tar), "distribution/target/voicecore-image.tar: run the package phase with -Pimage");
        run(dir, "tar", "-xf", tar.toAbsolutePath().toString());
        assertTrue(Files.readString(dir.resolve("oci-layout")).contains("imageLayoutVersion"));

        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        JsonNode manifestRef = index.get("manifests").get(0);
        assertEquals("application/vnd.oci.image.manifest.v1+json", manifestRef.get("mediaType").asText());
        JsonNode manifest = JSON.readTree(blob(dir, manifestRef.get("digest").asText()).toFile());
        JsonNode config = JSON.readTree(blob(dir, manifest.get("config").get("digest").asText()).toFile()).get("config");

        String user = config.get("User").asText();
        assertEquals("65532:65532", user, "a user of its own, not root");
        List<String> entrypoint = strings(config.get("Entrypoint"));
        assertEquals("/opt/java/bin/java", entrypoint.get(0));
        assertTrue(entrypoint.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")), "heap from the memory limit: " + entrypoint);
        assertEquals("io.voicecore.kernel.Main", entrypoint.get(entrypoint.size() - 1));
        assertEquals(List.of("start"), strings(config.get("Cmd")));
        assertTrue(strings(config.get("Env")).contains("VOICECORE_HOME=/app"), "plugins from /app/plugins");
        assertTrue(config.get("Volumes").has("/tmp") && config.get("Volumes").has("/var/lib/voicecore"), "writable paths are volumes");

        List<String> files = new ArrayList<>();
        for (JsonNode layer : manifest.get("layers")) {
            Path blob = blob(dir, layer.get("digest").asText());
            files.addAll(run(dir, "tar", "-tzvf", blob.toString()));
        }
        assertTrue(files.stream().anyMatch(f -> f.startsWith("-rwxr-xr-x") && f.endsWith(" opt/java/bin/java")), "an executable java");
        assertTrue(files.stream().anyMatch(f -> f.endsWith(" lib64/ld-linux-x86-64.so.2")), "the dynamic loader");
        assertTrue(files.stream().anyMatch(f -> f.matches(".* lib/x86_64-linux-gnu/libc\\.so\\.6")), "the C library");
        assertTrue(files.stream().anyMatch(f -> f.matches(".* app/libs/voicecore-kernel-.*\\.jar")), "the kernel");
        assertTrue(files.stream().anyMatch(f -> f.matches(".* app/libs/voicecore-marketplace-.*\\.jar")), "the marketplace");
        assertEquals(4, files.stream().filter(f -> f.matches(".* app/plugins/.*-plugin-.*\\.jar")).count(), "the core plugins");
        assertTrue(files.stream().anyMatch(f -> f.endsWith(" etc/passwd")), "the user has a name");
        assertFalse(files.stream().anyMatch(f -> f.matches(".* (bin/sh|usr/bin/.*)")), "no shell, no tools: " + files.size());
    }

    /** A blob of the layout, after checking that its content has the digest it is named by. */
    private static Path blob(Path dir, String digest) throws Exception {
        Path blob = dir.resolve("blobs/" + digest.replace(':', '/'));
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(blob));
        assertEquals(digest, "sha256:" + HexFormat.of().formatHex(sha));
        return blob;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        process.getErrorStream().readAllBytes();
        assertEquals(0, process.waitFor(), String.join(" ", command));
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }
}
