package io.voicecore.sdk;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a client asked for when it opened a stream. Authentication, tenant resolution and the check that the
 * plugin is enabled were already applied by the kernel.
 *
 * @param path        the path relative to the plugin's base, e.g. {@code /conversations/42/stream}
 * @param pathParams  values of the stream's {@code {name}} segments
 * @param queryParams query parameters of the opening request (each may repeat), without the kernel's
 *                    {@code ticket}
 * @param caller      who opened the stream
 */
public record StreamRequest(String path, Map<String, String> pathParams, Map<String, List<String>> queryParams, Caller caller) {

    /** Copies the maps, so the request cannot change under the handler. */
    public StreamRequest {
        pathParams = Map.copyOf(pathParams);
        queryParams = Map.copyOf(queryParams);
    }

    /** @param name parameter name @return the path parameter */
    public Optional<String> pathParam(String name) {
        return Optional.ofNullable(pathParams.get(name));
    }

    /** @param name parameter name @return the first value of the query parameter */
    public Optional<String> query(String name) {
        List<String> values = queryParams.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
