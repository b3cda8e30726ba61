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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import io.voicecore.standins.openai.OpenAiStandIn;
import io.voicecore.standins.stripe.StripeStandIn;
import io.voicecore.standins.stripe.StripeStandInSettings;
import org.junit.jupiter.api.Test;

/**
 * The console's end-to-end tests: one real kernel (embedded PostgreSQL, the marketplace extension wired to the Stripe
 * stand-in, the four core plugins installed from their jars, the console's built files on the class path) and the
 * OpenAI stand-in for the whole run, then Playwright drives Debian's Chromium against it (e2e/). Each Playwright test
 * makes its own tenant and users through the API, so they share nothing but the kernel.
 */
class ConsoleEndToEndIT {
    private static final long RUN_LIMIT_MINUTES = 12;
    private static final List<String> CORE_PLUGINS = List.of("crm", "ai-gateway", "receptionist", "voice");
    static final String OPENAI_KEY = "sk-console-e2e";
    static final String STRIPE_KEY = "sk_test_console_e2e";
    static final String STRIPE_WEBHOOK_SECRET = "whsec_console_e2e";

    @Test
    void playwrightSuitePassesAgainstARealKernel() throws Exception {
        Path consoleDir = Path.of(System.getProperty("console.dir", ".")).toAbsolutePath();
        Path playwright = consoleDir.resolve("node_modules/@playwright/test/cli.js");
        assertTrue(Files.isRegularFile(playwright), "Playwright is not installed in " + consoleDir
                   + "; the build's npm ci step installs it");
        try (OpenAiStandIn openAi = OpenAiStandIn.start(0, Set.of(OPENAI_KEY));
             StripeStandIn stripe = StripeStandIn.start(0, StripeStandInSettings.defaults().withKeys(STRIPE_KEY));
             TestKernel kernel = TestKernel.builder()
                     .set("plugins.dir", corePlugins().toString())
                     .extensions(List.of(new MarketplaceExtension(MarketplaceSettings.fromEnvironment(Map.of(
                             "VOICECORE_STRIPE_BASE_URL", stripe.baseUrl(),
                             "VOICECORE_STRIPE_SECRET_KEY", STRIPE_KEY,
                             "VOICECORE_STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET,
                             "VOICECORE_MARKETPLACE_SCHEDULED_JOBS", "false"))))).start()) {
            HttpResult index = kernel.get("/console/", null);
            assertEquals(200, index.status(), "the kernel does not serve the built console: " + index);
            assertTrue(index.body().contains("/console/assets/index-"), "not the console's production build: " + index.body());

            List<String> command = new java.util.ArrayList<>(List.of("node", playwright.toString(), "test"));
            // -Dconsole.e2e.only=crm.spec.ts,console.spec.ts runs only those files (while working on a page).
            String only = System.getProperty("console.e2e.only", "");
            if (!only.isBlank()) {
                command.addAll(List.of(only.split(",")));
            }
            ProcessBuilder run = new ProcessBuilder(command)
                    .directory(consoleDir.toFile())
                    .redirectErrorStream(true);
            run.environment().put("VOICECORE_URL", "http://127.0.0.1:" + kernel.port());
            run.environment().put("VOICECORE_ADMIN_TOKEN", kernel.adminToken());
            // A test points a tenant's AI gateway at the stand-in (config baseUrl, secret openai.api-key) to get answers.
            run.environment().put("VOICECORE_OPENAI_URL", openAi.baseUrl());
            run.environment().put("VOICECORE_OPENAI_KEY", OPENAI_KEY);
            run.environment().put("VOICECORE_STRIPE_URL", stripe.baseUrl());
            // A plugin a test can submit to the marketplace: the hello example signed with jarsigner, and the PEM of the
            // signing certificate to register as the publisher's key (docs/marketplace.md, signing).
            // One kernel serves every spec and a plugin id is listed once, so the flows that list a plugin each get their
            // own id: 'hello' for the marketplace's install flow, 'greeter' (the same code) for the review flow.
            SignedPlugin signed = signedPlugin("hello");
            SignedPlugin greeter = signedPlugin("greeter");
            run.environment().put("VOICECORE_SIGNED_PLUGIN_JAR", signed.jar().toString());
            run.environment().put("VOICECORE_SIGNING_CERT_PEM", signed.certificatePem().toString());
            run.environment().put("VOICECORE_UNSIGNED_PLUGIN_JAR", signed.unsigned().toString());
            run.environment().put("VOICECORE_SIGNED_GREETER_JAR", greeter.jar().toString());
            run.environment().put("VOICECORE_GREETER_CERT_PEM", greeter.certificatePem().toString());
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

    /**
     * The hello example's jar under the plugin id {@code id} (its manifest's id rewritten), signed with a new Ed25519 key,
     * that key's certificate as PEM, and the jar unsigned.
     */
    private record SignedPlugin(Path jar, Path certificatePem, Path unsigned) {
    }

    private static SignedPlugin signedPlugin(String id) throws IOException, InterruptedException {
        Path source = Path.of(System.getProperty("hello.plugin.dir", "../examples/hello-plugin")).resolve("target");
        Path built;
        try (Stream<Path> files = Files.list(source)) {
            built = files.filter(f -> f.getFileName().toString().matches("hello-plugin-[^/]*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no jar of the hello example in " + source + "; build it first"));
        }
        Path folder = Files.createTempDirectory("console-e2e-signing");
        Path unsigned = withId(built, id, folder.resolve(id + "-plugin-unsigned.jar"));
        Path jar = Files.copy(unsigned, folder.resolve(id + "-plugin-signed.jar"));
        Path keystore = folder.resolve("publisher.p12");
        String bin = Path.of(System.getProperty("java.home"), "bin").toString();
        jdkTool(folder, bin + "/keytool", "-genkeypair", "-alias", "publisher", "-keyalg", "Ed25519", "-validity", "30",
                "-dname", "CN=Console E2E Publisher", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        String pem = jdkTool(folder, bin + "/keytool", "-exportcert", "-rfc", "-alias", "publisher", "-keystore", keystore.toString(),
                             "-storepass", "changeit");
        Path certificate = Files.writeString(folder.resolve("publisher.pem"),
                                             pem.substring(pem.indexOf("-----BEGIN CERTIFICATE-----")).strip() + "\n");
        jdkTool(folder, bin + "/jarsigner", "-keystore", keystore.toString(), "-storepass", "changeit", jar.toString(), "publisher");
        return new SignedPlugin(jar, certificate, unsigned);
    }

    private static Path withId(Path jar, String id, Path target) throws IOException {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(jar));
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(target))) {
            for (java.util.zip.ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals("plugin.yaml")) {
                    bytes = new String(bytes, StandardCharsets.UTF_8).replaceFirst("(?m)^id: hello$", "id: " + id)
                            .getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return target;
    }

    private static String jdkTool(Path folder, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError(String.join(" ", List.of(command).subList(0, 2)) + " failed: " + output);
        }
        return output;
    }

    /** A folder with the core plugins' jars, which the kernel installs at start (plugins.dir). */
    private static Path corePlugins() throws IOException {
        Path source = Path.of(System.getProperty("core.plugins.dir", "../core-plugins"));
        Path folder = Files.createTempDirectory("console-e2e-plugins");
        for (String id : CORE_PLUGINS) {
            Path target = source.resolve(id).resolve("target");
            try (Stream<Path> files = Files.list(target)) {
                Path jar = files.filter(f -> f.getFileName().toString().matches(Pattern.quote(id) + "-plugin-[^/]*\\.jar")
                                             && !f.getFileName().toString().contains("-sources")).findFirst()
                        .orElseThrow(() -> new AssertionError("no jar of plugin " + id + " in " + target + "; build it first"));
                Files.copy(jar, folder.resolve(jar.getFileName()));
            }
        }
        return folder;
    }
}
