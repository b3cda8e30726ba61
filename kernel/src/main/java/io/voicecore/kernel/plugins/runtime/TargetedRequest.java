package io.voicecore.kernel.plugins.runtime;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Request;

/**
 * A request read whole ({@link Request#of}) with the target the client sent ({@link Request#target()}), which
 * {@code Request.of} does not take: the kernel knows it, a plugin building a request of its own does not.
 */
record TargetedRequest(Request request, String target) implements Request {

    @Override
    public HttpMethod method() {
        return request.method();
    }

    @Override
    public String path() {
        return request.path();
    }

    @Override
    public Map<String, String> pathParams() {
        return request.pathParams();
    }

    @Override
    public Map<String, List<String>> queryParams() {
        return request.queryParams();
    }

    @Override
    public Map<String, String> headers() {
        return request.headers();
    }

    @Override
    public Caller caller() {
        return request.caller();
    }

    @Override
    public boolean streamed() {
        return request.streamed();
    }

    @Override
    public InputStream bodyStream() {
        return request.bodyStream();
    }

    @Override
    public byte[] body() {
        return request.body();
    }

    /** @return the wrapped request's text: method, path and caller, never headers or body */
    @Override
    public String toString() {
        return request.toString();
    }
}
