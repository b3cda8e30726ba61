package io.voicecore.kernel.plugins.runtime;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Request;

/** The request of a route declared with {@code stream: true}: its body handed over unread, as it arrives. */
record StreamedRequest(HttpMethod method, String path, Map<String, String> pathParams, Map<String, List<String>> queryParams,
                       Map<String, String> headers, Caller caller, InputStream bodyStream, String target) implements Request {

    StreamedRequest {
        pathParams = Map.copyOf(pathParams);
        queryParams = Map.copyOf(queryParams);
        headers = Map.copyOf(headers);
    }

    @Override
    public boolean streamed() {
        return true;
    }

    @Override
    public byte[] body() {
        throw new IllegalStateException("The route " + method + " " + path + " streams its body (stream: true in plugin.yaml); "
                                        + "read it with request.bodyStream()");
    }

    @Override
    public String toString() {
        return "Request[" + method + " " + path + ", streamed, caller=" + caller + "]";
    }
}
