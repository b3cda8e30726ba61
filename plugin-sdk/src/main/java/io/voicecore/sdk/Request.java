package io.voicecore.sdk;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.internal.WholeBodyRequest;
import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * An HTTP request to a plugin route. Authentication, tenant resolution, rate limiting and the body
 * size limit were already applied by the kernel.
 *
 * <p>On an ordinary route the kernel has read the whole body (at most {@code http.max-body-bytes}) into
 * {@link #body()}. On a route declared with {@code stream: true} in {@code plugin.yaml} it has not: the
 * body arrives as it is sent, through {@link #bodyStream()} (bounded by {@code plugins.max-stream-bytes}),
 * and {@link #body()}, {@link #bodyText()} and {@link #json()} are not available.
 *
 * <p>The kernel builds the requests it hands to route handlers, including those with a streamed body. Plugin code
 * and plugin unit tests that need a request of their own, for example to call one of their routes from another
 * handler, build one whose body was read whole with {@link #of(HttpMethod, String, Map, Map, Map, byte[], Caller)}.
 *
 * <p>A request does not change under its handler: its maps are unmodifiable and {@link #body()} answers a copy.
 * The methods with a default implementation only derive from the others.
 *
 * <p>Up to SDK 0.3 this was a record, built with its constructor; since SDK 1.0 it is an interface, and a plugin
 * built against SDK 0.x must be rebuilt.
 */
public interface Request {

    /**
     * Builds a request whose body was read whole, as the kernel hands it to an ordinary route. The maps and the body
     * are copied, so the request cannot change when the caller later changes them.
     *
     * @param method      the method
     * @param path        the path relative to the plugin's base, e.g. {@code /contacts/42}
     * @param pathParams  values of the route's {@code {name}} segments
     * @param queryParams query parameters (each may repeat)
     * @param headers     request headers, names in lower case
     * @param body        the body bytes (empty when there is none)
     * @param caller      who made the request
     * @return a request that is not {@linkplain #streamed() streamed}
     * @throws NullPointerException if a map or the body is null, or a map holds a null key or value
     */
    static Request of(HttpMethod method, String path, Map<String, String> pathParams, Map<String, List<String>> queryParams,
                      Map<String, String> headers, byte[] body, Caller caller) {
        return new WholeBodyRequest(method, path, pathParams, queryParams, headers, body, caller);
    }

    /**
     * The request's HTTP method.
     *
     * @return the method
     */
    HttpMethod method();

    /**
     * The request's path below the plugin's base, as the route table matched it.
     *
     * @return the path relative to the plugin's base, e.g. {@code /contacts/42}
     */
    String path();

    /**
     * The values of the matched route's {@code {name}} segments; {@link #pathParam(String)} reads one.
     *
     * @return values of the route's {@code {name}} segments, by name; unmodifiable
     */
    Map<String, String> pathParams();

    /**
     * The request's target as the client sent it (RFC 9112's origin form): the whole path from the server's root,
     * including {@code /api/v1/tenants/{tenant}/{pluginId}} with the tenant as the client named it (id or slug),
     * and the query string if there was one, both undecoded, e.g. {@code /api/v1/tenants/acme/voice/twilio/incoming}.
     * With the scheme and host the client used, it is the URL the client called: what a provider such as Twilio signs
     * its webhooks over. Behind a proxy the scheme and host differ from the kernel's own, so take them from
     * configuration when the signature depends on them.
     *
     * <p>The default, for requests built with {@link #of}, is {@link #path()}.
     *
     * @return the path from the server's root and the raw query, e.g. {@code /api/v1/tenants/acme/hello/guests?page=2}
     * @since SDK 1.3
     */
    default String target() {
        return path();
    }

    /**
     * The request's query parameters, each with all its values; {@link #query(String)} reads the first.
     *
     * @return query parameters (each may repeat), by name; unmodifiable
     */
    Map<String, List<String>> queryParams();

    /**
     * The request's headers. Names are in lower case, so look one up in lower case or with
     * {@link #header(String)}, which takes any case.
     *
     * @return request headers, names in lower case; unmodifiable
     */
    Map<String, String> headers();

    /**
     * Who made the request, as the kernel authenticated it.
     *
     * @return who made the request
     */
    Caller caller();

    /**
     * Whether the body arrives through {@link #bodyStream()} only. When it does, {@link #body()},
     * {@link #bodyText()} and {@link #json()} fail.
     *
     * @return whether the body is streamed (the route is declared with {@code stream: true}) rather than read whole
     */
    boolean streamed();

    /**
     * The body as a stream. On a streaming route it is the body as it arrives, unbuffered: read it once, from the
     * handler (reading it elsewhere or later fails). When the body exceeds {@code plugins.max-stream-bytes} a read
     * fails with an {@code IOException} and the kernel answers 413 whatever the handler returns. On an ordinary route
     * it reads {@link #body()}.
     *
     * @return the body
     */
    InputStream bodyStream();

    /**
     * The body bytes, on an ordinary route. On a streaming route the kernel did not read the body, and this fails
     * with an {@link IllegalStateException} whose message names the route and says to read the body with
     * {@link #bodyStream()}: {@code "The route POST /uploads streams its body (stream: true in plugin.yaml); read it
     * with request.bodyStream()"}.
     *
     * @return a copy of the body bytes (empty when there is none)
     * @throws IllegalStateException on a streaming route, whose body the kernel did not read; use {@link #bodyStream()}
     */
    byte[] body();

    /**
     * One value of {@link #pathParams()}.
     *
     * @param name parameter name
     * @return the path parameter, empty when the route has no segment of that name
     */
    default Optional<String> pathParam(String name) {
        return Optional.ofNullable(pathParams().get(name));
    }

    /**
     * The first value of a query parameter in {@link #queryParams()}.
     *
     * @param name parameter name
     * @return the first value of the query parameter, empty when it was not sent
     */
    default Optional<String> query(String name) {
        List<String> values = queryParams().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * One header of {@link #headers()}, looked up by its name in lower case.
     *
     * @param name header name, any case
     * @return the header value, empty when the header was not sent
     */
    default Optional<String> header(String name) {
        return Optional.ofNullable(headers().get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The {@link #body()} decoded as UTF-8.
     *
     * @return the body as UTF-8 text
     * @throws IllegalStateException on a streaming route; read {@link #bodyStream()} instead
     */
    default String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /**
     * The {@link #bodyText()} parsed as JSON, when the {@code content-type} header declares it as
     * {@code application/json}. A handler can let the problem propagate: the kernel answers it to the client.
     *
     * @return the body parsed as JSON
     * @throws PluginProblem 400 ({@code malformed-body}) when the body is not valid JSON, 415
     *                       ({@code unsupported-media-type}) when it is not declared as JSON
     * @throws IllegalStateException on a streaming route; read {@link #bodyStream()} instead
     */
    default Json json() {
        String type = header("content-type").orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new PluginProblem(415, "unsupported-media-type", "Send the body as 'Content-Type: application/json'.");
        }
        try {
            return Json.parse(bodyText());
        } catch (JsonException e) {
            throw new PluginProblem(400, "malformed-body", "The request body is not valid JSON: " + e.getMessage());
        }
    }
}
