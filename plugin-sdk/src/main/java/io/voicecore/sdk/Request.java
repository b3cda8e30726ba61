package io.voicecore.sdk;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * An HTTP request to a plugin route. Authentication, tenant resolution, rate limiting and the body
 * size limit were already applied by the kernel.
 *
 * @param method      the method
 * @param path        the path relative to the plugin's base, e.g. {@code /contacts/42}
 * @param pathParams  values of the route's {@code {name}} segments
 * @param queryParams query parameters (each may repeat)
 * @param headers     request headers, names in lower case
 * @param body        the body bytes (empty when there is none)
 * @param caller      who made the request
 */
public record Request(HttpMethod method, String path, Map<String, String> pathParams, Map<String, List<String>> queryParams,
                      Map<String, String> headers, byte[] body, Caller caller) {

    /** Copies the maps and the body, so the request cannot change under the handler. */
    public Request {
        pathParams = Map.copyOf(pathParams);
        queryParams = Map.copyOf(queryParams);
        headers = Map.copyOf(headers);
        body = body.clone();
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

    /** @param name header name, any case @return the header value */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** @return the body as UTF-8 text */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * @return the body parsed as JSON
     * @throws PluginProblem 400 when the body is not valid JSON, 415 when it is not declared as JSON
     */
    public Json json() {
        String type = header("content-type").orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new PluginProblem(415, "unsupported-media-type", "Send the body as 'Content-Type: application/json'.");
        }
        try {
            return Json.parse(bodyText());
        } catch (JsonException e) {
            throw new PluginProblem(400, "malformed-body", "The request body is not valid JSON: " + e.getMessage());
        }
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
