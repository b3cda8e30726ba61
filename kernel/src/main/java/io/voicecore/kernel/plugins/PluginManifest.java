package io.voicecore.kernel.plugins;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.voicecore.sdk.HttpMethod;

/**
 * A plugin's {@code plugin.yaml}, parsed and validated ({@code docs/plugin-manifest.md} documents every field).
 *
 * @param id            lower-case id, unique on the platform, e.g. {@code crm}
 * @param name          human name
 * @param version       semantic version of this build
 * @param vendor        who publishes it
 * @param description   one paragraph for the marketplace and the consent screen
 * @param main          fully qualified class implementing {@code io.voicecore.sdk.Plugin}; for a script plugin
 *                      ({@code runtime: javascript}) the path of its script in the jar, e.g. {@code plugin.js}
 * @param kernel        semantic-version range of kernels it supports, e.g. {@code >=0.1.0 <1.0.0}
 * @param permissions   what it needs, each with the reason shown to the tenant admin
 * @param routes        the HTTP routes it serves
 * @param streams       the paths of the real-time streams (WebSockets) it serves, e.g. {@code /conversations/{id}/stream}
 * @param publishes     event topics it may publish
 * @param subscribes    event topics it receives
 * @param egressHosts   hosts it may call: exact, {@code *.domain}, or {@code ${config.key}}
 * @param config        schema of the per-tenant configuration
 * @param exports       service interfaces (fully qualified) it offers to other plugins
 * @param requires      services of other plugins it needs
 * @param dataClasses   classes of data it touches, e.g. {@code contact-pii}
 * @param limits        per-call limits it asks for, capped by the kernel
 * @param libraries     platform libraries it uses (shipped and vetted by the kernel, e.g. {@code openai-java})
 * @param publicStreams the {@code streams} it declares public ({@code {stream: /path, public: true}}): opened without
 *                      credentials, by callers such as a provider's media stream, whose handler must authenticate the
 *                      connection itself (e.g. by the provider's signature on the upgrade request)
 * @param openApi       the path in its jar of the OpenAPI document describing its routes ({@code openapi: openapi.yaml}),
 *                      which the kernel checks at install and serves, mounted, in {@code /openapi}
 */
