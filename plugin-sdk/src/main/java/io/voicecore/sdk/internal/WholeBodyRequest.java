package io.voicecore.sdk.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Request;

/**
 * A {@link Request} whose body was read whole: what
 * {@link Request#of(HttpMethod, String, Map, Map, Map, byte[], Caller)} builds. It is never
 * {@linkplain Request#streamed() streamed}.
 *
 * <p>Not part of the SDK's API: plugins obtain one through {@code Request.of} only, and the class may change or go
 * in any version.
 */
public final class WholeBodyRequest implements Request {
    private final HttpMethod method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> queryParams;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Caller caller;

    /**
     * Copies the maps and the body, so the request cannot change under the handler.
     *
     * @param method      the method
     * @param path        the path relative to the plugin's base
     * @param pathParams  values of the route's {@code {name}} segments
     * @param queryParams query parameters (each may repeat)
     * @param headers     request headers, names in lower case
     * @param body        the body bytes
     * @param caller      who made the request
     */
    public WholeBodyRequest(HttpMethod method, String path, Map<String, String> pathParams,
                            Map<String, List<String>> queryParams, Map<String, String> headers, byte[] body, Caller caller) {
        this.method = method;
        this.path = path;
        this.pathParams = Map.copyOf(pathParams);
        this.queryParams = Map.copyOf(queryParams);
        this.headers = Map.copyOf(headers);
        this.body = body.clone();
        this.caller = caller;
    }

    @Override
    public HttpMethod method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public Map<String, List<String>> queryParams() {
        return queryParams;
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public Caller caller() {
        return caller;
    }

    /** @return {@code false}: the body was read whole */
    @Override
    public boolean streamed() {
        return false;
    }

    /** @return a stream over the body bytes */
    @Override
    public InputStream bodyStream() {
        return new ByteArrayInputStream(body);
    }

    /** @return a copy of the body bytes */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** @return the method, path and caller; not the headers, which may hold credentials, nor the body */
    @Override
    public String toString() {
        return "Request[" + method + " " + path + ", caller=" + caller + "]";
    }
}
