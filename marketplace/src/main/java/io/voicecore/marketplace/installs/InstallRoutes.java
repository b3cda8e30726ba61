package io.voicecore.marketplace.installs;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;

/**
 * {@code /api/v1/tenants/{tenant}/marketplace/installs}: a tenant admin installs, changes and uninstalls marketplace
 * plugins; {@code /api/v1/marketplace/licences}: the platform admin grants licences.
 */
public final class InstallRoutes {
    private static final String BASE = "/api/v1/tenants/{tenant}/marketplace/installs";
    private static final Pattern PLAN = Pattern.compile("[a-z0-9-]{1,40}");

    private final Installs installs;
    private final TenantResolver tenants;
    private final LicenceIssuer issuer;

    public InstallRoutes(Installs installs, TenantResolver tenants, LicenceIssuer issuer) {
        this.installs = installs;
        this.tenants = tenants;
        this.issuer = issuer;
    }

    public void register(ApiRoutes api) {
        api.post(BASE, Access.AUTHENTICATED, this::install);
        api.get(BASE, Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request);
            return ApiReply.ok(Map.of("items", installs.list(tenant.id())));
        });
        api.get(BASE + "/{listing}", Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request);
            return ApiReply.ok(installs.read(tenant.id(), request.pathParam("listing")));
        });
        api.patch(BASE + "/{listing}", Access.AUTHENTICATED, this::change);
        api.delete(BASE + "/{listing}", Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
            installs.uninstall(tenant.id(), request.pathParam("listing"), request.principal());
            return ApiReply.noContent();
        });
        api.post("/api/v1/marketplace/licences", Access.AUTHENTICATED, this::grant);
        api.get("/api/v1/marketplace/licence-keys", Access.AUTHENTICATED, request -> ApiReply.ok(Map.of(
                "algorithm", "Ed25519", "encoding", "base64 of the X.509 SubjectPublicKeyInfo", "keys", issuer.publicKeys())));
    }

    private ApiReply install(ApiRequest request) {
        Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("listing", "plan", "grantedPermissions"));
        String listing = body.requiredString("listing");
        String plan = body.requiredString("plan", PLAN, "must be a plan id of the listing, e.g. 'free'");
        Set<String> granted = permissions(json, body, true).orElse(Set.of());
        body.validate();
        Map<String, Object> installed = installs.install(tenant.id(), listing, plan, granted, request.principal());
        return ApiReply.created(installed).header("Location", "/api/v1/tenants/" + tenant.id() + "/marketplace/installs/" + listing);
    }

    private ApiReply change(ApiRequest request) {
        Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("plan", "grantedPermissions"));
        Optional<String> plan = body.optionalString("plan", PLAN, "must be a plan id of the listing");
        Optional<Set<String>> granted = permissions(json, body, false);
        if (plan.isEmpty() && granted.isEmpty() && !json.has("plan")) {
            body.reject("plan", "give a plan, grantedPermissions, or both");
        }
        body.validate();
        return ApiReply.ok(installs.change(tenant.id(), request.pathParam("listing"), plan, granted, request.principal()));
    }

    private ApiReply grant(ApiRequest request) {
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("tenant", "listing", "plan", "days", "seats"));
        String tenantReference = body.requiredString("tenant");
        String listing = body.requiredString("listing");
        String plan = body.optionalString("plan", PLAN, "must be 1-40 of a-z, 0-9 and '-'").orElse("granted");
        Optional<Integer> days = wholeNumber(json, body, "days", 1, 3650);
        Optional<Integer> seats = wholeNumber(json, body, "seats", 0, 1_000_000);
        body.validate();
        Tenant tenant = tenants.resolve(tenantReference, request.principal());
        return ApiReply.created(installs.grant(tenant.id(), listing, plan, days,
                                               seats.map(OptionalInt::of).orElse(OptionalInt.empty()), request.principal()));
    }

    private static Optional<Integer> wholeNumber(JsonNode json, JsonFields body, String field, int min, int max) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < min || node.intValue() > max) {
            body.reject(field, "must be a whole number from " + min + " to " + max);
            return Optional.empty();
        }
        return Optional.of(node.intValue());
    }

    private static Optional<Set<String>> permissions(JsonNode json, JsonFields body, boolean required) {
        JsonNode node = json.get("grantedPermissions");
        if (node == null || node.isNull()) {
            if (required) {
                body.reject("grantedPermissions", "is required: the permissions of the plugin you consent to (its listing's"
                        + " 'permissions'), [] for none");
            }
            return Optional.empty();
        }
        if (!node.isArray()) {
            body.reject("grantedPermissions", "must be an array of permission names");
            return Optional.empty();
        }
        Set<String> granted = new LinkedHashSet<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                body.reject("grantedPermissions", "must be an array of permission names");
                return Optional.empty();
            }
            granted.add(item.asText());
        }
        return Optional.of(granted);
    }
}
