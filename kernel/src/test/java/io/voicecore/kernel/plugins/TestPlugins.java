package io.voicecore.kernel.plugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.PluginJar;
import io.voicecore.kernel.testing.TestKernel;

/** Plugins the runtime tests install: a well-behaved one and helpers to write hostile ones in a few lines. */
public final class TestPlugins {
    private TestPlugins() {
    }

    /** A manifest with the given id, permissions and routes (each {@code "GET /path"}), main class {@code <pkg>.Main}. */
    public static String manifest(String id, String version, List<String> permissions, List<String> routes, String extra) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("id: ").append(id).append('\n')
                .append("name: ").append(id).append('\n')
                .append("version: ").append(version).append('\n')
                .append("vendor: VoiceCore tests\n")
                .append("description: test plugin ").append(id).append('\n')
                .append("main: ").append(packageOf(id)).append(".Main\n")
                .append("kernel: \">=0.1.0 <1.0.0\"\n");
        if (!permissions.isEmpty()) {
            yaml.append("permissions:\n");
            permissions.forEach(p -> yaml.append("  - name: ").append(p).append("\n    reason: needed by the test\n"));
        }
        if (!routes.isEmpty()) {
            yaml.append("routes:\n");
            routes.forEach(r -> yaml.append("  - ").append(r).append('\n'));
        }
        yaml.append(extra);
        return yaml.toString();
    }

    public static String packageOf(String id) {
        return "testplugin." + id.replace('-', '_');
    }

    /**
     * A plugin whose main class has the given body inside {@code setup(PluginSetup setup)}; the usual SDK
     * imports are in scope.
     */
    public static PluginJar plugin(String id, String version, List<String> permissions, List<String> routes, String extraManifest,
                            String setupBody, String moreMembers) {
        String pkg = packageOf(id);
        return PluginJar.named(id + "-" + version)
                .manifest(manifest(id, version, permissions, routes, extraManifest))
                .source(pkg + ".Main", """
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
                            %s
                        }
                        """.formatted(pkg, setupBody, moreMembers));
    }

    /** The well-behaved plugin: a greeting, a counter in its own table, and an echo of the tenant it serves. */
    public static PluginJar wellBehaved(String version) {
        return plugin("greeter", version, List.of("storage"), List.of("GET /hello", "POST /visits", "GET /visits"), "",
                """
                setup.route(HttpMethod.GET, "/hello", (request, context) -> Response.ok(Json.object()
                        .put("greeting", "hello from %s").put("tenant", context.tenantId()).build()));
                setup.route(HttpMethod.POST, "/visits", (request, context) -> {
                    context.storage().update("INSERT INTO visits (tenant_id, who) VALUES (?, ?)", Storage.TENANT,
                                             request.json().get("who").asString());
                    return Response.created(Json.object().put("ok", true).build());
                });
                setup.route(HttpMethod.GET, "/visits", (request, context) -> {
                    List<Json> who = new ArrayList<>();
                    for (Row row : context.storage().query("SELECT who FROM visits ORDER BY who")) {
                        who.add(Json.of(row.string("who").orElseThrow()));
                    }
                    return Response.ok(Json.object().put("visits", who).build());
                });
                """.formatted(version), "")
                .resource("db/migration/V1__visits.sql",
                          "CREATE TABLE visits (tenant_id uuid NOT NULL, who text NOT NULL);");
    }

    /**
     * A script plugin ({@code runtime: javascript}) whose {@code plugin.js} is the given source; no classes.
     */
    public static PluginJar script(String id, String version, List<String> permissions, List<String> routes, String extraManifest,
                                   String source) {
        String yaml = manifest(id, version, permissions, routes, extraManifest)
                .replace("main: " + packageOf(id) + ".Main\n", "runtime: javascript\nmain: plugin.js\n");
        return PluginJar.named(id + "-" + version).manifest(yaml).resource("plugin.js", source);
    }

    /** Installs a jar as the platform admin. */
    public static HttpResult install(TestKernel kernel, Path jar) {
        try {
            return kernel.send(kernel.request("/api/v1/plugins", kernel.adminToken())
                    .header("Content-Type", "application/java-archive")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(jar))).build());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Enables a plugin for a tenant with the given grants, as the platform admin. */
    public static HttpResult enable(TestKernel kernel, String tenant, String pluginId, List<String> grants) {
        return kernel.put("/api/v1/tenants/" + tenant + "/plugins/" + pluginId, kernel.adminToken(),
                          Map.of("grantedPermissions", grants));
    }
}
