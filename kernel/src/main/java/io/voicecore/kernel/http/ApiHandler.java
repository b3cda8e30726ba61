package io.voicecore.kernel.http;

/** One endpoint: reads an {@link ApiRequest}, answers an {@link ApiReply} or throws an {@link ApiException}. */
@FunctionalInterface
public interface ApiHandler {
    ApiReply handle(ApiRequest request) throws Exception;
}
