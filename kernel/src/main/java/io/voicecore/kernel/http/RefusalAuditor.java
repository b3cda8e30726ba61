package io.voicecore.kernel.http;

import io.voicecore.kernel.access.Principal;


/**
 * Told when an authenticated principal's state-changing request was refused (403 or 404), so the
 * attempt leaves a trace even though nothing changed. Implementations record it in their own
 * transaction; the HTTP layer knows nothing about how.
 */
@FunctionalInterface
public interface RefusalAuditor {
    /**
     * @param context   the refused request: method, matched route pattern, path and request id
     * @param principal who made it
     * @param refusal   the 403 or 404 problem the request was answered with
     */
    void refused(RequestContext context, Principal principal, ApiException refusal);
}
