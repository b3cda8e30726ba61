package io.voicecore.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.plugins.egress.PrivateAddressAllowList;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.identity.AdminToken;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.install.PluginRejectedException;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.json.Json;

/**
 * Runs one plugin in-process for unit tests, through the kernel's real plugin runtime and without an HTTP
 * server: the same manifest parser, bytecode verifier, isolated class loader, guard instrumentation,
 * migrations of the plugin's own schema, permission checks and call containment as the platform, on an
 * embedded PostgreSQL in a temporary directory.
 *
 * <pre>{@code
 * try (PluginTestKit kit = PluginTestKit.start(Path.of("target/classes"))) {
 *     TestResponse greeting = kit.get("/greeting");
 *     assertEquals(200, greeting.status(), greeting.toString());
 * }
 * }</pre>
 *
 * <p>{@link #start(Path)} installs the plugin as the platform administrator, creates a tenant and enables the
 * plugin for it with every permission the manifest declares; {@link #builder(Path)} changes the grants, sets
 * the tenant's configuration, adds a second tenant, or installs other plugins first: the providers of the
 * services the plugin requires ({@link Builder#withPlugin(Path)}). The plugin runs unlicensed until a test gives the
 * tenant a licence ({@link #setLicence}). The route, event, job and configuration methods act on
 * {@link #tenant()}; {@link #stream(String)} opens one of the plugin's streams. Starting takes a few seconds (a fresh
 * PostgreSQL), so share one kit across the tests of a
 * class where they do not interfere. Scheduled jobs also run on their own schedule while the kit is open.
 * Always {@link #close()} the kit: it stops the database and deletes its files.
 */
public final class PluginTestKit implements AutoCloseable {
    private final KernelServices kernel;
    private final Path dataDir;
    private final PluginManifest manifest;
    private final TestTenant tenant;
    private final Optional<TestTenant> secondTenant;
    private final Thread stopAtExit;
    private boolean closed;

    private PluginTestKit(KernelServices kernel, Path dataDir, PluginManifest manifest, TestTenant tenant,
                          Optional<TestTenant> secondTenant, Thread stopAtExit) {
        this.kernel = kernel;
        this.dataDir = dataDir;
        this.manifest = manifest;
        this.tenant = tenant;
        this.secondTenant = secondTenant;
        this.stopAtExit = stopAtExit;
    }

    /**
     * Starts a kit with the defaults: one tenant, every declared permission granted, no configuration set.
     *
     * @param classesDirOrJar a directory such as {@code target/classes} holding {@code plugin.yaml}, the classes
     *                        and resources (packed into a jar as {@code mvn package} would), or a plugin jar
     * @throws PluginRefusedException if the kernel refuses to install the plugin
     */
    public static PluginTestKit start(Path classesDirOrJar) {
        return builder(classesDirOrJar).start();
    }

    /** @param classesDirOrJar as for {@link #start(Path)} @return a builder for a kit with other options */
    public static Builder builder(Path classesDirOrJar) {
        return new Builder(classesDirOrJar);
    }

    /** Options of a {@link PluginTestKit}. */
    public static final class Builder {
        private final Path source;
        private final List<OtherPlugin> others = new ArrayList<>();
        private Optional<Set<String>> grants = Optional.empty();
        private Optional<Json> config = Optional.empty();
        private boolean secondTenant;

        private Builder(Path source) {
            this.source = Objects.requireNonNull(source, "classesDirOrJar");
        }

        /**
         * The permissions the tenants grant, instead of every declared one, to test how the plugin behaves when
         * a capability is refused ({@code PermissionDeniedException}, answered 403). The kernel itself enables a
         * plugin only with every permission its version declares; a tenant that grants fewer is what remains
         * when a grant is withdrawn, so the kit enables with all of them and then records the narrower grant.
         *
         * @param permissions a subset of the permissions in {@code plugin.yaml}, e.g. {@code "storage"}
         */
        public Builder grants(Collection<String> permissions) {
            this.grants = Optional.of(Set.copyOf(permissions));
            return this;
        }

        /** @param permissions as {@link #grants(Collection)} @return this builder */
        public Builder grants(String... permissions) {
            return grants(Arrays.asList(permissions));
        }

