package io.voicecore.kernel.plugins.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.TestPlugins;
import io.voicecore.kernel.plugins.licence.LicenceStanding;
import io.voicecore.kernel.plugins.script.ScriptPlugin;
import io.voicecore.kernel.plugins.script.ScriptSandbox;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.json.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Sandbox layers 1 and 6 together, mirroring {@link PermissionProperties} for script plugins: a script's {@code ctx}
 * capability call works exactly when the permission is both declared by the manifest and granted by the tenant, for
 * either tenant, and otherwise fails with the SDK's {@link PermissionDeniedException} naming that permission, as for a
 * Java plugin. The script plugin is really installed (schema, topic, egress host), and each try varies what its
 * manifest declares, what the tenant granted, which tenant calls, and which capabilities the script uses.
 */
class ScriptPermissionProperties {
    static final List<String> PERMISSIONS = List.of(Permission.STORAGE, Permission.HTTP_EGRESS, Permission.EVENTS_PUBLISH,
                                                    Permission.SECRETS, Permission.USAGE);
    static final String SCRIPT = """
            function use(input, ctx) {
              switch (input.permission) {
                case 'storage':
                  ctx.storage.update('INSERT INTO notes (tenant_id, body) VALUES (?, ?)', ctx.storage.TENANT, 'n');
                  return ctx.storage.queryOne('SELECT count(*) AS n FROM notes').n > 0;
                case 'http:egress': {
                  const response = ctx.http.fetch(input.url);
                  return response.status === 200 && response.body === 'pong';
                }
                case 'events:publish': return ctx.events.publish('scripted.thing.done', {n: 1}).length > 0;
                case 'secrets':
                  ctx.secrets.put('token', 's3cret-' + ctx.tenantId);
                  return ctx.secrets.get('token') === 's3cret-' + ctx.tenantId;
                case 'usage': ctx.usage.record('permissions.calls', 1, 'call'); return true;
              }
              return false;
            }
            """;

    static TestKernel kernel;
    static HttpServer upstream;
    static PluginRuntime runtime;
    static PluginManifest installed;
    static List<UUID> tenants;
    static ScriptSandbox sandbox;

    @BeforeContainer
    static void start() {
        try {
            upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        upstream.createContext("/ping", exchange -> {
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        kernel = TestKernel.start();
        runtime = kernel.kernel().services().plugins();
        tenants = List.of(UUID.fromString(kernel.createTenant("script-permissions-a")),
                          UUID.fromString(kernel.createTenant("script-permissions-b")));
        HttpResult scripted = TestPlugins.install(kernel, TestPlugins.script("scripted", "1.0.0", PERMISSIONS, List.of("GET /x"), """
                egress:
                  hosts: [127.0.0.1]
                events:
                  publishes: [scripted.thing.done]
                """, "function route(request, ctx) { return {}; }\n" + SCRIPT)
                .resource("db/migration/V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL, body text NOT NULL);").build());
        assertEquals(201, scripted.status(), scripted.body());
        installed = runtime.catalog().installed("scripted").orElseThrow();
        sandbox = new ScriptSandbox(new KernelConfig.Scripts(1_000_000, Duration.ofSeconds(5), 64L << 20, 4, 2));
    }

    @AfterContainer
    static void stop() {
        sandbox.close();
        kernel.close();
        upstream.stop(0);
    }

    @Provide
    Arbitrary<Set<String>> permissionSets() {
        return Arbitraries.of(PERMISSIONS).set().ofMaxSize(PERMISSIONS.size());
    }

    @Provide
    Arbitrary<List<String>> uses() {
        return Arbitraries.of(PERMISSIONS).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 25)
    void aScriptCapabilityWorksExactlyWhenItsPermissionIsDeclaredAndGranted(@ForAll("permissionSets") Set<String> declared,
                                                                             @ForAll("permissionSets") Set<String> granted,
                                                                             @ForAll("uses") List<String> uses,
                                                                             @ForAll boolean secondTenant) {
        PluginManifest manifest = declaring(declared);
        UUID tenant = tenants.get(secondTenant ? 1 : 0);
        PluginCall call = new PluginCall(tenant, manifest, granted, Optional.empty(), "script-permissions-" + UUID.randomUUID());
        PluginContext context = runtime.calls().contextFor(call, LicenceStanding.unlicensed());
        ScriptPlugin plugin = new ScriptPlugin(manifest, SCRIPT, sandbox);
        String url = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/ping";
        for (String permission : uses) {
            Json input = Json.object().put("permission", permission).put("url", url).build();
            if (declared.contains(permission) && granted.contains(permission)) {
                assertEquals(Json.of(true), plugin.call(context, "use", input), permission);
            } else {
                PermissionDeniedException denied = assertThrows(PermissionDeniedException.class,
                        () -> plugin.call(context, "use", input), permission + " with declared " + declared + " and granted " + granted);
                assertEquals(permission, denied.permission());
                assertEquals(403, denied.status());
                assertTrue(denied.getMessage().contains("'" + permission + "'"), denied.getMessage());
            }
        }
    }

    /** The installed manifest with only the given permissions declared; everything else as installed. */
    private static PluginManifest declaring(Set<String> permissions) {
        PluginManifest m = installed;
        List<PluginManifest.Permission> declared = m.permissions().stream().filter(p -> permissions.contains(p.name())).toList();
        return new PluginManifest(m.id(), m.name(), m.version(), m.vendor(), m.description(), m.main(), m.kernel(), declared,
                                  m.routes(), m.streams(), m.publishes(), m.subscribes(), m.egressHosts(), m.config(), m.exports(),
                                  m.requires(), m.dataClasses(), m.limits(), m.libraries());
    }
}
