package io.voicecore.kernel.plugins.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.StreamHandler;

/** The streams one plugin version registered, matched by path template ({@code /conversations/{id}/stream}). */
public final class StreamTable {
    /** A registered stream. */
    public record Entry(PathTemplate path, StreamHandler handler) {
        public String template() {
            return path.template();
        }
    }

    /** A matched stream with its path parameters. */
    public record Match(Entry entry, Map<String, String> params) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void add(String template, StreamHandler handler) {
        entries.add(new Entry(PathTemplate.of(template), handler));
    }

    boolean contains(String template) {
        return entries.stream().anyMatch(e -> e.template().equals(template));
    }

    /** Every registered stream, in registration order. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The stream for this path; literal segments win over parameters when both match. */
    public Optional<Match> match(String path) {
        String[] parts = PathTemplate.split(path);
        Match best = null;
        int bestLiterals = -1;
        for (Entry entry : entries) {
            Optional<PathTemplate.Match> matched = entry.path().match(parts);
            if (matched.isPresent() && matched.get().literals() > bestLiterals) {
                best = new Match(entry, matched.get().params());
                bestLiterals = matched.get().literals();
            }
        }
        return Optional.ofNullable(best);
    }
}
