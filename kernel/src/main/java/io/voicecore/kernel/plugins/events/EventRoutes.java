package io.voicecore.kernel.plugins.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.TenantScope;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;

/**
 * Dead letters of plugin events: {@code /api/v1/tenants/{tenant}/events/dead-letters} for the tenant's
 * administrators (listing and replay), {@code /api/v1/events/dead-letters} for platform administrators
 * across tenants. Lists are cursor-paginated, oldest death first.
 */
public final class EventRoutes {
    private final DeadLetters deadLetters;
    private final TenantResolver resolver;

    public EventRoutes(Database database, AuditLog audit, EventBus bus, TenantResolver resolver) {
        this.deadLetters = new DeadLetters(database, audit, bus);
        this.resolver = resolver;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/tenants/{tenant}/events/dead-letters", Access.AUTHENTICATED, this::listTenant)
                .post("/api/v1/tenants/{tenant}/events/dead-letters/{eventId}/{subscriber}/replay", Access.AUTHENTICATED, this::replay)
                .get("/api/v1/events/dead-letters", Access.AUTHENTICATED, this::listPlatform);
    }

    private ApiReply listTenant(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        return list(request, TenantScope.tenant(tenant.id()), Optional.of(tenant.id()));
    }

    private ApiReply listPlatform(ApiRequest request) {
        if (!request.principal().isPlatformAdmin()) {
            throw new ApiException.Forbidden("role-required", "Only a platform administrator may list the dead letters of every "
                                             + "tenant; tenant administrators use /api/v1/tenants/{tenant}/events/dead-letters.");
        }
        return list(request, TenantScope.platform(), Optional.empty());
    }

    private ApiReply replay(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        String eventText = request.pathParam("eventId");
        String subscriber = request.pathParam("subscriber");
        UUID eventId;
        try {
            eventId = UUID.fromString(eventText);
        } catch (IllegalArgumentException e) {
            throw new ApiException.NotFound("dead-letter-not-found", "No event '" + eventText + "'; event ids are UUIDs.");
        }
        DeadLetter replayed = deadLetters.replay(tenant.id(), eventId, subscriber, request.principal());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", replayed.eventId());
        body.put("subscriber", replayed.subscriber());
        body.put("tenantId", replayed.tenantId());
        body.put("topic", replayed.topic());
        body.put("status", "pending");
        body.put("attempts", 0);
        body.put("previousAttempts", replayed.attempts());
        return ApiReply.ok(body);
    }

    private ApiReply list(ApiRequest request, TenantScope scope, Optional<UUID> tenantId) {
        int limit = Cursor.limit(request);
        List<DeadLetter> fetched = deadLetters.page(scope, tenantId, DeadLetterCursor.from(request), limit + 1);
        boolean more = fetched.size() > limit;
        List<DeadLetter> items = more ? fetched.subList(0, limit) : fetched;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items.stream().map(EventRoutes::view).toList());
        body.put("next", more ? DeadLetterCursor.after(items.get(items.size() - 1)).encode() : null);
        return ApiReply.ok(body);
    }

    static Map<String, Object> view(DeadLetter letter) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("eventId", letter.eventId());
        v.put("tenantId", letter.tenantId());
        v.put("topic", letter.topic());
        v.put("publisher", letter.publisher());
        v.put("subscriber", letter.subscriber());
        v.put("attempts", letter.attempts());
        v.put("lastError", letter.lastError());
        v.put("lastAttemptAt", letter.lastAttemptAt());
        v.put("occurredAt", letter.occurredAt());
        v.put("payload", payload(letter.payload()));
        return v;
    }

    /** The payload as JSON; it was written by the SDK's JSON writer, so reading it back cannot normally fail. */
    private static Object payload(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return text;
        }
    }
}
