package io.voicecore.kernel.plugins.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;
import io.voicecore.kernel.plugins.PluginManifest.ConfigSchema;
import io.voicecore.kernel.plugins.PluginManifest.Limits;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.PluginManifest.Route;
import io.voicecore.kernel.plugins.PluginManifest.ServiceRequirement;
import io.voicecore.kernel.plugins.PluginManifest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;


/** A manifest rendered as YAML from random valid parts parses back to exactly the record it was rendered from. */
class ManifestRoundTripProperties {
    private final ManifestParser parser = new ManifestParser();

    @Property(tries = 300)
    void renderedManifestParsesBackToTheSameRecord(@ForAll("manifests") Rendered rendered) {
        assertEquals(rendered.manifest(), parser.parse(rendered.yaml()), rendered.yaml());
    }

    /** A manifest and one YAML rendering of it. */
    record Rendered(PluginManifest manifest, String yaml) {
    }

    @Provide
    Arbitrary<Rendered> manifests() {
        Arbitrary<String> id = Combinators.combine(Arbitraries.chars().range('a', 'z'),
                                                   Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                                                           .withChars('-').ofMinLength(1).ofMaxLength(39))
                .as((first, rest) -> first + rest).filter(value -> !ApiRoutes.RESERVED_TENANT_SEGMENTS.contains(value));
        Arbitrary<Set<String>> permissions = Arbitraries.of(new TreeSet<>(PluginManifest.KNOWN_PERMISSIONS)).set()
                .map(TreeSet::new);
        Arbitrary<Head> head = Combinators.combine(id, text(80), version(), text(80), text(2000), className(), range())
                .as(Head::new);
        Arbitrary<Map<String, ConfigProperty>> config = Arbitraries.maps(configName(), configProperty()).ofMaxSize(5)
                .map(LinkedHashMap::new);
        Arbitrary<Limits> limits = Combinators.combine(
                Arbitraries.integers().between(PluginManifest.Limits.MIN_TIMEOUT_MILLIS, PluginManifest.Limits.MAX_TIMEOUT_MILLIS),
                Arbitraries.integers().between(PluginManifest.Limits.MIN_CONCURRENCY, PluginManifest.Limits.MAX_CONCURRENCY)).as(Limits::new);
        Arbitrary<Style> style = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                                                     Arbitraries.of(true, false)).as(Style::new);
        Arbitrary<Body> body = Combinators.combine(head, permissions, text(500).list().ofSize(PluginManifest.KNOWN_PERMISSIONS.size()), routes(), topics(),
                                                   topics(), config, hosts()).as(Body::new);
        return Combinators.combine(body, className().set().ofMaxSize(3), dataClasses(), limits, style)
                .flatAs((b, exports, dataClasses, lim, s) -> requirements(b.head().id()).map(requires -> {
                    Set<String> declared = b.permissions();
                    List<Permission> permissionList = new ArrayList<>();
                    int i = 0;
                    for (String name : declared) {
                        permissionList.add(new Permission(name, b.reasons().get(i++)));
                    }
                    List<String> hostList = new ArrayList<>();
                    if (declared.contains(Permission.HTTP_EGRESS)) {
                        hostList.addAll(b.hosts());
                        b.config().forEach((name, property) -> {
                            if (property.type().equals("url")) {
                                hostList.add("${config." + name + "}");
                            }
                        });
                    }
                    Head h = b.head();
                    PluginManifest manifest = new PluginManifest(h.id(), h.name(), h.version(), h.vendor(), h.description(),
                            h.main(), h.kernel(), permissionList, b.routes(), List.of(),
                            declared.contains(Permission.EVENTS_PUBLISH) ? b.publishes() : List.of(),
                            declared.contains(Permission.EVENTS_SUBSCRIBE) ? b.subscribes() : List.of(),
                            hostList, new ConfigSchema(b.config()), List.copyOf(exports),
                            declared.contains(Permission.SERVICES) ? requires : List.of(), dataClasses, lim, List.of());
                    return new Rendered(manifest, render(manifest, s));
                }));
    }

    /** The parts drawn together before the requirements, which depend on the id. */
    record Body(Head head, Set<String> permissions, List<String> reasons, List<Route> routes, List<String> publishes,
                List<String> subscribes, Map<String, ConfigProperty> config, List<String> hosts) {
    }

    /** The required scalar fields. */
    record Head(String id, String name, String version, String vendor, String description, String main, String kernel) {
    }

    /** Rendering choices: flow or block lists, whether to omit default-valued keys, whether to quote plain-safe text. */
    record Style(boolean flowLists, boolean omitDefaults, boolean quoteAll) {
    }

    // ----- parts -----

    /** Non-blank text with characters YAML treats specially: quotes, colons, hashes, braces, non-ASCII. */
    private static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings().withCharRange(' ', '~').withChars('\u00e9', '\u4e2d', '\u00a0', '\t')
                .ofMinLength(1).ofMaxLength(Math.min(maxLength, 60)).filter(value -> !value.isBlank());
    }

    private static Arbitrary<String> version() {
        Arbitrary<Integer> number = Arbitraries.integers().between(0, 40);
        Arbitrary<String> suffix = Arbitraries.of("", "-rc.1", "-alpha", "+build.7", "-beta.2+exp.sha.5114f85");
        return Combinators.combine(number, number, number, suffix).as((a, b, c, s) -> a + "." + b + "." + c + s);
    }

    private static Arbitrary<String> range() {
        Arbitrary<Integer> number = Arbitraries.integers().between(0, 9);
        return Combinators.combine(number, number, number, Arbitraries.integers().between(0, 5))
                .as((a, b, c, form) -> switch (form) {
                    case 0 -> ">=" + a + "." + b + "." + c + " <" + (a + 1) + ".0.0";
                    case 1 -> "^" + a + "." + b + "." + c;
                    case 2 -> "~" + a + "." + b;
                    case 3 -> a + ".x";
                    case 4 -> ">=" + a + "." + b + "." + c + " || >=" + (a + 10) + ".0.0";
                    default -> a + "." + b + "." + c;
                });
    }

    private static Arbitrary<String> className() {
        Arbitrary<String> segment = Combinators.combine(Arbitraries.chars().range('a', 'z'),
                                                        Arbitraries.strings().alpha().numeric().ofMaxLength(8))
                .as((first, rest) -> first + rest);
        return Combinators.combine(segment.list().ofMinSize(1).ofMaxSize(4), Arbitraries.chars().range('A', 'Z'),
                                   Arbitraries.strings().alpha().ofMaxLength(10))
                .as((packages, first, rest) -> String.join(".", packages) + "." + first + rest)
                .filter(name -> !name.startsWith("java") && !name.startsWith("jdk.") && !name.startsWith("sun.")
                                && !name.startsWith("com.sun.") && !name.startsWith("io.voicecore.sdk.")
                                && !name.startsWith("io.voicecore.kernel."));
    }

    private static Arbitrary<List<Route>> routes() {
        Arbitrary<String> literal = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-', '_', '.')
                .ofMinLength(1).ofMaxLength(8).filter(s -> !s.equals(".") && !s.equals(".."));
        Arbitrary<String> path = Arbitraries.oneOf(literal, literal.map(s -> "{" + "p" + s.replaceAll("[^a-z0-9]", "") + "}"))
                .list().ofMaxSize(4).map(segments -> {
                    Set<String> seen = new LinkedHashSet<>();
                    for (String segment : segments) {
                        if (!seen.contains(segment)) {
                            seen.add(segment);
                        }
                    }
                    return "/" + String.join("/", seen);
                });
        Arbitrary<Route> route = Combinators.combine(Arbitraries.of(new TreeSet<>(Route.METHODS)), path).as(Route::new);
        return route.list().ofMaxSize(5).map(list -> {
            Map<String, Route> byShape = new LinkedHashMap<>();
            list.forEach(r -> byShape.putIfAbsent(r.shape(), r));
            return List.copyOf(byShape.values());
        });
    }

    private static Arbitrary<List<String>> topics() {
        Arbitrary<String> word = Combinators.combine(Arbitraries.chars().range('a', 'z'),
                                                     Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_')
                                                             .ofMaxLength(6)).as((f, r) -> f + r);
        return Combinators.combine(Combinators.combine(Arbitraries.chars().range('a', 'z'),
                                                       Arbitraries.strings().withCharRange('a', 'z').withChars('-')
                                                               .ofMaxLength(6)).as((f, r) -> f + r),
                                   word.list().ofMinSize(1).ofMaxSize(3))
                .as((first, rest) -> first + "." + String.join(".", rest)).set().ofMaxSize(4).map(List::copyOf);
    }

    private static Arbitrary<List<String>> hosts() {
        Arbitrary<String> label = Combinators.combine(Arbitraries.chars().range('a', 'z'),
                                                      Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                                                              .withChars('-').ofMaxLength(10), Arbitraries.chars().range('a', 'z'))
                .as((f, m, l) -> f + m + l);
        Arbitrary<String> domain = label.list().ofMinSize(2).ofMaxSize(4).map(labels -> String.join(".", labels));
        return Arbitraries.oneOf(domain, domain.map(d -> "*." + d), Arbitraries.of("localhost", "127.0.0.1"))
                .set().ofMinSize(1).ofMaxSize(4).map(List::copyOf);
    }

    private static Arbitrary<String> configName() {
        return Combinators.combine(Arbitraries.chars().range('a', 'z'), Arbitraries.strings().alpha().numeric().ofMaxLength(12))
                .as((f, r) -> f + r);
    }

    private static Arbitrary<ConfigProperty> configProperty() {
        Arbitrary<Boolean> required = Arbitraries.of(true, false);
        Arbitrary<String> description = Arbitraries.oneOf(Arbitraries.just(""), text(200));
        Arbitrary<ConfigProperty> string = Combinators.combine(required, description,
                Arbitraries.of(Optional.<String>empty(), Optional.of("^.{1,200}$"), Optional.of("[a-z]+"), Optional.of("\\d{3}")),
                Arbitraries.of("abc", "123", "q")).as((req, desc, pattern, candidate) -> {
                    Optional<String> fallback = req || pattern.filter(p -> !candidate.matches(p)).isPresent()
                            ? Optional.empty() : Optional.of(candidate);
                    return new ConfigProperty("string", req, fallback, List.of(), pattern, Optional.empty(), Optional.empty(), desc);
                });
        Arbitrary<ConfigProperty> integer = Combinators.combine(required, description,
                Arbitraries.longs().between(-1000, 1000), Arbitraries.longs().between(0, 5000), Arbitraries.of(0, 1, 2, 3))
                .as((req, desc, min, span, shape) -> {
                    Optional<Long> minimum = shape == 1 || shape == 3 ? Optional.of(min) : Optional.empty();
                    Optional<Long> maximum = shape == 2 || shape == 3 ? Optional.of(min + span) : Optional.empty();
                    Optional<String> fallback = req ? Optional.empty() : Optional.of(String.valueOf(min + span / 2));
                    return new ConfigProperty("integer", req, fallback, List.of(), Optional.empty(), minimum, maximum, desc);
                });
        Arbitrary<ConfigProperty> bool = Combinators.combine(required, description, Arbitraries.of(true, false))
                .as((req, desc, value) -> new ConfigProperty("boolean", req, req ? Optional.empty() : Optional.of(value.toString()),
                                                             List.of(), Optional.empty(), Optional.empty(), Optional.empty(), desc));
        Arbitrary<ConfigProperty> url = Combinators.combine(required, description,
                Arbitraries.of(Optional.<String>empty(), Optional.of("https://x.example.com"), Optional.of("http://localhost:8080/a")))
                .as((req, desc, fallback) -> new ConfigProperty("url", req, req ? Optional.empty() : fallback, List.of(),
                                                                Optional.empty(), Optional.empty(), Optional.empty(), desc));
        Arbitrary<ConfigProperty> enumeration = Combinators.combine(required, description,
                text(30).set().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false))
                .as((req, desc, values, withDefault) -> {
                    List<String> list = List.copyOf(values);
                    return new ConfigProperty("enum", req, req || !withDefault ? Optional.empty() : Optional.of(list.get(0)),
                                              list, Optional.empty(), Optional.empty(), Optional.empty(), desc);
                });
        return Arbitraries.oneOf(string, integer, bool, url, enumeration);
    }

    private static Arbitrary<List<ServiceRequirement>> requirements(String ownId) {
        Arbitrary<String> plugin = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(12)
                .filter(p -> !p.equals(ownId) && !ApiRoutes.RESERVED_TENANT_SEGMENTS.contains(p));
        return Combinators.combine(plugin, range(), className()).as(ServiceRequirement::new).list().ofMaxSize(3)
                .map(list -> {
                    Map<String, ServiceRequirement> byService = new LinkedHashMap<>();
                    list.forEach(r -> byService.putIfAbsent(r.service(), r));
                    return List.copyOf(byService.values());
                });
    }

    private static Arbitrary<List<String>> dataClasses() {
        return Combinators.combine(Arbitraries.chars().range('a', 'z'),
                                   Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMaxLength(10))
                .as((f, r) -> f + r).set().ofMaxSize(3).map(List::copyOf);
    }

    // ----- rendering -----

    private static String render(PluginManifest m, Style style) {
        StringBuilder yaml = new StringBuilder();
        scalar(yaml, "id", m.id(), style);
        scalar(yaml, "name", m.name(), style);
        scalar(yaml, "version", m.version(), style);
        scalar(yaml, "vendor", m.vendor(), style);
        scalar(yaml, "description", m.description(), style);
        scalar(yaml, "main", m.main(), style);
        yaml.append("kernel: ").append(quote(m.kernel())).append('\n');
        if (!m.permissions().isEmpty() || !style.omitDefaults()) {
            yaml.append("permissions:\n");
            for (Permission p : m.permissions()) {
                yaml.append("  - name: ").append(quote(p.name())).append("\n    reason: ").append(quote(p.reason())).append('\n');
            }
            if (m.permissions().isEmpty()) {
                yaml.setLength(yaml.length() - 1);
                yaml.append(" []\n");
            }
        }
        list(yaml, "", "routes", m.routes().stream().map(Route::text).toList(), style);
        yaml.append("events:\n");
        list(yaml, "  ", "publishes", m.publishes(), style);
        list(yaml, "  ", "subscribes", m.subscribes(), style);
        if (!m.egressHosts().isEmpty()) {
            yaml.append("egress:\n");
            list(yaml, "  ", "hosts", m.egressHosts(), style);
        }
        if (!m.config().properties().isEmpty()) {
            yaml.append("config:\n");
            m.config().properties().forEach((name, p) -> {
                yaml.append("  ").append(name).append(":\n    type: ").append(p.type()).append('\n');
                if (p.required() || !style.omitDefaults()) {
                    yaml.append("    required: ").append(p.required()).append('\n');
                }
                if (!p.description().isEmpty()) {
                    yaml.append("    description: ").append(quote(p.description())).append('\n');
                }
                if (!p.values().isEmpty()) {
                    yaml.append("    values: [").append(p.values().stream().map(v -> quote(v)).collect(Collectors.joining(", ")))
                            .append("]\n");
                }
                p.pattern().ifPresent(pattern -> yaml.append("    pattern: ").append(quote(pattern)).append('\n'));
                p.minimum().ifPresent(min -> yaml.append("    minimum: ").append(min).append('\n'));
                p.maximum().ifPresent(max -> yaml.append("    maximum: ").append(max).append('\n'));
                p.defaultValue().ifPresent(value -> yaml.append("    default: ")
                        .append(switch (p.type()) {
                            case "integer", "boolean" -> value;
                            default -> quote(value);
                        }).append('\n'));
            });
        }
        yaml.append("services:\n");
        list(yaml, "  ", "exports", m.exports(), style);
        if (!m.requires().isEmpty()) {
            yaml.append("  requires:\n");
            for (ServiceRequirement r : m.requires()) {
                yaml.append("    - {plugin: ").append(r.plugin()).append(", version: ").append(quote(r.versionRange()))
                        .append(", service: ").append(r.service()).append("}\n");
            }
        }
        list(yaml, "", "dataClasses", m.dataClasses(), style);
        Limits defaults = new Limits(PluginManifest.Limits.DEFAULT_TIMEOUT_MILLIS, PluginManifest.Limits.DEFAULT_CONCURRENCY);
        if (!(style.omitDefaults() && m.limits().equals(defaults))) {
            yaml.append("limits:\n  timeoutMillis: ").append(m.limits().timeoutMillis())
                    .append("\n  concurrency: ").append(m.limits().concurrency()).append('\n');
        }
        return yaml.toString();
    }

    private static void scalar(StringBuilder yaml, String key, String value, Style style) {
        boolean plainSafe = value.matches("[A-Za-z][A-Za-z0-9 ._-]*") && !value.endsWith(" ")
                            && !List.of("true", "false", "null", "True", "False", "Null", "TRUE", "FALSE", "NULL")
                .contains(value);
        yaml.append(key).append(": ").append(plainSafe && !style.quoteAll() ? value : quote(value)).append('\n');
    }

    private static void list(StringBuilder yaml, String indent, String key, List<String> items, Style style) {
        if (items.isEmpty() && style.omitDefaults()) {
            return;
        }
        yaml.append(indent).append(key).append(':');
        if (style.flowLists() || items.isEmpty()) {
            yaml.append(" [").append(items.stream().map(v -> quote(v)).collect(Collectors.joining(", "))).append("]\n");
        } else {
            yaml.append('\n');
            items.forEach(item -> yaml.append(indent).append("  - ").append(quote(item)).append('\n'));
        }
    }

    /** A YAML double-quoted scalar. */
    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
