package io.voicecore.marketplace.review;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.signing.SignedJarFixture;
import io.voicecore.marketplace.signing.SigningCertificate;

/**
 * Submissions for the review's tests: real plugin jars compiled from a few lines of source with the kernel's
 * {@link PluginJar} and {@link TestPlugins}, signed with real keys made by {@code keytool} ({@link SignedJarFixture}).
 * The keys are made once for the whole test run (each {@code keytool} run is a JVM start).
 */
final class ReviewFixture {
    private static final ManifestParser MANIFESTS = new ManifestParser();

    private ReviewFixture() {
    }

    /** The publisher's registered key, and a key nobody registered. */
    private static final class Keys {
        static final SignedJarFixture SIGNER = new SignedJarFixture(TestKernel.tempDir("review-keys"));
        static final Map<String, SignedJarFixture.Key> KEYS = SIGNER.keys(Map.of("acme", "Ed25519", "stranger", "Ed25519"));
    }

    static SignedJarFixture.Key publisherKey() {
        return Keys.KEYS.get("acme");
    }

    static SignedJarFixture.Key strangerKey() {
        return Keys.KEYS.get("stranger");
    }

    /** The jar signed with the publisher's key. */
    static byte[] signed(byte[] jar) {
        return Keys.SIGNER.sign(jar, publisherKey());
    }

    static byte[] signedBy(byte[] jar, SignedJarFixture.Key key) {
        return Keys.SIGNER.sign(jar, key);
    }

    /** A submission of a jar by the publisher, whose registered certificate is its key's. */
    static Submission submission(byte[] jar) {
        return new Submission(jar, List.of(registered()), java.util.Optional.empty());
    }

    static Submission upgrade(byte[] jar, PluginManifest lastPublished) {
        return new Submission(jar, List.of(registered()), java.util.Optional.of(lastPublished));
    }

    static SigningCertificate registered() {
        return publisherKey().certificate();
    }

    /**
     * A plugin {@code testplugin.<id>.Main} (see {@link TestPlugins#plugin}): the body of its {@code setup}, more members,
     * its permissions and routes.
     */
    static PluginJar plugin(String id, List<String> permissions, List<String> routes, String setup, String members) {
        return TestPlugins.plugin(id, "1.0.0", permissions, routes, "", setup, members);
    }

    /** A plugin that does nothing wrong: a greeting, an echo, and a route with a path parameter. */
    static PluginJar wellBehaved(String id) {
        return plugin(id, List.of(), List.of("GET /hello", "POST /echo", "GET /items/{id}"), """
                setup.route(HttpMethod.GET, "/hello", (request, context) -> Response.ok(Json.object().put("hello", "world").build()));
                setup.route(HttpMethod.POST, "/echo", (request, context) -> Response.ok(request.json()));
                setup.route(HttpMethod.GET, "/items/{id}", (request, context) ->
                        Response.ok(Json.object().put("id", request.pathParam("id").orElseThrow()).build()));
                """, "");
    }

    /** A manifest as the last published version of a plugin declared it (with a host to call if it asks for egress). */
    static PluginManifest manifest(String id, String version, List<String> permissions) {
        String egress = permissions.contains(PluginManifest.Permission.HTTP_EGRESS) ? "egress:\n  hosts: [api.example.com]\n" : "";
        return MANIFESTS.parse(TestPlugins.manifest(id, version, permissions, List.of(), egress));
    }

    /** Where the tests' trials write their jars. */
    static Path trialsDir() {
        return TestKernel.tempDir("review-trials");
    }
}
