package io.voicecore.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.ConsoleRoutes;
import io.voicecore.kernel.http.DirectProblemHandler;
import io.voicecore.kernel.http.PlatformThreadConnections;
import io.voicecore.kernel.http.RequestContext;
import io.voicecore.kernel.http.RequestFilter;
import io.voicecore.kernel.http.WhiteLabel;
import io.voicecore.kernel.observe.ObserveRoutes;
import io.voicecore.kernel.plugins.web.PluginOpenApi;
import io.voicecore.kernel.storage.Storage;

/**
 * The running platform: {@link KernelServices} behind a Helidon HTTP server. {@link #close()} stops the
 * server first, so in-flight requests finish, then everything else in reverse order of start.
 */
public final class Kernel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Kernel.class.getName());

    /**
     * HTTP connections served on platform threads at once; more are served on virtual threads, their plugin calls
     * handed to the plugin runtime's pool. Each holds a thread while open, keep-alive idle time included.
     */
    static final int PLATFORM_CONNECTIONS = 256;

    private final KernelServices services;
    private final WebServer server;
    private final List<ApiRoutes.Route> routes;
    private final PlatformThreadConnections connections;

    private Kernel(KernelServices services, WebServer server, List<ApiRoutes.Route> routes, PlatformThreadConnections connections) {
        this.services = services;
        this.server = server;
        this.routes = routes;
        this.connections = connections;
    }

    /**
     * Starts everything.
     *
     * @param console where a newly generated admin token is shown once (never the log)
     */
    public static Kernel start(KernelConfig config, PrintStream console) {
        return start(config, console, KernelServices.discoverExtensions());
    }

    /** Starts everything with exactly these extensions (tests choose theirs; {@link #start(KernelConfig, PrintStream)} finds them). */
    public static Kernel start(KernelConfig config, PrintStream console, List<KernelExtension> extensions) {
        return start(config, console, extensions, java.time.Clock.systemUTC());
    }

    /**
     * Starts everything with these extensions on this clock: tests that move time for the kernel and an extension alike
     * (usage metered by the kernel and billed by the marketplace) give both the same clock.
     */
    public static Kernel start(KernelConfig config, PrintStream console, List<KernelExtension> extensions, java.time.Clock clock) {
        long started = System.nanoTime();
        KernelServices services = KernelServices.start(config, console, extensions, clock);
        try {
            PluginOpenApi openApi = new PluginOpenApi(openApiDocument(extensions), services.plugins().catalog());
            HttpRouting.Builder routing = HttpRouting.builder();
            routing.addFilter(new RequestFilter(services.metrics(), services::whiteLabel));
            new ObserveRoutes(services.database(), services.state(), services.metrics()).register(routing);
            routing.get("/openapi", (req, res) -> {
                res.header(HeaderNames.CONTENT_TYPE, "application/vnd.oai.openapi;charset=utf-8");
                // On a host another brand serves, the document is titled and worded with that brand's name.
                Optional<String> product = RequestContext.current().flatMap(RequestContext::whiteLabel);
                byte[] document = openApi.document();
                res.send(product.isEmpty() ? document
                        : WhiteLabel.relabel(new String(document, StandardCharsets.UTF_8), product.get()).getBytes(StandardCharsets.UTF_8));
            });
            // The web console, when its jar is on the class path (admin-ui); the kernel itself does not depend on it.
            new ConsoleRoutes(Kernel.class.getClassLoader()).register(routing);
            ApiRoutes api = new ApiRoutes(routing, services.authenticator(), services.rateLimiter(), config.maxBodyBytes(),
                                          services.refusalAuditor(), services.problemMapper());
            services.registerRoutes(api);
            api.finish();

            // Connections on platform threads, so the plugin calls of their requests run where they arrive.
            PlatformThreadConnections connections = new PlatformThreadConnections(
                    List.of(services.streamEndpoint().protocol()), services.plugins().calls().inPlaceThreads("http-connection-"),
                    PLATFORM_CONNECTIONS);
            WebServer server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false)
                    .shutdownGracePeriod(config.shutdownGrace())
                    // Endpoint limits (ApiRequest, streaming plugin routes) answer first with a precise problem; this is
                    // the hard stop.
                    .maxPayloadSize(Math.max(Math.max(config.maxBodyBytes() * 4, config.pluginMaxJarBytes() + 1024 * 1024),
                                             config.pluginMaxStreamBytes() + 1024 * 1024))
                    .directHandlers(handlers -> {
                        DirectProblemHandler problems = new DirectProblemHandler();
                        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                            handlers.addHandler(type, problems);
                        }
                    })
                    .routing(routing)
                    .addRouting(services.streamEndpoint().routing())
                    .addProtocol(services.streamEndpoint().protocol())
                    .addConnectionSelector(connections)
                    .build()
                    .start();
            LOG.info("VoiceCore listening on http://" + config.host() + ":" + server.port() + " with "
                     + services.storageDescription() + " and " + services.state().kind() + " shared state");
            StartupPhases phases = services.startupPhases();
            phases.record("http", System.nanoTime() - started - phases.totalNanos());
            LOG.info(phases::describe);
            return new Kernel(services, server, api.routes(), connections);
        } catch (RuntimeException | Error e) {
            services.close();
            throw e;
        }
    }

    /**
     * Applies the kernel's migrations and those of the given extensions, then closes the database again, serving nothing:
     * what a deployment runs once before its nodes are replaced ({@code voicecore migrate}), so that no node of a rolling
     * upgrade starts on a schema it does not know. A node's own start applies the same migrations, so this is never needed
     * on a single machine.
     *
     * @return a description of the database that was migrated, for the console
     */
    public static String migrate(KernelConfig config, List<KernelExtension> extensions) {
        try (Storage storage = Storage.open(config)) {
            migrateExtensions(storage, extensions);
            return storage.description();
        }
    }

    /** Applies each extension's migrations into its own schema, as the database owner, in the order given. */
    static void migrateExtensions(Storage storage, List<KernelExtension> extensions) {
        for (KernelExtension extension : extensions) {
            extension.migrations().ifPresent(m -> storage.migrateSchema(m.schema(), m.location(), extension.getClass().getClassLoader()));
        }
    }

    /** The port the server actually listens on (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    /** Every API route, for checking the OpenAPI document against what is served. */
    public List<ApiRoutes.Route> routes() {
        return routes;
    }

    /** The services behind the server. */
    public KernelServices services() {
        return services;
    }

    /** Lets in-flight requests finish (up to the grace period), then stops background work, plugins, the pool and the database. */
    @Override
    public void close() {
        LOG.info("VoiceCore stopping");
        try {
            // Streams first: an open WebSocket would otherwise hold the server for its whole grace period.
            services.streams().close();
            server.stop();
            connections.close();
        } finally {
            services.close();
        }
        LOG.info("VoiceCore stopped");
    }

    /**
     * The kernel's OpenAPI document, with the paths and components of each extension merged in; {@link PluginOpenApi}
     * adds those of the installed plugins.
     */
    static byte[] openApiDocument(List<KernelExtension> extensions) {
        byte[] kernelDocument;
        try (InputStream in = Kernel.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the kernel jar");
            }
            kernelDocument = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("openapi.yaml could not be read", e);
        }
        List<String> fragments = extensions.stream().flatMap(e -> e.openApi().stream()).toList();
        if (fragments.isEmpty()) {
            return kernelDocument;
        }
        org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml();
        Map<String, Object> document = yaml.load(new String(kernelDocument, StandardCharsets.UTF_8));
        for (String fragment : fragments) {
            Map<String, Object> part = yaml.load(fragment);
            mergeSection(document, part, "paths");
            if (part.get("components") instanceof Map<?, ?> components) {
                Map<String, Object> target = section(document, "components");
                components.forEach((kind, entries) -> mergeSection(target, Map.of(String.valueOf(kind), entries), String.valueOf(kind)));
            }
        }
        return yaml.dump(document).getBytes(StandardCharsets.UTF_8);
    }

    /** Adds the entries of {@code part}'s section to {@code document}'s; an entry both have is a conflict, not an override. */
    private static void mergeSection(Map<String, Object> document, Map<String, Object> part, String name) {
        if (!(part.get(name) instanceof Map<?, ?> entries)) {
            return;
        }
        Map<String, Object> target = section(document, name);
        entries.forEach((key, value) -> {
            if (target.putIfAbsent(String.valueOf(key), value) != null) {
                throw new IllegalStateException("An extension's OpenAPI " + name + " entry '" + key + "' is already in the document");
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> document, String name) {
        return (Map<String, Object>) document.computeIfAbsent(name, n -> new java.util.LinkedHashMap<String, Object>());
    }

    static void announce(PrintStream console, String token) {
        console.println();
        console.println("==================================================================");
        console.println(" No VOICECORE_ADMIN_TOKEN was configured, so one was generated.");
        console.println(" Platform admin token (shown only this once, stored only as a hash):");
        console.println();
        console.println("   " + token);
        console.println();
        console.println(" Use it as 'Authorization: Bearer <token>'.");
        console.println("==================================================================");
        console.println();
        console.flush();
    }
}
