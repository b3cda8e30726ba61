package io.voicecore.sdk.capability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An outbound call's response.
 *
 * @param status  HTTP status
 * @param headers response headers, names in lower case
 * @param body    the body bytes
 */
public record EgressResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /** Copies headers and body. */
    public EgressResponse {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    /** @param name header name, any case @return its first value */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** @return the body as UTF-8 text */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
