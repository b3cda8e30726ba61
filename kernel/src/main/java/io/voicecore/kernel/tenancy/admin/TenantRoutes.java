package io.voicecore.kernel.tenancy.admin;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantDirectory;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.tenancy.TenantResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.storage.Database;

/** {@code /api/v1/tenants}: create, list, read and update tenants. */
public final class TenantRoutes {
    private static final Pattern PLAN = Pattern.compile("[a-z0-9-]{1,40}");

    private final Database database;
    private final TenantRepository tenants;
    private final TenantResolver resolver;
    private final TenantDirectory directory;
    private final AuditLog audit;
    private final TenantService service;

    public TenantRoutes(Database database, TenantRepository tenants, TenantResolver resolver, TenantDirectory directory,
                        AuditLog audit, TenantService service) {
        this.database = database;
        this.tenants = tenants;
        this.resolver = resolver;
        this.directory = directory;
        this.audit = audit;
        this.service = service;
    }

    public void register(ApiRoutes routes) {
        routes.post("/api/v1/tenants", Access.AUTHENTICATED, this::create)
                .get("/api/v1/tenants", Access.AUTHENTICATED, this::list)
                .get("/api/v1/tenants/{tenant}", Access.AUTHENTICATED, this::read)
                .patch("/api/v1/tenants/{tenant}", Access.AUTHENTICATED, this::update);
    }

    private ApiReply create(ApiRequest request) {
        Principal principal = request.principal();
        requirePlatformAdmin(principal);
        JsonFields body = request.jsonObject().allowOnly(Set.of("name", "slug", "planTier", "mfaRequired"));
        String name = body.requiredString("name");
        String slug = body.requiredString("slug", TenantService.SLUG, TenantService.SLUG_RULE);
        String plan = body.optionalString("planTier", PLAN, "must be 1-40 lower-case letters, digits or dashes").orElse("standard");
        boolean mfa = body.optionalBoolean("mfaRequired").orElse(false);
        body.validate();
        Tenant tenant = service.create(slug, name, plan, mfa, principal);
        return ApiReply.created(view(tenant)).header("Location", "/api/v1/tenants/" + tenant.id());
    }

    private ApiReply list(ApiRequest request) {
        Principal principal = request.principal();
        int limit = Cursor.limit(request);
        var after = Cursor.from(request);
        // A tenant principal lists through its own scope: RLS leaves only its tenant.
        var fetched = principal.isPlatformAdmin()
                ? database.inPlatform(tx -> tenants.page(tx, after, limit + 1))
                : database.inTenant(principal.tenantId().orElseThrow(() -> new ApiException.Forbidden("role-required",
                        "Only platform administrators and tenant principals can list tenants.")),
                                    tx -> tenants.page(tx, after, limit + 1));
        return ApiReply.ok(Cursor.page(fetched, limit, t -> new Cursor(t.createdAt(), t.id()), TenantRoutes::view));
    }

    private ApiReply read(ApiRequest request) {
        return ApiReply.ok(view(resolver.resolve(request)));
    }

    private ApiReply update(ApiRequest request) {
        Principal principal = request.principal();
        Tenant current = resolver.resolve(request, Role.TENANT_ADMIN);
        JsonFields body = request.jsonObject().allowOnly(Set.of("name", "planTier", "status", "mfaRequired"));
        String name = body.optionalString("name").orElse(current.name());
        String plan = body.optionalString("planTier", PLAN, "must be 1-40 lower-case letters, digits or dashes").orElse(current.planTier());
        String status = body.optionalString("status", Pattern.compile("active|suspended"), "must be 'active' or 'suspended'")
                .orElse(current.status());
        boolean mfa = body.optionalBoolean("mfaRequired").orElse(current.mfaRequired());
        body.validate();
        if (!principal.isPlatformAdmin() && (!plan.equals(current.planTier()) || !status.equals(current.status()))) {
            throw new ApiException.Forbidden("role-required", "Only a platform administrator may change a tenant's plan tier or status.");
        }
        Tenant updated = new Tenant(current.id(), current.slug(), name, plan, status, mfa, current.createdAt());
        Map<String, Object> changes = new LinkedHashMap<>();
        if (!name.equals(current.name())) changes.put("name", name);
        if (!plan.equals(current.planTier())) changes.put("planTier", plan);
        if (!status.equals(current.status())) changes.put("status", status);
        if (mfa != current.mfaRequired()) changes.put("mfaRequired", mfa);
        database.inTenant(current.id(), tx -> {
            tenants.update(tx, updated);
            audit.append(tx, AuditEvent.success(current.id(), principal.actorId(), "tenant.update", "tenant:" + current.slug(), changes));
            return null;
        });
        directory.changed(current.id());
        return ApiReply.ok(view(updated));
    }

    static void requirePlatformAdmin(Principal principal) {
        if (!principal.isPlatformAdmin()) {
            throw new ApiException.Forbidden("role-required", "Only a platform administrator may do this; your credential has role '"
                                                              + principal.role().wireName() + "'.");
        }
    }

    static Map<String, Object> view(Tenant t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("slug", t.slug());
        v.put("name", t.name());
        v.put("planTier", t.planTier());
        v.put("status", t.status());
        v.put("mfaRequired", t.mfaRequired());
        v.put("createdAt", t.createdAt());
        return v;
    }
}
