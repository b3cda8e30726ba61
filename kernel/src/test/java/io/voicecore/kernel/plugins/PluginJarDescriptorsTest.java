package io.voicecore.kernel.plugins;

import static io.voicecore.kernel.plugins.TestPlugins.enable;
import static io.voicecore.kernel.plugins.TestPlugins.install;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upgrading or uninstalling a plugin leaves no file open on the jars of the versions it replaced: a kernel that
 * upgrades its plugins for months must not run out of descriptors. The kernel runs in this JVM, so its descriptors
 * are this process's ({@code /proc/self/fd}).
 */
class PluginJarDescriptorsTest {
    static final String PLUGIN = "fd-counted";
    static final int UPGRADES = 5;
    static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start();
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /**
     * A plugin with storage and a migration, whose calls load a class of their own (so the class loader reads its jar).
     * It reads no resource with {@code getResourceAsStream}: the class loader closes the jar it opened for that, and
     * with it a jar left open by loading classes, which would hide that leak.
     */
    private static Path version(int patch) {
        return TestPlugins.plugin(PLUGIN, "1.0." + patch, List.of("storage"), List.of("GET /notes"), "", """
                setup.route(HttpMethod.GET, "/notes", (request, context) -> Response.ok(Json.object()
                        .put("version", Note.VERSION).put("notes", context.storage().query("SELECT text FROM notes").size()).build()));
                """, """
                static final class Note {
                    static final String VERSION = "1.0.%d";
                }
                """.formatted(patch))
                .resource("db/migration/V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL, text text NOT NULL);")
                .build();
    }

    @Test
    void upgradesAndUninstallLeaveNoDescriptorOnTheJarsOfOldVersions() throws Exception {
        kernel.createTenant("fd-a");
        assertEquals(201, install(kernel, version(0)).status());
        assertEquals(200, enable(kernel, "fd-a", PLUGIN, List.of("storage")).status());
        callServes("1.0.0");
        List<String> first = openPluginJars();
        assertTrue(first.size() <= 1, "one version loaded, its jar open at most once: " + first);

        for (int patch = 1; patch <= UPGRADES; patch++) {
            HttpResult upgraded = install(kernel, version(patch));
            assertEquals(201, upgraded.status(), upgraded.body());
            assertEquals(1, upgraded.json().get("tenantsMoved").asInt(), upgraded.body());
            callServes("1.0." + patch);
        }
        String current = PLUGIN + "-1.0." + UPGRADES + "-";
        List<String> afterUpgrades = awaitOnlyOpen(current);
        assertTrue(afterUpgrades.size() <= first.size(), "after " + UPGRADES + " upgrades the plugin's jars are open "
                                                         + afterUpgrades.size() + " times, after the install " + first.size()
                                                         + " times: " + afterUpgrades);

        assertEquals(204, kernel.delete("/api/v1/plugins/" + PLUGIN, kernel.adminToken()).status());
        assertEquals(List.of(), awaitOnlyOpen("no version: uninstalled"), "an uninstalled plugin's jars are all closed");
    }

    private static void callServes(String version) {
        HttpResult notes = kernel.get("/api/v1/tenants/fd-a/" + PLUGIN + "/notes", kernel.adminToken());
        assertEquals(200, notes.status(), notes.body());
        assertEquals(version, notes.json().get("version").asText(), notes.body());
    }

    /**
     * The open jars of the plugin once every one not named {@code prefix...} is closed. A retired version is stopped and
     * its class loader closed when its last call has left, which may be just after that call's answer reached the client.
     */
    private static List<String> awaitOnlyOpen(String prefix) throws InterruptedException {
        List<String> open = openPluginJars();
        for (int wait = 0; wait < 100 && open.stream().anyMatch(jar -> !jar.startsWith(prefix)); wait++) {
            Thread.sleep(100);
            open = openPluginJars();
        }
        List<String> others = open.stream().filter(jar -> !jar.startsWith(prefix)).toList();
        assertEquals(List.of(), others, "descriptors still open on the jars of versions no longer loaded (all open: " + open + ")");
        return open;
    }

    /** The file names of this process's open descriptors on a jar of the plugin (one entry per descriptor). */
    private static List<String> openPluginJars() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(PluginJarDescriptorsTest::target).filter(Objects::nonNull)
                    .map(target -> target.getFileName().toString())
                    .filter(name -> name.startsWith(PLUGIN + "-") && name.endsWith(".jar"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path target(Path fd) {
        try {
            return Files.readSymbolicLink(fd);
        } catch (IOException e) {
            return null; // closed between listing and reading
        }
    }
}
