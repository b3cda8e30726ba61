package io.voicecore.kernel.plugins.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.zafarkhaja.semver.Version;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;
import io.voicecore.kernel.plugins.PluginManifest.ConfigSchema;
import io.voicecore.kernel.plugins.PluginManifest.Limits;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.PluginManifest.Route;
import io.voicecore.kernel.plugins.PluginManifest.ServiceRequirement;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.manifest.ManifestException.FieldError;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a plugin's {@code plugin.yaml} into a {@link PluginManifest}, or refuses it with a
 * {@link ManifestException} listing every problem. {@code docs/plugin-manifest.md} documents the format;
 * keep the two in step.
 *
 * <p>The YAML is read with snakeyaml's {@link SafeConstructor} (plain maps, lists and scalars only),
 * without aliases beyond a handful, without duplicate keys, and with a resolver that knows only
 * YAML 1.2 core scalars: {@code true}/{@code false} are booleans but {@code yes}, {@code on} or
 * {@code 2024-01-01} stay text, and {@code 0755} or {@code 1:30} are not numbers. Unknown keys are
 * errors everywhere, so a misspelt key never silently falls back to a default.
 *
 * <p>This class holds the format: its sections and rules. Reading typed values with every problem collected is
 * {@code YamlFields}; the {@code config} section is {@code ConfigSchemaReader}.
 *
 * <p>Why it is long: the other sections of the format and their rules stay together here, in the order of
 * {@code docs/plugin-manifest.md}, so the two can be read side by side.
 */
