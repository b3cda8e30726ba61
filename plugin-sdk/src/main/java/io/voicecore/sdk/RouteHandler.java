package io.voicecore.sdk;

/** Serves one plugin route. */
@FunctionalInterface
public interface RouteHandler {
    /**
     * @param request the request
     * @param context capabilities scoped to the request's tenant and this plugin
     * @return the response
     * @throws Exception any failure; {@link PluginProblem} becomes the matching problem response, anything else a 500
     */
    Response handle(Request request, PluginContext context) throws Exception;
}
