package io.voicecore.kernel.plugins.runtime;

import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;

/**
 * A request for a plugin route as it arrives, before the route is matched: its body still unread. {@link RouteCalls}
 * turns it into the plugin's {@link io.voicecore.sdk.Request} once it knows the route's path parameters and whether
 * the route streams its body.
 *
 * @param path    the path below the plugin's base, e.g. {@code /contacts/42}
 * @param headers request headers, names in lower case
 * @param body    the body as it arrives; empty when the request has none (GET, DELETE)
 * @param target    the path from the server's root and the raw query, as the client sent them ({@link io.voicecore.sdk.Request#target()})
 * @param anonymous whether the client sent no credentials (a public route's caller); {@code caller} is then {@link #ANONYMOUS}
 */
public record RouteRequest(HttpMethod method, String path, Map<String, List<String>> queryParams, Map<String, String> headers,
                           Caller caller, Optional<InputStream> body, String target, boolean anonymous) {
    /** The caller of a request that came without credentials, to a public route. */
    public static final Caller ANONYMOUS = new Caller("anonymous", "anonymous");

    /** A request whose target is its {@code path}, by an authenticated caller: one the kernel made itself (a trial run). */
    public RouteRequest(HttpMethod method, String path, Map<String, List<String>> queryParams, Map<String, String> headers,
                        Caller caller, Optional<InputStream> body) {
        this(method, path, queryParams, headers, caller, body, path, false);
    }

    /** @param name header name, any case @return the header value */
    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
}
