package io.voicecore.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import org.junit.jupiter.api.Test;

/**
 * The console's end-to-end tests: one real kernel (embedded PostgreSQL, the marketplace extension, the console's built
 * files on the class path) for the whole run, then Playwright drives Debian's Chromium against it (e2e/). Each
 * Playwright test makes its own tenant and users through the API, so they share nothing but the kernel.
 */
class ConsoleEndToEndIT {
    private static final long RUN_LIMIT_MINUTES = 8;

    @Test
    void playwrightSuitePassesAgainstARealKernel() throws Exception {
        Path consoleDir = Path.of(System.getProperty("console.dir", ".")).toAbsolutePath();
        Path playwright = consoleDir.resolve("node_modules/@playwright/test/cli.js");
        assertTrue(Files.isRegularFile(playwright), "Playwright is not installed in " + consoleDir
                   + "; the build's npm ci step installs it");
        try (TestKernel kernel = TestKernel.builder()
                .extensions(List.of(new MarketplaceExtension(MarketplaceSettings.defaults()))).start()) {
            HttpResult index = kernel.get("/console/", null);
            assertEquals(200, index.status(), "the kernel does not serve the built console: " + index);
            assertTrue(index.body().contains("/console/assets/index-"), "not the console's production build: " + index.body());

            ProcessBuilder run = new ProcessBuilder("node", playwright.toString(), "test")
                    .directory(consoleDir.toFile())
                    .redirectErrorStream(true);
            run.environment().put("VOICECORE_URL", "http://127.0.0.1:" + kernel.port());
            run.environment().put("VOICECORE_ADMIN_TOKEN", kernel.adminToken());
            run.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            run.environment().putIfAbsent("CI", "true");
            Process process = run.start();
            // Copied line by line through System.out: the test JVM's own stdout is the build's channel to it.
            Thread.ofPlatform().daemon().name("playwright-output").start(() -> {
                try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                    lines.lines().forEach(System.out::println);
                } catch (IOException e) {
                    System.out.println("Playwright's output could not be read: " + e.getMessage());
                }
            });
            if (!process.waitFor(RUN_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("The Playwright run took longer than " + RUN_LIMIT_MINUTES + " minutes");
            }
            assertEquals(0, process.exitValue(), "Playwright failed; its report is above and screenshots are in "
                         + consoleDir.resolve("target" + File.separator + "screenshots"));
        }
    }
}
