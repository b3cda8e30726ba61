package io.voicecore.kernel.plugins.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Sandbox layer 1, no ambient authority: through the context a real kernel gives plugin code, each
 * capability works exactly when the permission is both declared by the manifest and granted by the
 * tenant, and otherwise throws {@link PermissionDeniedException} naming that permission. The plugin is
 * really installed (so it has a database schema, a topic, an egress host and a service provider), and
 * each try varies what its manifest declares and what the tenant granted.
 */
class PermissionProperties {
    static final List<String> PERMISSIONS = List.of(Permission.STORAGE, Permission.HTTP_EGRESS, Permission.EVENTS_PUBLISH,
                                                    Permission.SECRETS, Permission.USAGE, Permission.SERVICES,
                                                    Permission.SCRIPTS);
    static final String TOPIC = "permitted.thing.done";
    static final String SERVICE = "testplugin.supplier.Greeting";

    static TestKernel kernel;
    static HttpServer upstream;
    static PluginRuntime runtime;
    static PluginManifest installed;
    static UUID tenant;
    static Class<?> service;

    @BeforeContainer
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/ping", exchange -> {
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        kernel = TestKernel.start();
        runtime = kernel.kernel().services().plugins();
        tenant = UUID.fromString(kernel.createTenant("permissions"));

        HttpResult provider = TestPlugins.install(kernel, TestPlugins.plugin("supplier", "1.0.0", List.of(), List.of(),
                "services:\n  exports: [" + SERVICE + "]\n",
                "setup.exportService(Greeting.class, context -> () -> \"supplied\");", "")
                .source(SERVICE, """
                        package testplugin.supplier;
                        public interface Greeting extends java.util.function.Supplier<String> {
                        }
                        """).build());
        assertEquals(201, provider.status(), provider.body());
        assertEquals(200, TestPlugins.enable(kernel, "permissions", "supplier", List.of()).status());

        HttpResult permitted = TestPlugins.install(kernel, TestPlugins.plugin("permitted", "1.0.0", PERMISSIONS, List.of(), """
                egress:
                  hosts: [127.0.0.1]
                events:
                  publishes: [%s]
                services:
                  requires:
                    - plugin: supplier
                      version: ">=1.0.0"
                      service: %s
                """.formatted(TOPIC, SERVICE), "", "")
                .resource("db/migration/V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL, body text NOT NULL);").build());
        assertEquals(201, permitted.status(), permitted.body());
        installed = runtime.catalog().installed("permitted").orElseThrow();
        // The interface as the requiring plugin's code sees it: the provider's own class, through the provider's loader.
        service = runtime.catalog().classLoader("permitted", "1.0.0").orElseThrow().loadClass(SERVICE);
    }

    @AfterContainer
    static void stop() {
        kernel.close();
        upstream.stop(0);
    }

    @Provide
    Arbitrary<Set<String>> permissionSets() {
        return Arbitraries.of(PERMISSIONS).set().ofMaxSize(PERMISSIONS.size());
    }

    @Provide
    Arbitrary<List<String>> uses() {
        return Arbitraries.of(PERMISSIONS).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 50)
    void aCapabilityWorksExactlyWhenItsPermissionIsDeclaredAndGranted(@ForAll("permissionSets") Set<String> declared,
                                                                       @ForAll("permissionSets") Set<String> granted,
                                                                       @ForAll("uses") List<String> uses) {
        PluginCall call = new PluginCall(tenant, declaring(declared), granted, Optional.empty(), "permissions-" + UUID.randomUUID());
        PluginContext context = runtime.calls().contextFor(call, io.voicecore.kernel.plugins.licence.LicenceStanding.unlicensed());
        for (String permission : uses) {
            if (declared.contains(permission) && granted.contains(permission)) {
                use(context, permission);
            } else {
                PermissionDeniedException denied = assertThrows(PermissionDeniedException.class, () -> use(context, permission),
                        permission + " with declared " + declared + " and granted " + granted);
                assertEquals(permission, denied.permission());
                assertEquals(403, denied.status());
                assertTrue(denied.getMessage().contains("'" + permission + "'"), denied.getMessage());
            }
        }
    }

    /** The installed manifest with only the given permissions declared; everything else (schema, topic, host) as installed. */
    private static PluginManifest declaring(Set<String> permissions) {
        PluginManifest m = installed;
        List<PluginManifest.Permission> declared = m.permissions().stream().filter(p -> permissions.contains(p.name())).toList();
        return new PluginManifest(m.id(), m.name(), m.version(), m.vendor(), m.description(), m.main(), m.kernel(), declared,
                                  m.routes(), m.streams(), m.publishes(), m.subscribes(), m.egressHosts(), m.config(), m.exports(),
                                  m.requires(), m.dataClasses(), m.limits(), m.libraries());
    }

    /** Uses the capability of one permission the way a plugin would, checking that it really worked. */
    private static void use(PluginContext context, String permission) {
        switch (permission) {
            case Permission.STORAGE -> {
                assertEquals(1, context.storage().update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", Storage.TENANT, "n"));
                assertTrue(context.storage().queryOne("SELECT count(*) AS n FROM notes").orElseThrow().number("n").orElseThrow() > 0);
            }
            case Permission.HTTP_EGRESS -> {
                var response = context.http().send(EgressRequest.get(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()
                                                                                 + "/ping")));
                assertEquals(200, response.status());
                assertEquals("pong", new String(response.body(), StandardCharsets.UTF_8));
            }
            case Permission.EVENTS_PUBLISH -> assertFalse(context.events().publish(TOPIC, Json.object().put("n", 1).build()).isBlank());
            case Permission.SECRETS -> {
                context.secrets().put("token", "s3cret");
                assertEquals(Optional.of("s3cret"), context.secrets().get("token"));
            }
            case Permission.USAGE -> context.usage().record("permissions.calls", 1, "call");
            case Permission.SERVICES -> {
                Object greeting = context.services().require(service);
                assertEquals("supplied", ((Supplier<?>) greeting).get());
            }
            case Permission.SCRIPTS -> assertEquals(Json.of(42), context.scripts().call("function answer(x) { return x.n * 2; }",
                                                                                       "answer", Json.object().put("n", 21).build()));
            default -> throw new IllegalArgumentException(permission);
        }
    }
}
