package io.voicecore.kernel.plugins.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.RouteHandler;

/** The routes one plugin version registered, matched by method and path template ({@code /contacts/{id}}). */
final class RouteTable {
    /** A registered route, with its declaration in the manifest (whether it streams, its own deadline). */
    record Entry(HttpMethod method, String template, String[] segments, RouteHandler handler, PluginManifest.Route declared) {
    }

    /** A matched route with its path parameters. */
    record Match(Entry entry, Map<String, String> params) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void add(HttpMethod method, String template, RouteHandler handler, PluginManifest.Route declared) {
        entries.add(new Entry(method, template, split(template), handler, declared));
    }

    boolean contains(HttpMethod method, String template) {
        return entries.stream().anyMatch(e -> e.method() == method && e.template().equals(template));
    }

    /** The route for this method and path; literal segments win over parameters when both match. */
    Optional<Match> match(HttpMethod method, String path) {
        String[] parts = split(path);
        Match best = null;
        int bestLiterals = -1;
        for (Entry entry : entries) {
            if (entry.method() != method || entry.segments().length != parts.length) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                String segment = entry.segments()[i];
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    params.put(segment.substring(1, segment.length() - 1), java.net.URLDecoder.decode(parts[i],
                            java.nio.charset.StandardCharsets.UTF_8));
                } else if (segment.equals(parts[i])) {
                    literals++;
                } else {
                    matches = false;
                }
            }
            if (matches && literals > bestLiterals) {
                best = new Match(entry, params);
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether some route serves this path with another method (for 405). */
    boolean pathExists(String path) {
        for (HttpMethod method : HttpMethod.values()) {
            if (match(method, path).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