public record PluginManifest(
        String id,
        String name,
        String version,
        String vendor,
        String description,
        String main,
        String kernel,
        List<Permission> permissions,
        List<Route> routes,
        List<String> streams,
        List<String> publishes,
        List<String> subscribes,
        List<String> egressHosts,
        ConfigSchema config,
        List<String> exports,
        List<ServiceRequirement> requires,
        List<String> dataClasses,
        Limits limits,
        List<String> libraries,
        List<String> publicStreams,
        Optional<String> openApi) {

    /** A manifest whose streams all need credentials. */
    public PluginManifest(String id, String name, String version, String vendor, String description, String main,
                          String kernel, List<Permission> permissions, List<Route> routes, List<String> streams,
                          List<String> publishes, List<String> subscribes, List<String> egressHosts, ConfigSchema config,
                          List<String> exports, List<ServiceRequirement> requires, List<String> dataClasses, Limits limits,
                          List<String> libraries) {
        this(id, name, version, vendor, description, main, kernel, permissions, routes, streams, publishes, subscribes,
             egressHosts, config, exports, requires, dataClasses, limits, libraries, List.of());
    }

    /** A manifest that describes its routes in no OpenAPI document. */
    public PluginManifest(String id, String name, String version, String vendor, String description, String main,
                          String kernel, List<Permission> permissions, List<Route> routes, List<String> streams,
                          List<String> publishes, List<String> subscribes, List<String> egressHosts, ConfigSchema config,
                          List<String> exports, List<ServiceRequirement> requires, List<String> dataClasses, Limits limits,
                          List<String> libraries, List<String> publicStreams) {
        this(id, name, version, vendor, description, main, kernel, permissions, routes, streams, publishes, subscribes,
             egressHosts, config, exports, requires, dataClasses, limits, libraries, publicStreams, Optional.empty());
    }

    /**
     * What anyone may reach without credentials: the public routes as written ({@code POST /twilio/incoming}) and the
     * public streams as {@code STREAM /twilio/media}.
     *
     * @return the public routes, then the public streams
     */
    public List<String> publicEndpoints() {
        return java.util.stream.Stream.concat(routes.stream().filter(Route::open).map(Route::text),
                                              publicStreams.stream().map(path -> "STREAM " + path)).toList();
    }

    /**
     * Whether this is a script plugin ({@code runtime: javascript}): JavaScript run in the script sandbox instead of
     * classes. The parser admits a {@code main} ending in {@code .js} only with that runtime, so the two say the same.
     */
    public boolean isScript() {
        return main.endsWith(".js");
    }

    /** Permission names a manifest may declare. */
    public static final Set<String> KNOWN_PERMISSIONS = Set.of(
            Permission.STORAGE, Permission.HTTP_EGRESS, Permission.EVENTS_PUBLISH, Permission.EVENTS_SUBSCRIBE,
            Permission.SECRETS, Permission.USAGE, Permission.SCHEDULER, Permission.SERVICES, Permission.SCRIPTS);

    /**
     * One requested permission.
     *
     * @param name   e.g. {@code storage}
     * @param reason why the plugin needs it, shown when a tenant admin grants it
     */
    public record Permission(String name, String reason) {
        public static final String STORAGE = "storage";
        public static final String HTTP_EGRESS = "http:egress";
        public static final String EVENTS_PUBLISH = "events:publish";
        public static final String EVENTS_SUBSCRIBE = "events:subscribe";
        public static final String SECRETS = "secrets";
        public static final String USAGE = "usage";
        public static final String SCHEDULER = "scheduler";
        public static final String SERVICES = "services";
        /** Running the tenant's own scripts in the script sandbox ({@code PluginContext.scripts()}). */
        public static final String SCRIPTS = "scripts";
    }

    /**
     * A declared route.
     *
     * @param method        HTTP method
     * @param path          path relative to the plugin's base, e.g. {@code /contacts/{id}}
     * @param stream        whether the route streams: its request body reaches the plugin unbuffered, bounded by
     *                      {@code plugins.max-stream-bytes} instead of {@code http.max-body-bytes}
     * @param timeoutMillis the deadline of a streaming route's call, when it asks for more than {@link Limits#timeoutMillis()}
     * @param open          whether the route is public ({@code public: true}): served without credentials, to callers
     *                      such as a provider's webhooks, whose handler must authenticate the request itself (e.g. by
     *                      the provider's signature)
     */
    public record Route(String method, String path, boolean stream, Optional<Integer> timeoutMillis, boolean open) {
        /** The methods a route may declare: those of the SDK's {@link HttpMethod}. */
        public static final Set<String> METHODS = Arrays.stream(HttpMethod.values()).map(Enum::name)
                .collect(Collectors.toUnmodifiableSet());

        /** Only a streaming route may ask for its own deadline. */
        public Route {
            if (timeoutMillis.isPresent() && !stream) {
                throw new IllegalArgumentException("only a streaming route has its own timeoutMillis");
            }
        }

        /** A route that needs credentials. */
        public Route(String method, String path, boolean stream, Optional<Integer> timeoutMillis) {
            this(method, path, stream, timeoutMillis, false);
        }

        /** An ordinary (buffered) route that needs credentials. */
        public Route(String method, String path) {
            this(method, path, false, Optional.empty());
        }

        private static final Pattern LITERAL_SEGMENT = Pattern.compile("[a-z0-9._-]+");
        private static final Pattern PARAMETER_SEGMENT = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9_]{0,39})}");

        /**
         * Parses a manifest route line such as {@code GET /contacts/{id}}: a method, one or more spaces, a path.
         *
         * @param text the route line
         * @return the route
         * @throws IllegalArgumentException saying what is wrong and what is allowed
         */
        public static Route parse(String text) {
            String[] parts = text.strip().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("'" + text + "' is not a route; write the method and the path separated by a"
                                                   + " space, e.g. 'GET /contacts/{id}'");
            }
            methodProblem(parts[0]).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            pathProblem(parts[1]).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            return new Route(parts[0], parts[1]);
        }

        /** @param method a method name @return what is wrong with it as a route method, if anything */
        public static Optional<String> methodProblem(String method) {
            if (METHODS.contains(method)) {
                return Optional.empty();
            }
            return Optional.of("'" + method + "' is not a route method; use one of " + String.join(", ", new TreeSet<>(METHODS))
                               + " (upper case)");
        }

        /**
         * @param path a route path
         * @return what is wrong with it, if anything: it must start with '/', and each segment is either lower-case
         *         letters, digits, '-', '_' and '.' or a parameter in braces such as {@code {id}}, each parameter
         *         named once
         */
        public static Optional<String> pathProblem(String path) {
            if (!path.startsWith("/")) {
                return Optional.of("'" + path + "' must start with '/', e.g. '/contacts'");
            }
            if (path.equals("/")) {
                return Optional.empty();
            }
            if (path.endsWith("/")) {
                return Optional.of("'" + path + "' must not end with '/'");
            }
            Set<String> parameters = new HashSet<>();
            for (String segment : path.substring(1).split("/", -1)) {
                if (segment.isEmpty()) {
                    return Optional.of("'" + path + "' has an empty segment ('//')");
                }
                Matcher parameter = PARAMETER_SEGMENT.matcher(segment);
                if (parameter.matches()) {
                    if (!parameters.add(parameter.group(1))) {
                        return Optional.of("'" + path + "' names the parameter {" + parameter.group(1) + "} twice");
                    }
                } else if (!LITERAL_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                    return Optional.of("'" + path + "' has the segment '" + segment + "'; a segment is lower-case letters,"
                                       + " digits, '-', '_' and '.' (not '.' or '..' alone), or a parameter such as {id}");
                }
            }
            return Optional.empty();
        }

        /** @return the path with every parameter written as {@code {}}: two routes with the same shape conflict */
        public String shape() {
            return method + " " + PARAMETER_SEGMENT.matcher(path).replaceAll("{}");
        }

        /** @return the route as written in the manifest, e.g. {@code GET /contacts/{id}} */
        public String text() {
            return method + " " + path;
        }
    }

    /**
     * A service of another plugin this plugin needs.
     *
     * @param plugin       the providing plugin's id
     * @param versionRange semantic-version range, e.g. {@code >=1.0.0 <2.0.0}
     * @param service      the interface's fully qualified name
     */
    public record ServiceRequirement(String plugin, String versionRange, String service) {
    }

    /**
     * Per-call limits the plugin asks for (the kernel caps them).
     *
     * @param timeoutMillis  deadline of one call
     * @param concurrency    calls in flight at once per tenant
     */
    public record Limits(int timeoutMillis, int concurrency) {
        public static final int DEFAULT_TIMEOUT_MILLIS = 5000;
        public static final int MIN_TIMEOUT_MILLIS = 100;
        public static final int MAX_TIMEOUT_MILLIS = 30_000;
        /** The longest deadline a streaming route may ask for (the kernel's {@code plugins.max-stream-timeout} may cap it lower). */
        public static final int MAX_STREAM_TIMEOUT_MILLIS = 600_000;
        public static final int DEFAULT_CONCURRENCY = 8;
        public static final int MIN_CONCURRENCY = 1;
        public static final int MAX_CONCURRENCY = 64;
    }

    /**
     * Packages a plugin's classes may not live in, nor its manifest name as its main class: they belong to the JDK,
     * the SDK or the kernel (a split package would pose as the platform). The manifest parser and the bytecode
     * verifier both refuse them.
     */
    public static final List<String> PLATFORM_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
                                                                 "io.voicecore.sdk.", "io.voicecore.kernel.");

    /**
     * The per-tenant configuration schema: a flat object of typed properties.
     *
     * @param properties by name
     */
    public record ConfigSchema(Map<String, ConfigProperty> properties) {
        public static ConfigSchema empty() {
            return new ConfigSchema(Map.of());
        }
    }

    /**
     * One configuration property.
     *
     * @param type         {@code string}, {@code integer}, {@code boolean}, {@code url} or {@code enum}
     * @param required     whether a tenant must set it
     * @param defaultValue used when not set (as text; parsed by type)
     * @param values       allowed values of an {@code enum}
     * @param pattern      regular expression a {@code string} must match
     * @param minimum      lower bound of an {@code integer}
     * @param maximum      upper bound of an {@code integer}
     * @param description  shown to the tenant admin
     */
    public record ConfigProperty(String type, boolean required, Optional<String> defaultValue, List<String> values,
                                 Optional<String> pattern, Optional<Long> minimum, Optional<Long> maximum, String description) {
    }

    /** Whether the manifest declares the permission. */
    public boolean declares(String permission) {
        return permissions.stream().anyMatch(p -> p.name().equals(permission));
    }

    /** The declared permission names. */
    public Set<String> permissionNames() {
        return permissions.stream().map(Permission::name).collect(Collectors.toUnmodifiableSet());
    }
}