        /**
         * @param values the first tenant's configuration of the plugin, a JSON object validated against the
         *               manifest's {@code config} section; the second tenant keeps the defaults
         */
        public Builder config(Json values) {
            this.config = Optional.of(Objects.requireNonNull(values, "values"));
            return this;
        }

        /** Also creates a second tenant with the plugin enabled (same grants), reached with {@link #secondTenant()}. */
        public Builder withSecondTenant() {
            this.secondTenant = true;
            return this;
        }

        /**
         * Installs another plugin before the one under test and enables it for every tenant of the kit with every
         * permission it declares, as a tenant admin would: typically the provider of a service the plugin under
         * test requires ({@code services.requires} in its {@code plugin.yaml}), which must be installed first and
         * enabled for the tenant before {@code context.services().require(...)} finds it. Its configuration and
         * secrets are set with {@link TestTenant#setConfig(String, Json)} and
         * {@link TestTenant#putSecret(String, String, String)}. Plugins are installed in the order added.
         *
         * <pre>{@code
         * PluginTestKit kit = PluginTestKit.builder(Path.of("target/classes"))
         *         .withPlugin(Path.of("../ai-gateway/target/classes")).start();
         * }</pre>
         *
         * @param classesDirOrJar as for {@link PluginTestKit#start(Path)}
         */
        public Builder withPlugin(Path classesDirOrJar) {
            others.add(new OtherPlugin(Objects.requireNonNull(classesDirOrJar, "classesDirOrJar"), true));
            return this;
        }

        /**
         * Installs another plugin before the one under test without enabling it for any tenant, to test what the
         * plugin under test does when a service it requires is installed but not enabled for the tenant
         * ({@code context.services().require(...)} then throws {@code PermissionDeniedException}).
         *
         * @param classesDirOrJar as for {@link PluginTestKit#start(Path)}
         */
        public Builder withInstalledPlugin(Path classesDirOrJar) {
            others.add(new OtherPlugin(Objects.requireNonNull(classesDirOrJar, "classesDirOrJar"), false));
            return this;
        }

