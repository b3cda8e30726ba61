package io.voicecore.kernel.plugins.install;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import io.voicecore.kernel.plugins.PluginManifest;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The OpenAPI document a plugin ships in its jar ({@code openapi: openapi.yaml} in {@code plugin.yaml}) describing its
 * routes with paths relative to its base, checked when it is installed and mounted where it is served.
 *
 * <p>{@link #read} refuses a document that is not a YAML (or JSON) OpenAPI 3.x mapping, that describes an operation
 * the manifest does not declare (a {@code get} on a declared stream describes the WebSocket), or whose {@code $ref}s
 * point outside it or at nothing: a plugin's description must stand on its own, as the kernel renames what it
 * defines. {@link #mounted} is what {@code /openapi} shows of it: its paths under
 * {@code /api/v1/tenants/{tenant}/<pluginId>}, its components and operation ids prefixed {@code <pluginId>.}, so that
 * no two plugins, nor a plugin and the kernel, can clash, and its public routes marked as needing no credentials.
 */
public final class PluginApiDocument {
    /** The largest document a jar may carry. */
    public static final int MAX_BYTES = 512 * 1024;
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Set<String> COMPONENT_KINDS = Set.of("schemas", "responses", "parameters", "examples", "requestBodies",
                                                              "headers", "securitySchemes", "links", "callbacks", "pathItems");
    private static final Pattern COMPONENT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern VERSION = Pattern.compile("3\\.[01]\\.\\d+");

    private final PluginManifest manifest;
    private final Map<String, Object> document;

    private PluginApiDocument(PluginManifest manifest, Map<String, Object> document) {
        this.manifest = manifest;
        this.document = document;
    }

    /**
     * Reads and checks the document a manifest names from its jar.
     *
     * @return empty when the manifest names none
     * @throws PluginRejectedException (kind {@code openapi}) listing every problem, each with the {@code field} (a path
     *                                 in the document) and the {@code reason}
     */
    public static Optional<PluginApiDocument> read(PluginManifest manifest, byte[] jar) {
        if (manifest.openApi().isEmpty()) {
            return Optional.empty();
        }
        String name = manifest.openApi().get();
        byte[] bytes = entry(jar, name).orElseThrow(() -> rejected(manifest, List.of(finding("openapi",
                "plugin.yaml names '" + name + "', but the jar has no such file"))));
        if (bytes.length > MAX_BYTES) {
            throw rejected(manifest, List.of(finding(name, "is larger than " + MAX_BYTES + " bytes")));
        }
        Object parsed;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            parsed = new Yaml(new SafeConstructor(options)).load(new String(bytes, StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            String where = e instanceof MarkedYAMLException marked && marked.getProblemMark() != null
                    ? " (line " + (marked.getProblemMark().getLine() + 1) + ", column " + (marked.getProblemMark().getColumn() + 1) + ")" : "";
            String problem = e instanceof MarkedYAMLException marked && marked.getProblem() != null ? marked.getProblem()
                    : e.getMessage().lines().findFirst().orElse("");
            throw rejected(manifest, List.of(finding(name, "is not valid YAML: " + problem + where)));
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw rejected(manifest, List.of(finding(name, "is not a mapping; write an OpenAPI 3.x document with 'openapi' and 'paths'")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) root;
        List<Map<String, Object>> findings = new ArrayList<>();
        new Checker(manifest, document, findings).check();
        if (!findings.isEmpty()) {
            throw rejected(manifest, findings);
        }
        return Optional.of(new PluginApiDocument(manifest, document));
    }

    /** The plugin whose document this is. */
    public PluginManifest manifest() {
        return manifest;
    }

    /** The base of the plugin's routes in the kernel's API. */
    public String base() {
        return "/api/v1/tenants/{tenant}/" + manifest.id();
    }

    /**
     * The document as the kernel serves it: paths under {@link #base()} with the {@code tenant} parameter, components
     * renamed {@code <pluginId>.<name>} and every reference to them rewritten, operation ids prefixed the same way,
     * operations without tags tagged with the plugin's id, and public routes marked {@code security: []}.
     *
     * @return {@code paths} and {@code components}, a fresh copy each time
     */
    public Map<String, Object> mounted() {
        String prefix = manifest.id() + ".";
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) renamed(document, prefix);
        Map<String, Object> paths = new LinkedHashMap<>();
        mapping(copy.get("paths")).forEach((path, item) -> {
            Map<String, Object> pathItem = mapping(item);
            List<Object> parameters = new ArrayList<>();
            parameters.add(new LinkedHashMap<>(Map.of("name", "tenant", "in", "path", "required", true,
                    "description", "The tenant's id or slug", "schema", Map.of("type", "string"))));
            if (pathItem.get("parameters") instanceof List<?> own) {
                parameters.addAll(own);
            }
            Map<String, Object> mountedItem = new LinkedHashMap<>();
            mountedItem.put("parameters", parameters);
            pathItem.forEach((key, value) -> {
                if (key.equals("parameters")) {
                    return;
                }
                if (METHODS.contains(key) && value instanceof Map<?, ?>) {
                    Map<String, Object> operation = mapping(value);
                    if (operation.get("operationId") instanceof String id) {
                        operation.put("operationId", prefix + id);
                    }
                    operation.putIfAbsent("tags", new ArrayList<>(List.of(manifest.id())));
                    if (declaredPublic(key, path)) {
                        operation.put("security", new ArrayList<>());
                    } else if (operation.get("security") instanceof List<?> requirements) {
                        operation.put("security", renamedSchemes(requirements, prefix));
                    }
                }
                mountedItem.put(key, value);
            });
            paths.put(path.equals("/") ? base() : base() + path, mountedItem);
        });
        Map<String, Object> mounted = new LinkedHashMap<>();
        mounted.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        mapping(copy.get("components")).forEach((kind, entries) -> {
            Map<String, Object> named = new LinkedHashMap<>();
            mapping(entries).forEach((componentName, value) -> named.put(prefix + componentName, value));
            components.put(kind, named);
        });
        mounted.put("components", components);
        return mounted;
    }

    /**
     * The mounted document on its own, a complete OpenAPI document (its own version, its {@code info} titled with the
     * plugin's name and version): what {@code GET /api/v1/plugins/{pluginId}/openapi} serves.
     */
    public Map<String, Object> standalone() {
        Map<String, Object> standalone = new LinkedHashMap<>();
        standalone.put("openapi", document.get("openapi"));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("title", manifest.name());
        info.put("version", manifest.version());
        info.put("description", mapping(document.get("info")).getOrDefault("description", manifest.description()));
        standalone.put("info", info);
        standalone.put("security", List.of(Map.of("bearer", List.of())));
        standalone.putAll(mounted());
        @SuppressWarnings("unchecked")
        Map<String, Object> components = (Map<String, Object>) standalone.get("components");
        // The kernel's scheme, which operations without their own security use; the plugin's own keep their prefix.
        Map<String, Object> schemes = new LinkedHashMap<>(mapping(components.get("securitySchemes")));
        schemes.putIfAbsent("bearer", Map.of("type", "http", "scheme", "bearer"));
        components.put("securitySchemes", schemes);
        return standalone;
    }

    /**
     * Security requirements name schemes without a {@code $ref}: a scheme the plugin defines is renamed with its
     * components, one it does not (the kernel's {@code bearer}) is left as it is.
     */
    private List<Object> renamedSchemes(List<?> requirements, String prefix) {
        Map<String, Object> own = mapping(mapping(document.get("components")).get("securitySchemes"));
        List<Object> renamed = new ArrayList<>();
        for (Object requirement : requirements) {
            Map<String, Object> schemes = new LinkedHashMap<>();
            mapping(requirement).forEach((name, scopes) -> schemes.put(own.containsKey(name) ? prefix + name : name, scopes));
            renamed.add(schemes);
        }
        return renamed;
    }

    private boolean declaredPublic(String method, String path) {
        return manifest.routes().stream().anyMatch(r -> r.open() && r.method().equalsIgnoreCase(method) && r.path().equals(path))
               || method.equals("get") && manifest.publicStreams().contains(path);
    }

    /** A deep copy with every component name and local reference prefixed. */
    private static Object renamed(Object node, String prefix) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> {
                String name = String.valueOf(key);
                if (name.equals("$ref") && value instanceof String ref) {
                    copy.put(name, renamedRef(ref, prefix));
                } else if (name.equals("mapping") && value instanceof Map<?, ?> mapping) {
                    // A discriminator's mapping names schemas by reference too.
                    Map<String, Object> refs = new LinkedHashMap<>();
                    mapping.forEach((k, v) -> refs.put(String.valueOf(k), v instanceof String ref ? renamedRef(ref, prefix) : v));
                    copy.put(name, refs);
                } else {
                    copy.put(name, renamed(value, prefix));
                }
            });
            return copy;
        }
        if (node instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(item -> renamed(item, prefix)).toList());
        }
        return node;
    }

    private static String renamedRef(String ref, String prefix) {
        String[] parts = ref.split("/", 4);
        return parts.length == 4 && parts[0].equals("#") && parts[1].equals("components")
                ? "#/components/" + parts[2] + "/" + prefix + parts[3] : ref;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static Optional<byte[]> entry(byte[] jar, String name) {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals(name)) {
                    return Optional.of(zip.readNBytes(MAX_BYTES + 1));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new PluginRejectedException("manifest", "The upload is not a readable jar: " + e.getMessage(), List.of());
        }
    }

    private static Map<String, Object> finding(String field, String reason) {
        return Map.of("field", field, "reason", reason);
    }

    private static PluginRejectedException rejected(PluginManifest manifest, List<Map<String, Object>> findings) {
        return new PluginRejectedException("openapi", "Plugin '" + manifest.id() + "' " + manifest.version()
                + " describes its routes in an OpenAPI document the kernel cannot serve: " + findings.getFirst().get("field") + " "
                + findings.getFirst().get("reason") + (findings.size() > 1 ? " (and " + (findings.size() - 1) + " more)" : "")
                + ". See 'Describing your routes' in docs/plugin-developer-guide.md.", findings);
    }

    /** Collects every problem of a parsed document. */
    private record Checker(PluginManifest manifest, Map<String, Object> document, List<Map<String, Object>> findings) {
        void check() {
            if (!(document.get("openapi") instanceof String version) || !VERSION.matcher(version).matches()) {
                findings.add(finding("openapi", "must be the OpenAPI version as a string, 3.0.x or 3.1.x, e.g. '3.0.3'"));
            }
            if (!(document.get("paths") instanceof Map<?, ?> paths)) {
                findings.add(finding("paths", "is required: a mapping of the plugin's route paths, e.g. /contacts"));
            } else {
                paths.forEach((path, item) -> checkPath(String.valueOf(path), item));
            }
            if (document.get("components") != null) {
                if (!(document.get("components") instanceof Map<?, ?> components)) {
                    findings.add(finding("components", "must be a mapping"));
                } else {
                    components.forEach((kind, entries) -> checkComponents(String.valueOf(kind), entries));
                }
            }
            checkRefs(document, "");
        }

        private void checkPath(String path, Object item) {
            String field = "paths." + path;
            if (!path.startsWith("/")) {
                findings.add(finding(field, "must start with '/': paths are relative to the plugin's base, e.g. /contacts"));
                return;
            }
            if (!(item instanceof Map<?, ?> operations)) {
                findings.add(finding(field, "must be a mapping of operations"));
                return;
            }
            operations.keySet().stream().map(String::valueOf).filter(METHODS::contains).forEach(method -> {
                boolean declared = manifest.routes().stream().anyMatch(r -> r.method().equalsIgnoreCase(method) && r.path().equals(path))
                                   || method.equals("get") && manifest.streams().contains(path);
                if (!declared) {
                    findings.add(finding(field + "." + method, "describes a route plugin.yaml does not declare ('"
                            + method.toUpperCase(java.util.Locale.ROOT) + " " + path + "' is neither in routes nor, for a get,"
                            + " in streams)"));
                }
            });
        }

        private void checkComponents(String kind, Object entries) {
            if (!COMPONENT_KINDS.contains(kind)) {
                findings.add(finding("components." + kind, "is not a kind of OpenAPI component"));
            } else if (!(entries instanceof Map<?, ?> named)) {
                findings.add(finding("components." + kind, "must be a mapping of names to definitions"));
            } else {
                named.keySet().stream().map(String::valueOf).filter(name -> !COMPONENT_NAME.matcher(name).matches())
                        .forEach(name -> findings.add(finding("components." + kind + "." + name,
                                "is not a component name: 1-100 letters, digits, '.', '_' or '-'")));
            }
        }

        private void checkRefs(Object node, String field) {
            if (node instanceof Map<?, ?> map) {
                map.forEach((key, value) -> {
                    String name = String.valueOf(key);
                    String at = field.isEmpty() ? name : field + "." + name;
                    if (name.equals("$ref")) {
                        checkRef(value, at);
                    } else {
                        checkRefs(value, at);
                    }
                });
            } else if (node instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    checkRefs(list.get(i), field + "[" + i + "]");
                }
            }
        }

        private void checkRef(Object ref, String field) {
            String[] parts = ref instanceof String text ? text.split("/", -1) : new String[0];
            if (parts.length != 4 || !parts[0].equals("#") || !parts[1].equals("components")) {
                findings.add(finding(field, "'" + ref + "' points outside the document; a plugin's document refers only to its"
                                            + " own components, as '#/components/schemas/Name'"));
            } else if (!(document.get("components") instanceof Map<?, ?> components)
                       || !(components.get(parts[2]) instanceof Map<?, ?> named) || !named.containsKey(parts[3])) {
                findings.add(finding(field, "'" + ref + "' names a component the document does not define"));
            }
        }
    }
}
