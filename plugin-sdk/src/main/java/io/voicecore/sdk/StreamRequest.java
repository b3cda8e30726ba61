package io.voicecore.sdk;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a client asked for when it opened a stream. Authentication, tenant resolution and the check that the
 * plugin is enabled were already applied by the kernel; a stream the plugin declares public ({@code {stream: /path,
 * public: true}}) is opened without credentials, by an {@code anonymous} caller, and its handler authenticates the
 * connection itself, e.g. by a provider's signature in {@link #headers()}.
 *
 * @param path        the path relative to the plugin's base, e.g. {@code /conversations/42/stream}
 * @param pathParams  values of the stream's {@code {name}} segments
 * @param queryParams query parameters of the opening request (each may repeat), without the kernel's
 *                    {@code ticket}
 * @param caller      who opened the stream
 * @param headers     the headers of the opening (upgrade) request, names in lower case, without {@code authorization}
 *                    and {@code cookie} (since SDK 1.4)
 * @param target      the path from the server's root and the raw query the client sent, as {@link Request#target()}
 *                    (since SDK 1.4)
 */
public record StreamRequest(String path, Map<String, String> pathParams, Map<String, List<String>> queryParams, Caller caller,
                            Map<String, String> headers, String target) {

    /** Copies the maps, so the request cannot change under the handler. */
    public StreamRequest {
        pathParams = Map.copyOf(pathParams);
        queryParams = Map.copyOf(queryParams);
        headers = Map.copyOf(headers);
    }

    /**
     * A request without headers, whose target is its path (as before SDK 1.4).
     *
     * @param path        the path relative to the plugin's base
     * @param pathParams  values of the stream's {@code {name}} segments
     * @param queryParams query parameters of the opening request
     * @param caller      who opened the stream
     */
    public StreamRequest(String path, Map<String, String> pathParams, Map<String, List<String>> queryParams, Caller caller) {
        this(path, pathParams, queryParams, caller, Map.of(), path);
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

    /**
     * @param name header name, any case
     * @return the header of the opening request, empty when it was not sent
     * @since SDK 1.4
     */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
}
