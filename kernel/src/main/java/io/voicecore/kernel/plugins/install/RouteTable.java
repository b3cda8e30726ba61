package io.voicecore.kernel.plugins.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.RouteHandler;

/** The routes one plugin version registered, matched by method and path template ({@code /contacts/{id}}). */
public final class RouteTable {
    /** A registered route, with its declaration in the manifest (whether it streams, its own deadline). */
    public record Entry(HttpMethod method, PathTemplate path, RouteHandler handler, PluginManifest.Route declared) {
        public String template() {
            return path.template();
        }
    }

    /** A matched route with its path parameters. */
    public record Match(Entry entry, Map<String, String> params) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void add(HttpMethod method, String template, RouteHandler handler, PluginManifest.Route declared) {
        entries.add(new Entry(method, PathTemplate.of(template), handler, declared));
    }

    boolean contains(HttpMethod method, String template) {
        return entries.stream().anyMatch(e -> e.method() == method && e.template().equals(template));
    }

    /** Every registered route, in registration order. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The route for this method and path; literal segments win over parameters when both match. */
    public Optional<Match> match(HttpMethod method, String path) {
        String[] parts = PathTemplate.split(path);
        Match best = null;
        int bestLiterals = -1;
        for (Entry entry : entries) {
            if (entry.method() != method) {
                continue;
            }
            Optional<PathTemplate.Match> matched = entry.path().match(parts);
            if (matched.isPresent() && matched.get().literals() > bestLiterals) {
                best = new Match(entry, matched.get().params());
                bestLiterals = matched.get().literals();
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether some route serves this path with another method (for 405). */
    public boolean pathExists(String path) {
        for (HttpMethod method : HttpMethod.values()) {
            if (match(method, path).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