public final class ManifestParser {
    /** A plugin id: 2-40 characters, lower-case letters, digits and '-', starting with a letter. */
    public static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,39}");
    /** An event topic: dotted, at least two parts, e.g. {@code crm.contact.created}. */
    public static final Pattern TOPIC = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9_-]*)+");
    /** A configuration property name: lower camel case, e.g. {@code instanceUrl}. */
    public static final Pattern CONFIG_NAME = Pattern.compile("[a-z][a-zA-Z0-9]{0,39}");
    /** A data class, e.g. {@code contact-pii}. */
    public static final Pattern DATA_CLASS = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    /** A platform library name, e.g. {@code openai-java}. */
    public static final Pattern LIBRARY_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    /** Configuration property types. */
    public static final List<String> CONFIG_TYPES = List.of("string", "integer", "boolean", "url", "enum");

    /** Largest manifest accepted, in characters. */
    public static final int MAX_CHARACTERS = 64 * 1024;

    private static final int MAX_NAME = 80;
    private static final int MAX_DESCRIPTION = 2000;
    /** Longest text shown to the tenant admin about one item: a permission's reason, a config property's description. */
    static final int MAX_REASON = 500;

    private static final Pattern JAVA_CLASS_NAME =
            Pattern.compile("([a-zA-Z_$][a-zA-Z0-9_$]*\\.)+[a-zA-Z_$][a-zA-Z0-9_$]*");
    private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern HOST = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final Pattern WILDCARD_HOST = Pattern.compile("\\*\\.(" + LABEL + "(\\." + LABEL + ")+)");
    private static final Pattern CONFIG_HOST = Pattern.compile("\\$\\{config\\.([^}]*)}");

    /** Relative jar path of a script plugin's entry point (the manifest guarantees every {@code .js} main is one). */
    private static final Pattern DOCUMENT_PATH = Pattern.compile("([a-z0-9_-]+/)*[A-Za-z0-9_.-]+\\.(yaml|yml|json)");
    private static final Pattern SCRIPT_PATH = Pattern.compile("([a-z0-9_-]+/)*[A-Za-z0-9_-]+\\.js");
    private static final List<String> TOP_LEVEL_KEYS = List.of("id", "name", "version", "vendor", "description", "main", "runtime",
            "kernel", "permissions", "routes", "streams", "events", "egress", "config", "services", "dataClasses", "limits",
            "libraries", "openapi");
    private static final List<String> PERMISSION_KEYS = List.of("name", "reason");
    private static final List<String> EVENTS_KEYS = List.of("publishes", "subscribes");
    private static final List<String> EGRESS_KEYS = List.of("hosts");
    private static final List<String> SERVICES_KEYS = List.of("exports", "requires");
    private static final List<String> REQUIREMENT_KEYS = List.of("plugin", "version", "service");
    private static final List<String> LIMITS_KEYS = List.of("timeoutMillis", "concurrency");
    private static final List<String> ROUTE_KEYS = List.of("route", "stream", "timeoutMillis", "public");
    private static final List<String> STREAM_KEYS = List.of("stream", "public");

    /** Creates a parser; it holds no state between calls. */
    public ManifestParser() {
    }

    /**
     * Parses and validates a manifest.
     *
     * @param yaml the text of {@code plugin.yaml}
     * @return the manifest
     * @throws ManifestException listing every problem found
     */
    public PluginManifest parse(String yaml) {
        if (yaml.length() > MAX_CHARACTERS) {
            throw new ManifestException(List.of(new FieldError(ManifestException.DOCUMENT,
                    "is " + yaml.length() + " characters long; the limit is " + MAX_CHARACTERS)));
        }
        Object document;
        try {
            document = yaml().load(yaml);
        } catch (YAMLException e) {
            throw new ManifestException(List.of(new FieldError(ManifestException.DOCUMENT, "is not valid YAML: " + describe(e))));
        }
        if (document == null) {
            throw new ManifestException(List.of(new FieldError(ManifestException.DOCUMENT,
                    "is empty; it must be a mapping with at least id, name, version, vendor, description, main and kernel")));
        }
        YamlFields fields = new YamlFields();
        Optional<PluginManifest> manifest = fields.mapping(document, ManifestException.DOCUMENT)
                .flatMap(new Reading(fields)::manifest);
        if (fields.errorCount() > 0) {
            throw new ManifestException(fields.errors());
        }
        return manifest.orElseThrow();
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_CHARACTERS);
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new CoreScalars());
    }

    private static String describe(YAMLException e) {
        if (e instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            Mark mark = marked.getProblemMark();
            return marked.getProblem() + (mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column "
                                                              + (mark.getColumn() + 1) + ")");
        }
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** YAML 1.2 core schema scalars only: no yes/no/on/off booleans, timestamps, octal, sexagesimal or merge keys. */
    private static final class CoreScalars extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
            addImplicitResolver(Tag.INT, Pattern.compile("^[-+]?(?:0|[1-9][0-9]*)$"), "-+0123456789");
            addImplicitResolver(Tag.FLOAT, Pattern.compile("^[-+]?(?:[0-9]+\\.[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
                                "-+.0123456789");
            addImplicitResolver(Tag.NULL, Resolver.NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, Resolver.EMPTY, null);
        }
    }

    /** One parse: readers of the manifest's sections and rules, recording each problem in {@code fields}. */
    private static final class Reading {
        private final YamlFields fields;

        private Reading(YamlFields fields) {
            this.fields = fields;
        }

        private Optional<PluginManifest> manifest(Map<String, Object> root) {
            int before = fields.errorCount();
            fields.onlyKeys(root, "", TOP_LEVEL_KEYS);
            Optional<String> id = fields.text(root.get("id"), "id", true, 40).filter(value -> validId(value, "id"));
            Optional<String> name = fields.text(root.get("name"), "name", true, MAX_NAME);
            Optional<String> version = fields.text(root.get("version"), "version", true, 100).filter(this::validVersion);
            Optional<String> vendor = fields.text(root.get("vendor"), "vendor", true, MAX_NAME);
            Optional<String> description = fields.text(root.get("description"), "description", true, MAX_DESCRIPTION);
            Optional<String> runtime = fields.text(root.get("runtime"), "runtime", false, 20);
            runtime.filter(value -> !List.of("java", "javascript").contains(value))
                    .ifPresent(value -> fields.error("runtime", "'" + value + "' is not a runtime; use 'java' (the default)"
                                                                + " or 'javascript'"));
            boolean script = runtime.filter("javascript"::equals).isPresent();
            Optional<String> main = fields.text(root.get("main"), "main", true, 300)
                    .filter(value -> script ? validScriptPath(value, "main") : validClassName(value, "main"));
            Optional<String> kernel = fields.text(root.get("kernel"), "kernel", true, 200)
                    .filter(value -> validRange(value, "kernel"));
            List<Permission> permissions = permissions(root.get("permissions"));
            List<Route> routes = routes(root.get("routes"));
            List<String> publicStreams = new ArrayList<>();
            List<String> streams = streams(root.get("streams"), publicStreams);
            Optional<String> openApi = fields.text(root.get("openapi"), "openapi", false, 300)
                    .filter(value -> matches(DOCUMENT_PATH, value, "openapi", "must be the path of the plugin's OpenAPI document"
                                             + " in the jar, ending in '.yaml', '.yml' or '.json', e.g. 'openapi.yaml'"));

            Map<String, Object> events = fields.optionalMapping(root.get("events"), "events");
            fields.onlyKeys(events, "events", EVENTS_KEYS);
            List<String> publishes = topics(events.get("publishes"), "events.publishes");
            List<String> subscribes = topics(events.get("subscribes"), "events.subscribes");

            Map<String, ConfigProperty> config = new ConfigSchemaReader(fields).read(root.get("config"));

            Map<String, Object> egress = fields.optionalMapping(root.get("egress"), "egress");
            fields.onlyKeys(egress, "egress", EGRESS_KEYS);
            List<String> hosts = fields.textList(egress.get("hosts"), "egress.hosts", 253,
                                                 (host, field) -> validHost(host, field, config));

            Map<String, Object> services = fields.optionalMapping(root.get("services"), "services");
            fields.onlyKeys(services, "services", SERVICES_KEYS);
            List<String> exports = fields.textList(services.get("exports"), "services.exports", 300, this::validClassName);
            List<ServiceRequirement> requires = requirements(services.get("requires"), id);

            List<String> dataClasses = fields.textList(root.get("dataClasses"), "dataClasses", 40, (value, field) ->
                    matches(DATA_CLASS, value, field, "must be 1-40 lower-case letters, digits or '-', starting with a letter,"
                                                      + " e.g. 'contact-pii'"));
            Limits limits = limits(root.get("limits"));
            List<String> libraries = fields.textList(root.get("libraries"), "libraries", 40, (value, field) ->
                    matches(LIBRARY_NAME, value, field, "must be the name of a platform library, 1-40 lower-case letters,"
                                                        + " digits or '-', e.g. 'openai-java'"));

            Set<String> declared = new TreeSet<>();
            permissions.forEach(p -> declared.add(p.name()));
            requirePermission(!publishes.isEmpty(), declared, Permission.EVENTS_PUBLISH, "events.publishes", "publishing events");
            requirePermission(!subscribes.isEmpty(), declared, Permission.EVENTS_SUBSCRIBE, "events.subscribes",
                              "subscribing to events");
            requirePermission(!hosts.isEmpty(), declared, Permission.HTTP_EGRESS, "egress.hosts", "calling external hosts");
            requirePermission(!requires.isEmpty(), declared, Permission.SERVICES, "services.requires",
                              "using other plugins' services");
            // Without hosts, http:egress only lets services of required plugins call out on the plugin's behalf.
            if (declared.contains(Permission.HTTP_EGRESS) && hosts.isEmpty() && requires.isEmpty()
                && fields.noErrorsUnder("egress", before) && fields.noErrorsUnder("services", before)) {
                fields.error("egress.hosts", "lists no hosts, but the permission 'http:egress' is declared; list the hosts"
                                             + " the plugin calls (e.g. egress: {hosts: [api.example.com]}), require a service"
                                             + " that calls out on its behalf, or remove the permission");
            }

            if (script && (!streams.isEmpty() || routes.stream().anyMatch(Route::stream))) {
                fields.error("runtime", "is 'javascript', but the plugin declares streams or streaming routes; those need a"
                                        + " Java plugin");
            }
            if (script && (!exports.isEmpty() || !requires.isEmpty())) {
                fields.error("runtime", "is 'javascript', but the plugin declares services; services are Java interfaces"
                                        + " and need a Java plugin");
            }
            if (script && !libraries.isEmpty()) {
                fields.error("runtime", "is 'javascript', but the plugin names platform libraries; those are Java"
                                        + " libraries and need a Java plugin");
            }
            if (fields.errorCount() > before) {
                return Optional.empty();
            }
            return Optional.of(new PluginManifest(id.orElseThrow(), name.orElseThrow(), version.orElseThrow(),
                    vendor.orElseThrow(), description.orElseThrow(), main.orElseThrow(), kernel.orElseThrow(), permissions,
                    routes, streams, publishes, subscribes, hosts, new ConfigSchema(config), exports, requires, dataClasses, limits,
                    libraries, List.copyOf(publicStreams), openApi));
        }

        private void requirePermission(boolean needed, Set<String> declared, String permission, String field, String what) {
            if (needed && !declared.contains(permission)) {
                fields.error(field, what + " requires the permission '" + permission + "'; add it under permissions, e.g."
                                    + " {name: " + permission + ", reason: ...}");
            }
        }

        // ----- sections -----

        private List<Permission> permissions(Object value) {
            List<Permission> permissions = new ArrayList<>();
            Map<String, String> firstAt = new HashMap<>();
            List<Object> items = fields.list(value, "permissions");
            for (int i = 0; i < items.size(); i++) {
                String field = "permissions[" + i + "]";
                Object item = items.get(i);
                if (item instanceof String text) {
                    fields.error(field, "is just '" + text + "'; write a mapping with a name and the reason shown to the tenant"
                                        + " admin, e.g. {name: " + text + ", reason: Keeps contacts in its own tables.}");
                    continue;
                }
                Optional<Map<String, Object>> permission = fields.mapping(item, field);
                if (permission.isEmpty()) {
                    continue;
                }
                fields.onlyKeys(permission.get(), field, PERMISSION_KEYS);
                Optional<String> name = fields.text(permission.get().get("name"), field + ".name", true, 40).filter(n -> {
                    if (!PluginManifest.KNOWN_PERMISSIONS.contains(n)) {
                        fields.error(field + ".name", "'" + n + "' is not a permission; use one of "
                                                      + String.join(", ", new TreeSet<>(PluginManifest.KNOWN_PERMISSIONS)));
                        return false;
                    }
                    String first = firstAt.putIfAbsent(n, field);
                    if (first != null) {
                        fields.error(field + ".name", "'" + n + "' is already declared at " + first
                                                      + "; declare each permission once");
                        return false;
                    }
                    return true;
                });
                Optional<String> reason = fields.text(permission.get().get("reason"), field + ".reason", true, MAX_REASON);
                if (name.isPresent() && reason.isPresent()) {
                    permissions.add(new Permission(name.get(), reason.get()));
                }
            }
            return List.copyOf(permissions);
        }

        private List<Route> routes(Object value) {
            List<Route> routes = new ArrayList<>();
            Map<String, String> firstAt = new HashMap<>();
            List<Object> items = fields.list(value, "routes");
            for (int i = 0; i < items.size(); i++) {
                String field = "routes[" + i + "]";
                // A route is a line 'METHOD /path', or a mapping {route: 'METHOD /path', stream: true, timeoutMillis: n,
                // public: true}.
                Object item = items.get(i);
                boolean stream = false;
                boolean open = false;
                Optional<Integer> timeout = Optional.empty();
                String lineField = field;
                if (item instanceof Map<?, ?>) {
                    Optional<Map<String, Object>> options = fields.mapping(item, field);
                    if (options.isEmpty()) {
                        continue;
                    }
                    fields.onlyKeys(options.get(), field, ROUTE_KEYS);
                    lineField = field + ".route";
                    item = options.get().get("route");
                    stream = fields.bool(options.get().get("stream"), field + ".stream").orElse(false);
                    open = fields.bool(options.get().get("public"), field + ".public").orElse(false);
                    if (options.get().get("timeoutMillis") != null) {
                        if (stream) {
                            timeout = Optional.of(fields.bounded(options.get().get("timeoutMillis"), field + ".timeoutMillis",
                                                                 Limits.DEFAULT_TIMEOUT_MILLIS, Limits.MIN_TIMEOUT_MILLIS,
                                                                 Limits.MAX_STREAM_TIMEOUT_MILLIS));
                        } else {
                            fields.error(field + ".timeoutMillis", "applies only to a streaming route; add 'stream: true' or"
                                                                   + " remove it (an ordinary route uses limits.timeoutMillis)");
                        }
                    }
                }
                Optional<String> line = fields.text(item, lineField, true, 300);
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.get().strip().split("\\s+");
                if (parts.length != 2) {
                    fields.error(lineField, "'" + line.get() + "' is not a route; write the method and the path separated by"
                                            + " a space, e.g. 'GET /contacts/{id}'");
                    continue;
                }
                Optional<String> methodProblem = Route.methodProblem(parts[0]);
                Optional<String> pathProblem = Route.pathProblem(parts[1]);
                methodProblem.ifPresent(problem -> fields.error(field + ".method", problem));
                pathProblem.ifPresent(problem -> fields.error(field + ".path", problem));
                if (methodProblem.isPresent() || pathProblem.isPresent()) {
                    continue;
                }
                Route parsed = Route.parse(line.get());
                Route route = new Route(parsed.method(), parsed.path(), stream, timeout, open);
                String first = firstAt.putIfAbsent(route.shape(), field);
                if (first != null) {
                    fields.error(field, "'" + route.text() + "' has the same method and path shape as " + first
                                        + "; each route must be distinct (parameter names do not make paths different)");
                    continue;
                }
                routes.add(route);
            }
            return List.copyOf(routes);
        }

        /**
         * Stream paths: the same path rules as routes, each shape once (parameter names do not make paths different).
         * A stream is a path, or a mapping {@code {stream: /path, public: true}}; the public ones are added to
         * {@code publicStreams}.
         */
        private List<String> streams(Object value, List<String> publicStreams) {
            List<String> streams = new ArrayList<>();
            Map<String, String> firstAt = new HashMap<>();
            List<Object> items = fields.list(value, "streams");
            for (int i = 0; i < items.size(); i++) {
                String field = "streams[" + i + "]";
                Object item = items.get(i);
                String pathField = field;
                boolean open = false;
                if (item instanceof Map<?, ?>) {
                    Optional<Map<String, Object>> options = fields.mapping(item, field);
                    if (options.isEmpty()) {
                        continue;
                    }
                    fields.onlyKeys(options.get(), field, STREAM_KEYS);
                    pathField = field + ".stream";
                    item = options.get().get("stream");
                    open = fields.bool(options.get().get("public"), field + ".public").orElse(false);
                }
                Optional<String> path = fields.text(item, pathField, true, 300);
                if (path.isEmpty()) {
                    continue;
                }
                Optional<String> problem = Route.pathProblem(path.get());
                if (problem.isPresent()) {
                    fields.error(pathField, problem.get());
                    continue;
                }
                String first = firstAt.putIfAbsent(new Route("GET", path.get()).shape(), field);
                if (first != null) {
                    fields.error(field, "'" + path.get() + "' has the same path shape as " + first
                                        + "; each stream must be distinct (parameter names do not make paths different)");
                    continue;
                }
                streams.add(path.get());
                if (open) {
                    publicStreams.add(path.get());
                }
            }
            return List.copyOf(streams);
        }

        private List<String> topics(Object value, String field) {
            return fields.textList(value, field, 200, (topic, at) -> matches(TOPIC, topic, at,
                    "must be dotted lower-case words, at least two, e.g. 'crm.contact.created'"));
        }

        private List<ServiceRequirement> requirements(Object value, Optional<String> ownId) {
            List<ServiceRequirement> requirements = new ArrayList<>();
            Map<String, String> firstAt = new HashMap<>();
            List<Object> items = fields.list(value, "services.requires");
            for (int i = 0; i < items.size(); i++) {
                String field = "services.requires[" + i + "]";
                Optional<Map<String, Object>> requirement = fields.mapping(items.get(i), field);
                if (requirement.isEmpty()) {
                    continue;
                }
                fields.onlyKeys(requirement.get(), field, REQUIREMENT_KEYS);
                Optional<String> plugin = fields.text(requirement.get().get("plugin"), field + ".plugin", true, 40)
                        .filter(p -> validId(p, field + ".plugin"))
                        .filter(p -> {
                            if (ownId.filter(p::equals).isPresent()) {
                                fields.error(field + ".plugin", "is this plugin itself; require only other plugins' services");
                                return false;
                            }
                            return true;
                        });
                Optional<String> version = fields.text(requirement.get().get("version"), field + ".version", true, 200)
                        .filter(v -> validRange(v, field + ".version"));
                Optional<String> service = fields.text(requirement.get().get("service"), field + ".service", true, 300)
                        .filter(s -> validClassName(s, field + ".service"))
                        .filter(s -> {
                            String first = firstAt.putIfAbsent(s, field);
                            if (first != null) {
                                fields.error(field + ".service", "'" + s + "' is already required at " + first
                                                                 + "; require each service once");
                                return false;
                            }
                            return true;
                        });
                if (plugin.isPresent() && version.isPresent() && service.isPresent()) {
                    requirements.add(new ServiceRequirement(plugin.get(), version.get(), service.get()));
                }
            }
            return List.copyOf(requirements);
        }

        private Limits limits(Object value) {
            Map<String, Object> limits = fields.optionalMapping(value, "limits");
            fields.onlyKeys(limits, "limits", LIMITS_KEYS);
            int timeout = fields.bounded(limits.get("timeoutMillis"), "limits.timeoutMillis", Limits.DEFAULT_TIMEOUT_MILLIS,
                                         Limits.MIN_TIMEOUT_MILLIS, Limits.MAX_TIMEOUT_MILLIS);
            int concurrency = fields.bounded(limits.get("concurrency"), "limits.concurrency", Limits.DEFAULT_CONCURRENCY,
                                             Limits.MIN_CONCURRENCY, Limits.MAX_CONCURRENCY);
            return new Limits(timeout, concurrency);
        }

        // ----- single values -----

        private boolean validId(String id, String field) {
            if (!ID.matcher(id).matches()) {
                fields.error(field, "'" + id + "' is not a plugin id; use 2-40 lower-case letters, digits or '-', starting"
                                    + " with a letter, e.g. 'crm'");
                return false;
            }
            if (ApiRoutes.RESERVED_TENANT_SEGMENTS.contains(id)) {
                String reserved = String.join(", ", new TreeSet<>(ApiRoutes.RESERVED_TENANT_SEGMENTS));
                fields.error(field, "'" + id + "' is reserved (" + reserved + "); choose another id");
                return false;
            }
            return true;
        }

        private boolean validVersion(String version) {
            if (!Version.isValid(version, true)) {
                fields.error("version", "'" + version + "' is not a semantic version; write MAJOR.MINOR.PATCH with an optional"
                                        + " -prerelease and +build, e.g. '1.2.0' or '2.0.0-rc.1'");
                return false;
            }
            return true;
        }

        private boolean validRange(String range, String field) {
            try {
                VersionRange.parse(range);
                return true;
            } catch (IllegalArgumentException e) {
                fields.error(field, e.getMessage());
                return false;
            }
        }

        /** A script plugin's entry point: a relative path inside the jar ending in {@code .js}, e.g. {@code plugin.js}. */
    private boolean validScriptPath(String value, String field) {
        return matches(SCRIPT_PATH, value, field, "must be the path of the plugin's script in the jar, ending in '.js',"
                                                  + " e.g. 'plugin.js' (runtime: javascript)");
    }

    private boolean validClassName(String name, String field) {
            if (!JAVA_CLASS_NAME.matcher(name).matches()) {
                fields.error(field, "'" + name + "' is not a fully qualified Java class name such as"
                                    + " 'io.voicecore.crm.CrmPlugin' (a package is required)");
                return false;
            }
            for (String reserved : PluginManifest.PLATFORM_PACKAGES) {
                if (name.startsWith(reserved)) {
                    fields.error(field, "'" + name + "' is in the package " + reserved.substring(0, reserved.length() - 1)
                                        + ", which belongs to the platform; use the plugin's own package");
                    return false;
                }
            }
            return true;
        }

        private boolean validHost(String host, String field, Map<String, ConfigProperty> config) {
            Matcher fromConfig = CONFIG_HOST.matcher(host);
            if (fromConfig.matches()) {
                String property = fromConfig.group(1);
                ConfigProperty declared = config.get(property);
                if (declared == null) {
                    fields.error(field, "'" + host + "' names the configuration property '" + property + "', which config does"
                                        + " not declare; declare it with type url");
                    return false;
                }
                if (!declared.type().equals("url")) {
                    fields.error(field, "'" + host + "' names the configuration property '" + property + "' of type "
                                        + declared.type() + "; only a property of type url can supply a host");
                    return false;
                }
                return true;
            }
            if (host.contains("/") || host.contains(":")) {
                fields.error(field, "'" + host + "' must be a host name only, without scheme, port or path, e.g."
                                    + " 'api.openai.com'");
                return false;
            }
            if (!host.equals(host.toLowerCase(Locale.ROOT))) {
                fields.error(field, "'" + host + "' must be written in lower case");
                return false;
            }
            if (host.startsWith("*")) {
                return matches(WILDCARD_HOST, host, field, "is not a wildcard host; write '*.' followed by a domain of at least"
                                                          + " two labels, e.g. '*.salesforce.com'");
            }
            return matches(HOST, host, field, "is not a host name; use an exact name such as 'api.openai.com', a wildcard"
                                              + " such as '*.salesforce.com' or '${config.<url property>}'");
        }

        private boolean matches(Pattern pattern, String value, String field, String rule) {
            if (pattern.matcher(value).matches()) {
                return true;
            }
            fields.error(field, "'" + value + "' " + rule);
            return false;
        }
    }
}
