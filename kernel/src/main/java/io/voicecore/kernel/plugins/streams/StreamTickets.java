package io.voicecore.kernel.plugins.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Authenticator;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.identity.Secrets;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;

/**
 * One-time tickets for opening a stream from a browser, which cannot set an Authorization header on a
 * WebSocket: {@code POST /api/v1/tenants/{tenant}/stream-tickets} answers a ticket that opens one stream of that
 * tenant as the caller, once, within {@link #LIFETIME}. Only a hash of the ticket is kept, in {@link SharedState},
 * so any kernel node redeems it and a second redemption fails on every node. A ticket lives no longer than the
 * credential it was issued to: one whose API key was revoked or whose session ended is refused.
 */
public final class StreamTickets {
    /** How long a ticket may wait before it is used. */
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    static final String PREFIX = "vct_";
    private static final String KEY = "stream-ticket:";

    private final SharedState state;
    private final TenantResolver resolver;
    private final Clock clock;
    private final Authenticator credentials;

    /** @param credentials tells whether the credential a ticket was issued to still stands when it is redeemed */
    public StreamTickets(SharedState state, TenantResolver resolver, Clock clock, Authenticator credentials) {
        this.state = state;
        this.resolver = resolver;
        this.clock = clock;
        this.credentials = credentials;
    }

    /** Registers {@code POST /api/v1/tenants/{tenant}/stream-tickets}. */
    public void register(ApiRoutes routes) {
        routes.post("/api/v1/tenants/{tenant}/stream-tickets", Access.AUTHENTICATED, this::issue);
    }

    private ApiReply issue(ApiRequest request) {
        Tenant tenant = resolver.resolve(request);
        Principal principal = request.principal();
        String ticket = PREFIX + Secrets.random(43);
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("tenant", tenant.id().toString());
        stored.put("actor", principal.actorId());
        stored.put("role", principal.role().wireName());
        stored.put("principalTenant", principal.tenantId().map(UUID::toString).orElse(""));
        stored.put("credential", principal.credentialId());
        state.put(KEY + hash(ticket), Json.writeString(stored), LIFETIME);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ticket", ticket);
        body.put("expiresAt", clock.instant().plus(LIFETIME).toString());
        body.put("expiresInSeconds", LIFETIME.toSeconds());
        return ApiReply.created(body).header("Cache-Control", "no-store");
    }

    /**
     * The principal a ticket was issued to, if it is known, unexpired and unused, was issued for the tenant
     * {@code tenantReference} names, and the credential it was issued to still stands; the ticket is used up by this call.
     *
     * @throws ApiException.Unauthenticated {@code credentials-invalid}, or {@code credentials-revoked} when the API key or
     *                                      session it was issued to no longer stands
     */
    public Principal redeem(String ticket, String tenantReference) {
        if (!ticket.startsWith(PREFIX) || ticket.length() > 200) {
            throw invalid();
        }
        String key = KEY + hash(ticket);
        JsonNode stored = state.get(key).map(text -> Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .orElseThrow(StreamTickets::invalid);
        // Claimed atomically, so of two concurrent redemptions on any nodes exactly one succeeds.
        if (!state.putIfAbsent(key + ":used", "1", LIFETIME)) {
            throw invalid();
        }
        state.delete(key);
        Optional<UUID> principalTenant = Optional.of(stored.path("principalTenant").asText()).filter(t -> !t.isEmpty())
                .map(UUID::fromString);
        Principal principal = new Principal(stored.path("actor").asText(), Role.fromWire(stored.path("role").asText())
                .orElseThrow(StreamTickets::invalid), principalTenant, stored.path("credential").asText(), false);
        if (!credentials.stands(principal)) {
            throw new ApiException.Unauthenticated("credentials-revoked", "The API key or session this stream ticket was issued "
                    + "to has been revoked or has ended since; a ticket works only while its credential does.");
        }
        Tenant tenant = resolver.resolve(tenantReference, principal);
        if (!tenant.id().toString().equals(stored.path("tenant").asText())) {
            throw new ApiException.Unauthenticated("credentials-invalid", "This stream ticket was issued for another tenant; "
                    + "ask for one with POST /api/v1/tenants/" + tenantReference + "/stream-tickets.");
        }
        return principal;
    }

    private static ApiException.Unauthenticated invalid() {
        return new ApiException.Unauthenticated("credentials-invalid", "The stream ticket is unknown, expired or already used; "
                + "a ticket opens one stream within " + LIFETIME.toSeconds() + " s of POST /api/v1/tenants/{tenant}/stream-tickets.");
    }

    private static String hash(String ticket) {
        return HexFormat.of().formatHex(Secrets.sha256(ticket));
    }
}