        /**
         * Starts the kernel services, installs the plugin and enables it.
         *
         * @throws PluginRefusedException   if the kernel refuses to install the plugin; the message lists why
         * @throws IllegalArgumentException if the path is neither a directory nor a file, a grant is not declared
         *                                  or the configuration is invalid
         */
        public PluginTestKit start() {
            byte[] jar = readPlugin(source);
            List<byte[]> otherJars = others.stream().map(other -> readPlugin(other.source())).toList();
            Path dataDir = createTempDir();
            KernelServices kernel = null;
            try {
                kernel = KernelServices.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                        "data", dataDir.toString(),
                        "master-key", randomKey(),
                        "admin-token", "vca_" + randomKey(),
                        "db.pool-size", "4",
                        // Local stand-ins of the services a plugin calls listen on the loopback interface.
                        "plugins.egress.allow-private", PrivateAddressAllowList.LOOPBACK)), new PrintStream(OutputStream.nullOutputStream()));
                KitLicences licences = new KitLicences(Clock.systemUTC());
                kernel.plugins().enablement().useLicenceGate(licences);
                Principal admin = AdminToken.principal();
                List<PluginManifest> enabledOthers = new ArrayList<>();
                for (int i = 0; i < others.size(); i++) {
                    PluginManifest other = install(kernel, otherJars.get(i), admin);
                    if (others.get(i).enabled()) {
                        enabledOthers.add(other);
                    }
                }
                PluginManifest manifest = install(kernel, jar, admin);
                Set<String> granted = grants.orElse(manifest.permissionNames());
                Set<String> undeclared = new TreeSet<>(granted);
                undeclared.removeAll(manifest.permissionNames());
                if (!undeclared.isEmpty()) {
                    throw new IllegalArgumentException("Plugin '" + manifest.id() + "' does not declare " + undeclared
                            + "; it declares " + new TreeSet<>(manifest.permissionNames()) + ".");
                }
                TestTenant first = enabledTenant(kernel, manifest, enabledOthers, "test-tenant", granted, admin, licences);
                config.ifPresent(first::setConfig);
                Optional<TestTenant> second = secondTenant
                        ? Optional.of(enabledTenant(kernel, manifest, enabledOthers, "second-tenant", granted, admin, licences))
                        : Optional.empty();
                KernelServices started = kernel;
                Thread stopAtExit = new Thread(() -> stop(started, dataDir), "plugin-test-kit-stop");
                Runtime.getRuntime().addShutdownHook(stopAtExit);
                return new PluginTestKit(kernel, dataDir, manifest, first, second, stopAtExit);
            } catch (RuntimeException | Error e) {
                stop(kernel, dataDir);
                throw e;
            }
        }
    }

    /** A plugin installed before the one under test, and whether the kit's tenants enable it. */
    private record OtherPlugin(Path source, boolean enabled) {
    }

    /** @return the plugin's id, from its manifest */
    public String pluginId() {
        return manifest.id();
    }

    /** @return the plugin's version, from its manifest */
    public String pluginVersion() {
        return manifest.version();
    }

    /**
     * The routes the plugin's setup registered, each as {@code METHOD /path} (e.g. {@code GET /contacts/{id}}), and its
     * streams as {@code STREAM /path}.
     */
    public List<String> routes() {
        LoadedVersion version = currentVersion();
        return Stream.concat(version.routes().entries().stream().map(e -> e.method().name() + " " + e.template()),
                             version.streams().entries().stream().map(e -> "STREAM " + e.template())).toList();
    }

    /**
     * The plugin's OpenAPI document as the kernel serves it ({@code GET /api/v1/plugins/{pluginId}/openapi}): paths
     * under {@code /api/v1/tenants/{tenant}/<pluginId>}, components and operation ids prefixed {@code <pluginId>.}.
     *
     * @throws IllegalStateException when the plugin's manifest names no document ({@code openapi})
     */
    public Map<String, Object> openApi() {
        return currentVersion().apiDocument().orElseThrow(() -> new IllegalStateException("Plugin '" + manifest.id()
                + "' describes its routes in no OpenAPI document: its plugin.yaml has no 'openapi' key.")).standalone();
    }

    /**
     * The registered routes (as {@link #routes()} gives them) that the plugin's OpenAPI document does not describe; a
     * stream is described by a {@code get} on its path. Empty when every route is described.
     */
    public List<String> undescribedRoutes() {
        List<String> described = describedOperations();
        return routes().stream().filter(route -> !described.contains(route.startsWith("STREAM ") ? "GET " + route.substring(7) : route))
                .toList();
    }

    /** The operations of the plugin's OpenAPI document ({@code METHOD /path}) that no registered route or stream serves. */
    public List<String> unservedDescriptions() {
        List<String> served = routes().stream().map(route -> route.startsWith("STREAM ") ? "GET " + route.substring(7) : route).toList();
        return describedOperations().stream().filter(operation -> !served.contains(operation)).toList();
    }

    /**
     * Checks a response of the plugin against its OpenAPI document: the schema documented for the operation, the
     * response's status (or {@code default}) and its content type must accept the body.
     *
     * @param method   the route's method
     * @param template the route's path as registered, e.g. {@code /contacts/{id}}
     * @return each way the body departs from the schema, empty when it conforms
     * @throws IllegalArgumentException when the document describes no such operation, status or content type
     */
    public List<String> schemaViolations(HttpMethod method, String template, TestResponse response) {
        Map<String, Object> document = openApi();
        Map<String, Object> operation = member(member(member(document, "paths"), base() + (template.equals("/") ? "" : template)),
                                               method.name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> responses = member(operation, "responses");
        Object described = responses.getOrDefault(String.valueOf(response.status()), responses.get("default"));
        if (described == null) {
            throw new IllegalArgumentException(method + " " + template + " documents no response " + response.status()
                                               + " and no default");
        }
        Map<String, Object> answer = resolved(document, described);
        String type = response.header("content-type").orElse("").split(";")[0].strip();
        Map<String, Object> content = member(answer, "content");
        if (!content.containsKey(type)) {
            throw new IllegalArgumentException(method + " " + template + " " + response.status() + " documents no content "
                                               + type + "; it documents " + content.keySet());
        }
        return SchemaCheck.violations(document, member(content, type).get("schema"), response.json());
    }

    private String base() {
        return "/api/v1/tenants/{tenant}/" + manifest.id();
    }

    private List<String> describedOperations() {
        List<String> operations = new ArrayList<>();
        member(openApi(), "paths").forEach((path, item) -> {
            String relative = path.equals(base()) ? "/" : path.substring(base().length());
            if (item instanceof Map<?, ?> methods) {
                methods.keySet().stream().map(String::valueOf)
                        .filter(key -> Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(key))
                        .forEach(key -> operations.add(key.toUpperCase(java.util.Locale.ROOT) + " " + relative));
            }
        });
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> member(Map<String, Object> node, String name) {
        if (!(node.get(name) instanceof Map<?, ?> value)) {
            throw new IllegalArgumentException("the OpenAPI document has no '" + name + "' there");
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolved(Map<String, Object> document, Object node) {
        Map<String, Object> map = (Map<String, Object>) node;
        if (map.get("$ref") instanceof String ref) {
            Map<String, Object> target = document;
            for (String part : ref.substring(2).split("/")) {
                target = member(target, part);
            }
            return target;
        }
        return map;
    }

    private LoadedVersion currentVersion() {
        return kernel.plugins().catalog().currentVersions().stream().filter(v -> v.manifest().id().equals(manifest.id()))
                .findFirst().orElseThrow();
    }

    /** @return the tenant the shortcut methods of the kit act on */
    public TestTenant tenant() {
        return tenant;
    }

    /** @return the id of {@link #tenant()} */
    public UUID tenantId() {
        return tenant.id();
    }

    /**
     * @return a second tenant with the plugin enabled, to prove that one tenant never sees another's data
     * @throws IllegalStateException unless the kit was built with {@link Builder#withSecondTenant()}
     */
    public TestTenant secondTenant() {
        return secondTenant.orElseThrow(() -> new IllegalStateException(
                "This kit has one tenant; start it with PluginTestKit.builder(path).withSecondTenant().start()."));
    }

    /** @see TestTenant#get(String) */
    public TestResponse get(String path) {
        return tenant.get(path);
    }

    /** @see TestTenant#post(String, Json) */
    public TestResponse post(String path, Json body) {
        return tenant.post(path, body);
    }

    /** @see TestTenant#put(String, Json) */
    public TestResponse put(String path, Json body) {
        return tenant.put(path, body);
    }

    /** @see TestTenant#patch(String, Json) */
    public TestResponse patch(String path, Json body) {
        return tenant.patch(path, body);
    }

    /** @see TestTenant#delete(String) */
    public TestResponse delete(String path) {
        return tenant.delete(path);
    }

    /** @see TestTenant#request(HttpMethod, String, Map, byte[]) */
    public TestResponse request(HttpMethod method, String path, Map<String, String> headers, byte[] body) {
        return tenant.request(method, path, headers, body);
    }

    /** @see TestTenant#stream(String) */
    public TestStream stream(String path) {
        return tenant.stream(path);
    }

    /** @see TestTenant#request(HttpMethod, String, Map, java.io.InputStream) */
    public TestResponse request(HttpMethod method, String path, Map<String, String> headers, java.io.InputStream body) {
        return tenant.request(method, path, headers, body);
    }

    /** @see TestTenant#deliver(String, Json) */
    public Event deliver(String topic, Json payload) {
        return tenant.deliver(topic, payload);
    }

    /** @see TestTenant#deliver(Event) */
    public void deliver(Event event) {
        tenant.deliver(event);
    }

    /** @see TestTenant#published(String) */
    public List<Event> published(String topic) {
        return tenant.published(topic);
    }

    /** @see TestTenant#runJob(String) */
    public void runJob(String name) {
        tenant.runJob(name);
    }

    /** @see TestTenant#setConfig(Json) */
    public Json setConfig(Json values) {
        return tenant.setConfig(values);
    }

    /** @see TestTenant#putSecret(String, String) */
    public void putSecret(String name, String value) {
        tenant.putSecret(name, value);
    }

    /** @see TestTenant#deleteSecret(String) */
    public boolean deleteSecret(String name) {
        return tenant.deleteSecret(name);
    }

    /** @see TestTenant#revoke(String) */
    public void revoke(String permission) {
        tenant.revoke(permission);
    }

    /** @see TestTenant#setLicence(Licence) */
    public void setLicence(Licence licence) {
        tenant.setLicence(licence);
    }

    /** @see TestTenant#clearLicence() */
    public void clearLicence() {
        tenant.clearLicence();
    }

    /** @see TestTenant#usage(String) */
    public long usage(String meter) {
        return tenant.usage(meter);
    }

    /**
     * The kernel's metrics in the Prometheus text format, as {@code GET /observe/metrics} serves them: e.g. the plugin's
     * egress responses by host and status, and its usage by meter.
     */
    public String metrics() {
        return kernel.metrics().prometheusText();
    }

    /** Stops the kernel services and the embedded PostgreSQL and deletes the kit's temporary files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook is running already and stops everything
        }
        stop(kernel, dataDir);
    }

    private static PluginManifest install(KernelServices kernel, byte[] jar, Principal admin) {
        try {
            return kernel.plugins().catalog().install(jar, admin).manifest();
        } catch (PluginRejectedException rejected) {
            throw new PluginRefusedException(rejected.kind(), rejected.getMessage(), rejected.findings());
        }
    }

    /** Creates a tenant as {@code POST /api/v1/tenants} does and enables the other plugins, then the plugin, for it. */
    private static TestTenant enabledTenant(KernelServices kernel, PluginManifest manifest, List<PluginManifest> others, String slug,
                                            Set<String> granted, Principal admin, KitLicences licences) {
        Tenant tenant = new Tenant(UUID.randomUUID(), slug, "Test tenant " + slug, "standard", "active", false,
                                   Instant.now().truncatedTo(ChronoUnit.MICROS));
        kernel.database().inPlatform(tx -> {
            kernel.tenants().insert(tx, tenant);
            kernel.audit().append(tx, AuditEvent.success(tenant.id(), admin.actorId(), "tenant.create", "tenant:" + slug,
                                                         Map.of("name", tenant.name(), "planTier", tenant.planTier())));
            return null;
        });
        for (PluginManifest other : others) {
            kernel.plugins().enablement().enable(tenant.id(), other.id(), other.permissionNames(), admin);
        }
        kernel.plugins().enablement().enable(tenant.id(), manifest.id(), manifest.permissionNames(), admin);
        if (!granted.equals(manifest.permissionNames())) {
            String narrowed = String.join(",", new TreeSet<>(granted));
            kernel.database().inTenant(tenant.id(), tx -> {
                tx.dml("UPDATE kernel.tenant_plugins SET granted = ?, updated_at = now() WHERE tenant_id = ? AND plugin_id = ?",
                       narrowed, tenant.id(), manifest.id());
                kernel.audit().append(tx, AuditEvent.success(tenant.id(), admin.actorId(), "plugin.grant", "plugin:" + manifest.id(),
                                                             Map.of("version", manifest.version(), "granted", narrowed)));
                return null;
            });
            kernel.plugins().enablement().refreshTenant(tenant.id(), manifest.id());
        }
        return new TestTenant(kernel, manifest.id(), tenant.id(), slug, admin, granted, licences);
    }

    private static byte[] readPlugin(Path source) {
        try {
            if (Files.isDirectory(source)) {
                return pack(source);
            }
            if (Files.isRegularFile(source)) {
                return Files.readAllBytes(source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the plugin at " + source + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("No plugin at " + source.toAbsolutePath() + ": pass a directory such as "
                                           + "target/classes (run 'mvn compile' first) or a plugin jar.");
    }

    /** The directory's files as a jar, entries named by their path relative to it, as {@code mvn package} lays them out. */
    private static byte[] pack(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            for (Path file : files) {
                List<String> segments = new ArrayList<>();
                directory.relativize(file).forEach(segment -> segments.add(segment.toString()));
                jar.putNextEntry(new JarEntry(String.join("/", segments)));
                jar.write(Files.readAllBytes(file));
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("voicecore-plugin-testkit");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary directory for the test kernel: " + e.getMessage(), e);
        }
    }

    private static void stop(KernelServices kernel, Path dataDir) {
        try {
            if (kernel != null) {
                kernel.close();
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the test kernel's files in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
