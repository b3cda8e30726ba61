package io.voicecore.kernel.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;

/**
 * API keys of a tenant ({@code /api/v1/tenants/{tenant}/api-keys}) and platform-level keys
 * ({@code /api/v1/api-keys}, for platform admins, developers, reviewers and resellers).
 */
public final class ApiKeyRoutes {
    private static final Pattern ROLE = Pattern.compile("[a-z-]{1,40}");

    private final ApiKeyService keys;
    private final TenantResolver resolver;

    public ApiKeyRoutes(ApiKeyService keys, TenantResolver resolver) {
        this.keys = keys;
        this.resolver = resolver;
    }

    public void register(ApiRoutes routes) {
        routes.post("/api/v1/tenants/{tenant}/api-keys", Access.AUTHENTICATED, this::createTenantKey)
                .get("/api/v1/tenants/{tenant}/api-keys", Access.AUTHENTICATED, this::listTenantKeys)
                .delete("/api/v1/tenants/{tenant}/api-keys/{keyId}", Access.AUTHENTICATED, this::revokeTenantKey)
                .post("/api/v1/api-keys", Access.AUTHENTICATED, this::createPlatformKey)
                .get("/api/v1/api-keys", Access.AUTHENTICATED, this::listPlatformKeys)
                .delete("/api/v1/api-keys/{keyId}", Access.AUTHENTICATED, this::revokePlatformKey);
    }

    private ApiReply createTenantKey(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        Request body = readBody(request, true);
        var created = keys.create(tenant.id(), body.name(), body.role(), request.principal());
        return ApiReply.created(createdView(created))
                .header("Location", "/api/v1/tenants/" + tenant.id() + "/api-keys/" + created.key().id());
    }

    private ApiReply listTenantKeys(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        int limit = Cursor.limit(request);
        return ApiReply.ok(Cursor.page(keys.page(tenant.id(), Cursor.from(request), limit + 1), limit,
                                       k -> new Cursor(k.createdAt(), k.id()), ApiKeyRoutes::view));
    }

    private ApiReply revokeTenantKey(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        return ApiReply.ok(view(keys.revoke(tenant.id(), keyId(request), request.principal())));
    }

    private ApiReply createPlatformKey(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        Request body = readBody(request, false);
        var created = keys.create(null, body.name(), body.role(), request.principal());
        return ApiReply.created(createdView(created)).header("Location", "/api/v1/api-keys/" + created.key().id());
    }

    private ApiReply listPlatformKeys(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        int limit = Cursor.limit(request);
        return ApiReply.ok(Cursor.page(keys.page(null, Cursor.from(request), limit + 1), limit,
                                       k -> new Cursor(k.createdAt(), k.id()), ApiKeyRoutes::view));
    }

    private ApiReply revokePlatformKey(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        return ApiReply.ok(view(keys.revoke(null, keyId(request), request.principal())));
    }

    private record Request(String name, Role role) {
    }

    private static Request readBody(ApiRequest request, boolean tenantKey) {
        JsonFields body = request.jsonObject().allowOnly(Set.of("name", "role"));
        String name = body.requiredString("name");
        String roleText = body.requiredString("role", ROLE, "must be a role name");
        List<String> allowed = Role.wireNames(tenantKey);
        if (!tenantKey) {
            allowed = new java.util.ArrayList<>(allowed);
        }
        Role role = null;
        if (roleText != null) {
            role = Role.fromWire(roleText).filter(r -> r.tenantScoped() == tenantKey).orElse(null);
            if (role == null) {
                body.reject("role", "must be one of " + allowed + " for " + (tenantKey ? "a tenant" : "a platform-level")
                                    + " key, not \"" + roleText + "\"");
            }
        }
        body.validate();
        return new Request(name, role);
    }

    private static UUID keyId(ApiRequest request) {
        String text = request.pathParam("keyId");
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException.NotFound("api-key-not-found", "No API key '" + text + "'; key ids are UUIDs.");
        }
    }

    private static void requirePlatformAdmin(Principal principal) {
        if (!principal.isPlatformAdmin()) {
            throw new ApiException.Forbidden("role-required", "Only a platform administrator may manage platform-level API keys.");
        }
    }

    private static Map<String, Object> createdView(ApiKeyService.Created created) {
        Map<String, Object> v = view(created.key());
        v.put("secret", created.secret());
        v.put("note", "Store this secret now: it is shown only once and cannot be recovered.");
        return v;
    }

    static Map<String, Object> view(ApiKey key) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", key.id());
        if (key.tenantId() != null) {
            v.put("tenantId", key.tenantId());
        }
        v.put("name", key.name());
        v.put("role", key.role().wireName());
        v.put("prefix", key.prefix());
        v.put("createdBy", key.createdBy());
        v.put("createdAt", key.createdAt());
        v.put("lastUsedAt", key.lastUsedAt());
        v.put("revokedAt", key.revokedAt());
        return v;
    }
}
