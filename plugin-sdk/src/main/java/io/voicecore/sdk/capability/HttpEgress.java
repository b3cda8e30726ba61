package io.voicecore.sdk.capability;

/**
 * Outbound HTTP to the hosts the manifest lists under {@code egress.hosts} (exact names, {@code *.domain}
 * patterns, or {@code ${config.key}} filled in from the tenant's configuration). Every call is
 * permission-checked, bounded in time and response size, metered and audited. HTTPS is required
 * except for loopback hosts listed explicitly.
 */
public interface HttpEgress {
    /**
     * Sends a request and reads the whole response.
     *
     * @param request the request
     * @return the response, whatever its status
     * @throws io.voicecore.sdk.PermissionDeniedException when the host is not allowed
     * @throws EgressException when the call fails, times out or the response is too large
     */
    EgressResponse send(EgressRequest request);
}
