package io.voicecore.sdk.capability;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An outbound HTTP request.
 *
 * @param method  the method, e.g. {@code POST}
 * @param uri     the absolute URI
 * @param headers request headers
 * @param body    the body (empty for none)
 * @param timeout the whole call's time limit; the kernel caps it
 */
public record EgressRequest(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {

    /** Copies headers and body. */
    public EgressRequest {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body.clone();
    }

    /** @param uri the URI @return a GET with no headers and a 10 s timeout */
    public static EgressRequest get(URI uri) {
        return new EgressRequest("GET", uri, Map.of(), new byte[0], Duration.ofSeconds(10));
    }

    /** @param uri the URI @param contentType body media type @param body the body text @return a POST with a 10 s timeout */
    public static EgressRequest post(URI uri, String contentType, String body) {
        return new EgressRequest("POST", uri, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8),
                                 Duration.ofSeconds(10));
    }

    /** @param name header @param value value @return a copy with the header set */
    public EgressRequest withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new EgressRequest(method, uri, more, body, timeout);
    }

    /** @param limit the time limit @return a copy with that timeout */
    public EgressRequest withTimeout(Duration limit) {
        return new EgressRequest(method, uri, headers, body, limit);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
