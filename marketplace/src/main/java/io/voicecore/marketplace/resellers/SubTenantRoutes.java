package io.voicecore.marketplace.resellers;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.kernel.tenancy.admin.TenantService;
import io.voicecore.marketplace.MarketplaceRefusal;

/**
 * {@code /api/v1/resellers/{reseller}/tenants}: a reseller's sub-tenants and its support sessions in them; and
 * {@code /api/v1/tenants/{tenant}/marketplace/support-grants}: a sub-tenant admin's grants of support access.
 */
public final class SubTenantRoutes {
    private static final String BASE = ResellerRoutes.BASE + "/{reseller}/tenants";
    private static final String GRANTS = "/api/v1/tenants/{tenant}/marketplace/support-grants";

    private final Resellers resellers;
    private final SubTenants subTenants;
    private final SupportAccess support;
    private final TenantResolver tenants;

    public SubTenantRoutes(Resellers resellers, SubTenants subTenants, SupportAccess support, TenantResolver tenants) {
        this.resellers = resellers;
        this.subTenants = subTenants;
        this.support = support;
        this.tenants = tenants;
    }

    public void register(ApiRoutes api) {
        api.post(BASE, Access.AUTHENTICATED, this::create);
        api.get(BASE, Access.AUTHENTICATED, request ->
                ApiReply.ok(subTenants.page(reseller(request), Cursor.from(request), Cursor.limit(request))));
        api.get(BASE + "/{tenant}", Access.AUTHENTICATED, request -> {
            Reseller reseller = reseller(request);
            Map<String, Object> view = subTenants.read(reseller, request.pathParam("tenant"));
            view.put("support", support.resellerView(reseller, (UUID) view.get("id")));
            return ApiReply.ok(view);
        });
        api.delete(BASE + "/{tenant}", Access.AUTHENTICATED, request -> {
            subTenants.delete(reseller(request), request.pathParam("tenant"), request.principal());
            return ApiReply.noContent();
        });
        api.post(BASE + "/{tenant}/suspension", Access.AUTHENTICATED, request ->
                ApiReply.ok(subTenants.setActive(reseller(request), request.pathParam("tenant"), false, request.principal())));
        api.delete(BASE + "/{tenant}/suspension", Access.AUTHENTICATED, request ->
                ApiReply.ok(subTenants.setActive(reseller(request), request.pathParam("tenant"), true, request.principal())));
        api.post(BASE + "/{tenant}/support-sessions", Access.AUTHENTICATED, this::openSession);

        api.post(GRANTS, Access.AUTHENTICATED, this::grant);
        api.get(GRANTS, Access.AUTHENTICATED, request ->
                ApiReply.ok(Map.of("items", support.grants(tenants.resolve(request, Role.TENANT_ADMIN)))));
        api.delete(GRANTS + "/{grant}", Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
            UUID grant = parseId(request.pathParam("grant")).orElseThrow(() -> MarketplaceRefusal.notFound("support-grant-not-found",
                    "No support grant '" + request.pathParam("grant") + "' in this tenant."));
            return ApiReply.ok(support.revoke(tenant, grant, request.principal()));
        });
    }

    private Reseller reseller(ApiRequest request) {
        return resellers.actingAs(request.pathParam("reseller"), request.principal());
    }

    private ApiReply create(ApiRequest request) {
        Reseller reseller = reseller(request);
        JsonFields body = request.jsonObject().allowOnly(Set.of("name", "slug", "bundle"));
        String name = body.requiredString("name");
        String slug = body.requiredString("slug", TenantService.SLUG, TenantService.SLUG_RULE);
        Optional<String> bundle = body.optionalString("bundle");
        if (name != null && (name.isBlank() || name.length() > 200)) {
            body.reject("name", "must be 1 to 200 characters");
        }
        if (bundle.isPresent() && bundle.get().isBlank()) {
            body.reject("bundle", "must name one of the reseller's bundles (its id or name), or be left out");
        }
        body.validate();
        SubTenants.Created created = subTenants.create(reseller, name.strip(), slug, bundle, request.principal());
        Map<String, Object> view = subTenants.read(reseller, created.tenant().id().toString());
        view.put("apiKey", created.apiKey());
        view.put("apiKeyNote", "A tenant-admin key of the new tenant, shown only this once: hand it to the tenant's administrator.");
        return ApiReply.created(view).header("Location", BASE.replace("{reseller}", reseller.id().toString()) + "/" + created.tenant().id());
    }

    private ApiReply grant(ApiRequest request) {
        Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("hours", "reason"));
        String reason = body.requiredString("reason");
        JsonNode hoursNode = json.isObject() ? json.get("hours") : null;
        int hours = 0;
        if (hoursNode == null || !hoursNode.canConvertToInt() || !hoursNode.isIntegralNumber()
            || hoursNode.intValue() < 1 || hoursNode.intValue() > SupportAccess.MAX_HOURS) {
            body.reject("hours", "must be a whole number of hours from 1 to " + SupportAccess.MAX_HOURS);
        } else {
            hours = hoursNode.intValue();
        }
        if (reason != null && (reason.isBlank() || reason.length() > 500)) {
            body.reject("reason", "must be 1 to 500 characters saying why support needs access");
        }
        body.validate();
        return ApiReply.created(support.grant(tenant, hours, reason.strip(), request.principal()));
    }

    private ApiReply openSession(ApiRequest request) {
        Reseller reseller = reseller(request);
        SupportAccess.Opened opened = support.open(reseller, request.pathParam("tenant"), request.principal());
        return ApiReply.created(Map.of("token", opened.token(), "sessionId", opened.sessionId(), "userId", opened.userId(),
                                       "role", Role.TENANT_USER.wireName(), "expiresAt", opened.expiresAt(), "grant", opened.grantId(),
                                       "tokenNote", "Use as 'Authorization: Bearer <token>' on the tenant's own API until expiresAt;"
                                                    + " it ends earlier when the tenant revokes its grant."));
    }

    private static Optional<UUID> parseId(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
