package io.voicecore.kernel.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
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
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.tenancy.TenantResolver;

/**
 * Audit log listing, export and chain verification: {@code /api/v1/audit...} for platform
 * administrators over every chain, {@code /api/v1/tenants/{tenant}/audit...} for a tenant's
 * administrators over that tenant's records only (row-level security confines the reads).
 */
public final class AuditRoutes {
    private final Database database;
    private final TenantRepository tenants;
    private final TenantResolver resolver;
    private final AuditRepository repository = new AuditRepository();
    private final AuditExport export;
    private final AuditChainVerifier verifier;

    public AuditRoutes(Database database, TenantRepository tenants, TenantResolver resolver) {
        this.database = database;
        this.tenants = tenants;
        this.resolver = resolver;
        this.export = new AuditExport(database, repository);
        this.verifier = new AuditChainVerifier(database, repository);
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/audit", Access.AUTHENTICATED, this::listPlatform)
                .get("/api/v1/audit/export", Access.AUTHENTICATED, this::exportPlatform)
                .get("/api/v1/audit/verify", Access.AUTHENTICATED, this::verifyPlatform)
                .get("/api/v1/tenants/{tenant}/audit", Access.AUTHENTICATED, this::listTenant)
                .get("/api/v1/tenants/{tenant}/audit/export", Access.AUTHENTICATED, this::exportTenant)
                .get("/api/v1/tenants/{tenant}/audit/verify", Access.AUTHENTICATED, this::verifyTenant);
    }

    private ApiReply listPlatform(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        AuditFilter filter = AuditFilter.from(request, tenantParameter(request).map(Tenant::id));
        return list(request, TenantScope.platform(), filter);
    }

    private ApiReply listTenant(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        return list(request, TenantScope.tenant(tenant.id()), tenantFilter(request, tenant));
    }

    private ApiReply exportPlatform(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        Optional<Tenant> tenant = tenantParameter(request);
        AuditFilter filter = AuditFilter.from(request, tenant.map(Tenant::id));
        AuditExport.Format format = AuditExport.Format.from(request.query("format"));
        return export.reply(TenantScope.platform(), filter, format, tenant.map(Tenant::slug).orElse("all"));
    }

    private ApiReply exportTenant(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        AuditFilter filter = tenantFilter(request, tenant);
        AuditExport.Format format = AuditExport.Format.from(request.query("format"));
        return export.reply(TenantScope.tenant(tenant.id()), filter, format, tenant.slug());
    }

    private ApiReply verifyPlatform(ApiRequest request) {
        requirePlatformAdmin(request.principal());
        Optional<String> chain = request.query("chain");
        if (chain.isEmpty()) {
            return ApiReply.ok(view(verifier.verifyAll()));
        }
        String name = chain.get();
        if (!name.equals(AuditLog.PLATFORM_CHAIN) && TenantRepository.parseId(name).isEmpty()) {
            throw new ApiException.BadRequest("Query parameter 'chain' must be '" + AuditLog.PLATFORM_CHAIN
                                              + "' or a tenant id (a UUID), not '" + name + "'; omit it to verify every chain.");
        }
        AuditChainVerifier.ChainReport report = verifier.verifyChain(name).orElseThrow(() -> new ApiException.NotFound(
                "audit-chain-not-found", "There is no audit chain '" + name + "'; tenant chains are named by the tenant's id."));
        return ApiReply.ok(view(new AuditChainVerifier.Verification(List.of(report))));
    }

    private ApiReply verifyTenant(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        return ApiReply.ok(view(new AuditChainVerifier.Verification(List.of(verifier.verifyTenant(tenant.id())))));
    }

    private ApiReply list(ApiRequest request, TenantScope scope, AuditFilter filter) {
        int limit = Cursor.limit(request);
        Optional<AuditCursor> after = AuditCursor.from(request);
        List<AuditRecord> fetched = database.inScope(scope, tx -> repository.page(tx, filter, after, limit + 1));
        boolean more = fetched.size() > limit;
        List<AuditRecord> items = more ? fetched.subList(0, limit) : fetched;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items.stream().map(AuditRoutes::view).toList());
        body.put("next", more ? AuditCursor.after(items.get(items.size() - 1)).encode() : null);
        return ApiReply.ok(body);
    }

    /** The filter of a tenant endpoint: always that tenant, which the path already names. */
    private static AuditFilter tenantFilter(ApiRequest request, Tenant tenant) {
        if (request.query("tenant").isPresent()) {
            throw new ApiException.BadRequest("Query parameter 'tenant' is only for /api/v1/audit; this endpoint already "
                                              + "covers tenant '" + tenant.slug() + "' alone.");
        }
        return AuditFilter.from(request, Optional.of(tenant.id()));
    }

    /** The {@code tenant} filter of the platform endpoints, given as an id or a slug. */
    private Optional<Tenant> tenantParameter(ApiRequest request) {
        return request.query("tenant").map(reference -> database.inPlatform(
                tx -> tenants.byReference(tx, reference))
                .orElseThrow(() -> new ApiException.BadRequest("Query parameter 'tenant' names no tenant ('" + reference
                                                               + "'); give a tenant's id or slug.")));
    }

    private static void requirePlatformAdmin(Principal principal) {
        if (!principal.isPlatformAdmin()) {
            throw new ApiException.Forbidden("role-required", "Only a platform administrator may read the platform-wide audit log; "
                    + "tenant administrators use /api/v1/tenants/{tenant}/audit.");
        }
    }

    /** The wire form of one record, shared by listing and JSON Lines export. */
    static Map<String, Object> view(AuditRecord r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("tenantId", r.tenantId());
        v.put("chain", r.chain());
        v.put("seq", r.seq());
        v.put("actor", r.actor());
        v.put("action", r.action());
        v.put("target", r.target());
        v.put("outcome", r.outcome());
        v.put("requestId", r.requestId());
        v.put("details", details(r.details()));
        v.put("occurredAt", r.occurredAt());
        v.put("hash", r.hash());
        v.put("prevHash", r.prevHash());
        return v;
    }

    /** Details are stored as JSON text; text that no longer parses (a tampered row) is shown as it is rather than failing. */
    private static JsonNode details(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    private static Map<String, Object> view(AuditChainVerifier.Verification verification) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", verification.valid());
        body.put("chains", verification.chains().stream().map(AuditRoutes::view).toList());
        return body;
    }

    private static Map<String, Object> view(AuditChainVerifier.ChainReport report) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("chain", report.chain());
        v.put("records", report.records());
        v.put("valid", report.valid());
        v.put("firstBrokenLink", report.firstBrokenLink().map(link -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("seq", link.seq());
            l.put("id", link.id().orElse(null));
            l.put("reason", link.reason());
            return l;
        }).orElse(null));
        return v;
    }

}
