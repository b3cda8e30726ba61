package io.voicecore.marketplace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.commerce.CommerceSettings;
import io.voicecore.marketplace.commerce.StripeSettings;
import io.voicecore.marketplace.signing.SignedJarFixture;
import io.voicecore.standins.stripe.StripeStandIn;
import io.voicecore.standins.stripe.StripeStandInSettings;

/**
 * One kernel with the marketplace for the module's HTTP tests (starting one takes seconds), with a clock the tests
 * move for licences, and the steps a publisher, a reviewer and a tenant admin take, each a real request.
 */
public final class MarketplaceFixture {
    /**
     * The marketplace's clock: licences are issued and judged by it, and certificates too. It starts an hour ahead, so
     * the keys keytool makes during the run (valid from the moment they are made) are valid on it.
     */
    public static final SettableClock CLOCK = new SettableClock(Instant.now().plus(Duration.ofHours(1))
                                                                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    /** How long an expired licence keeps serving in these tests. */
    public static final Duration GRACE = Duration.ofDays(2);

    /** The webhook secret the stand-in signs with and the marketplace verifies with. */
    public static final String WEBHOOK_SECRET = "whsec_marketplace_tests";
    private static TestKernel kernel;
    private static StripeStandIn stripe;
    private static MarketplaceExtension extension;
    private static SignedJarFixture signing;
    private static String reviewerKey;

    private MarketplaceFixture() {
    }

    /** The shared kernel, started on first use and stopped when the test JVM ends. */
    public static synchronized TestKernel kernel() {
        if (kernel == null) {
            // The stand-in's port is chosen first: the kernel is configured with it, and the stand-in with the kernel's webhook.
            int stripePort = freePort();
            StripeSettings stripeSettings = new StripeSettings("http://127.0.0.1:" + stripePort, Optional.of("sk_test_standin"),
                                                               Optional.of(WEBHOOK_SECRET)).withReadTimeout(Duration.ofSeconds(2));
            MarketplaceSettings settings = MarketplaceSettings.defaults().withClock(CLOCK).withLicenceGrace(GRACE)
                    .withCommerce(CommerceSettings.defaults().withStripe(stripeSettings).withScheduledJobs(false));
            extension = new MarketplaceExtension(settings);
            // The kernel runs on the same clock: usage it meters is billed by the marketplace per period of that clock.
            kernel = TestKernel.builder().extensions(List.of(extension)).clock(CLOCK).start();
            stripe = StripeStandIn.start(stripePort, StripeStandInSettings.defaults().withClock(CLOCK)
                    .withWebhook(kernel.uri("/api/v1/marketplace/stripe/webhook"), WEBHOOK_SECRET));
            TestKernel started = kernel;
            StripeStandIn standIn = stripe;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                standIn.close();
                started.close();
            }, "marketplace-test-kernel-stop"));
        }
        return kernel;
    }

    /** The shared kernel's marketplace. */
    public static synchronized MarketplaceExtension marketplace() {
        kernel();
        return extension;
    }

    /** The Stripe stand-in the shared kernel's marketplace pays through. */
    public static synchronized StripeStandIn stripe() {
        kernel();
        return stripe;
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Real keys made with keytool, in a folder of this JVM. */
    public static synchronized SignedJarFixture signing() {
        if (signing == null) {
            try {
                signing = new SignedJarFixture(Files.createTempDirectory("marketplace-keys"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return signing;
    }

    /** A publisher that signed up, with its developer key and one registered Ed25519 signing key. */
    public record Publisher(String id, String slug, String apiKey, SignedJarFixture.Key key) {
        public String path() {
            return "/api/v1/marketplace/publishers/" + slug;
        }
    }

    /** Signs a publisher up and registers a new Ed25519 key of its own (alias: at most 8 characters). */
    public static Publisher publisher(String slug, String alias) {
        HttpResult signedUp = kernel().post("/api/v1/marketplace/publishers", null,
                                            Map.of("name", slug + " Plugins", "slug", slug, "email", "dev@" + slug + ".test"));
        assertEquals(201, signedUp.status(), signedUp.body());
        SignedJarFixture.Key key = signing().key(alias, "Ed25519");
        Publisher publisher = new Publisher(signedUp.json().get("id").asText(), slug, signedUp.json().get("apiKey").asText(), key);
        HttpResult registered = kernel().send(publisher.path() + "/signing-keys", "POST", publisher.apiKey(), "application/x-pem-file",
                                              key.pem());
        assertEquals(201, registered.status(), registered.body());
        return publisher;
    }

    /** Submits a jar as the publisher. */
    public static HttpResult submit(Publisher publisher, byte[] jar) {
        return kernel().send(kernel().request(publisher.path() + "/submissions", publisher.apiKey())
                                     .header("Content-Type", "application/java-archive")
                                     .POST(HttpRequest.BodyPublishers.ofByteArray(jar)).build());
    }

    /** Submits, and waits for the automated review to end (at most 30 seconds); answers the submission. */
    public static JsonNode submitAndReview(Publisher publisher, byte[] jar) {
        HttpResult submitted = submit(publisher, jar);
        assertEquals(202, submitted.status(), submitted.body());
        return awaitReviewed(publisher, submitted.json().get("id").asText());
    }

    public static JsonNode awaitReviewed(Publisher publisher, String submission) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResult read = kernel().get(publisher.path() + "/submissions/" + submission, publisher.apiKey());
            assertEquals(200, read.status(), read.body());
            if (!read.json().get("state").asText().equals("automated-review")) {
                return read.json();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the automated review of " + submission + " took more than 30 seconds");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A reviewer's key, created once by the platform admin. */
    public static synchronized String reviewer() {
        if (reviewerKey == null) {
            HttpResult created = kernel().post("/api/v1/marketplace/reviewers", kernel().adminToken(), Map.of("name", "Rita"));
            assertEquals(201, created.status(), created.body());
            reviewerKey = created.json().get("apiKey").asText();
        }
        return reviewerKey;
    }

    public static HttpResult approve(String submission) {
        return kernel().post("/api/v1/marketplace/reviews/" + submission + "/decision", reviewer(), Map.of("decision", "approve"));
    }

    /** A tenant with a tenant-admin key; answers the key. */
    public static String tenantAdmin(String slug) {
        kernel().createTenant(slug);
        HttpResult key = kernel().post("/api/v1/tenants/" + slug + "/api-keys", kernel().adminToken(),
                                       Map.of("name", "admin-" + slug, "role", "tenant-admin"));
        assertEquals(201, key.status(), key.body());
        return key.json().get("secret").asText();
    }

    /** Installs a listing for a tenant on a plan, granting the given permissions. */
    public static HttpResult install(String tenant, String adminKey, String listing, String plan, List<String> granted) {
        return kernel().post("/api/v1/tenants/" + tenant + "/marketplace/installs", adminKey,
                             Map.of("listing", listing, "plan", plan, "grantedPermissions", granted));
    }

    /**
     * A plugin jar (not signed) with id, version, permissions and routes; {@code setupBody} is the body of
     * {@code setup(PluginSetup setup)}, with the SDK's packages imported.
     */
    public static byte[] pluginJar(String id, String version, List<String> permissions, List<String> routes, String extraManifest,
                                   String setupBody, String migration) {
        String pkg = "market." + id.replace('-', '_');
        StringBuilder yaml = new StringBuilder("id: " + id + "\nname: " + id + " plugin\nversion: " + version
                + "\nvendor: Fixture\ndescription: A " + id + " plugin for marketplace tests\nmain: " + pkg + ".Main\n"
                + "kernel: \">=0.1.0 <1.0.0\"\n");
        if (!permissions.isEmpty()) {
            yaml.append("permissions:\n");
            permissions.forEach(p -> yaml.append("  - name: ").append(p).append("\n    reason: the test needs ").append(p).append('\n'));
        }
        if (!routes.isEmpty()) {
            yaml.append("routes:\n");
            routes.forEach(r -> yaml.append("  - ").append(r).append('\n'));
        }
        yaml.append(extraManifest);
        PluginJar jar = PluginJar.named(id + "-" + version).manifest(yaml.toString()).source(pkg + ".Main", """
                package %s;
                import io.voicecore.sdk.*;
                import io.voicecore.sdk.json.Json;
                import io.voicecore.sdk.capability.*;
                import java.util.*;
                public class Main implements Plugin {
                    @Override
                    public void setup(PluginSetup setup) {
                        %s
                    }
                }
                """.formatted(pkg, setupBody));
        if (migration != null) {
            jar.resource("db/migration/V1__init.sql", migration);
        }
        return jar.bytes();
    }

    /** A plugin with one route, {@code GET /hello}, answering its version. */
    public static byte[] helloJar(String id, String version, List<String> permissions) {
        return pluginJar(id, version, permissions, List.of("GET /hello"), "", """
                setup.route(HttpMethod.GET, "/hello", (request, context) -> Response.ok(Json.object()
                        .put("hello", "%s").put("version", "%s").build()));
                """.formatted(id, version), null);
    }

    /** The jar with its {@code plugin.yaml} changed, as {@code jar xf} / edit / {@code jar uf} would. */
    public static byte[] withPluginYaml(byte[] jar, java.util.function.UnaryOperator<String> edit) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(jar));
             var zip = new java.util.zip.ZipOutputStream(out)) {
            java.util.zip.ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                if (entry.getName().equals("plugin.yaml")) {
                    content = edit.apply(new String(content, java.nio.charset.StandardCharsets.UTF_8))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                zip.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                zip.write(content);
                zip.closeEntry();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Signs a jar with the publisher's key, with the jarsigner tool. */
    public static byte[] signed(Publisher publisher, byte[] jar) {
        return signing().signWithJarsigner(jar, publisher.key());
    }
}
