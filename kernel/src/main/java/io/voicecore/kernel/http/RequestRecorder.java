package io.voicecore.kernel.http;

/**
 * Told of every finished request, after its answer was sent: how the HTTP layer reports to metrics without
 * depending on them (the metrics registry implements it).
 */
@FunctionalInterface
public interface RequestRecorder {
    /**
     * @param method the HTTP method
     * @param route  the matched route template, or the fixed path of a route outside the API
     * @param status the status answered
     * @param nanos  how long the request took
     */
    void record(String method, String route, int status, long nanos);
}
