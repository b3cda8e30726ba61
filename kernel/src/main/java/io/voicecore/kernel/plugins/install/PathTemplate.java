package io.voicecore.kernel.plugins.install;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A plugin path template such as {@code /contacts/{id}}, matched segment by segment; shared by routes and streams.
 *
 * @param template the template as registered
 * @param segments its segments, literal or {@code {name}}
 */
record PathTemplate(String template, String[] segments) {

    /** A successful match: the decoded parameters, and how many literal segments matched (more is more specific). */
    record Match(Map<String, String> params, int literals) {
    }

    static PathTemplate of(String template) {
        return new PathTemplate(template, split(template));
    }

    /** Matches a path already split with {@link #split}. */
    Optional<Match> match(String[] parts) {
        if (segments.length != parts.length) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int literals = 0;
        for (int i = 0; i < parts.length; i++) {
            String segment = segments[i];
            if (segment.startsWith("{") && segment.endsWith("}")) {
                params.put(segment.substring(1, segment.length() - 1), URLDecoder.decode(parts[i], StandardCharsets.UTF_8));
            } else if (segment.equals(parts[i])) {
                literals++;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new Match(params, literals));
    }

    static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
