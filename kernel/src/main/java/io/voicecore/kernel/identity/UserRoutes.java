package io.voicecore.kernel.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

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

/** {@code /api/v1/tenants/{tenant}/users}: the tenant's user accounts, managed by tenant administrators. */
public final class UserRoutes {
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final String EMAIL_RULE = "must be an email address such as 'ana@example.com' (at most 254 characters)";
    private static final List<String> USER_ROLES = Role.wireNames(true);
    private static final Pattern STATUS = Pattern.compile(User.ACTIVE + "|" + User.DISABLED);

    private final UserService users;
    private final TenantResolver resolver;

    public UserRoutes(UserService users, TenantResolver resolver) {
        this.users = users;
        this.resolver = resolver;
    }

    public void register(ApiRoutes routes) {
        routes.post("/api/v1/tenants/{tenant}/users", Access.AUTHENTICATED, this::create)
                .get("/api/v1/tenants/{tenant}/users", Access.AUTHENTICATED, this::list)
                .get("/api/v1/tenants/{tenant}/users/{userId}", Access.AUTHENTICATED, this::read)
                .patch("/api/v1/tenants/{tenant}/users/{userId}", Access.AUTHENTICATED, this::update);
    }

    private ApiReply create(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        JsonFields body = request.jsonObject().allowOnly(Set.of("email", "password", "role", "displayName"));
        String email = body.requiredString("email", EMAIL, EMAIL_RULE);
        if (email != null && email.length() > 254) {
            body.reject("email", EMAIL_RULE);
        }
        String password = body.requiredSecret("password", 4 * PasswordHasher.MAX_LENGTH);
        if (password != null) {
            PasswordHasher.policyViolation(password).ifPresent(problem -> body.reject("password", problem));
        }
        Role role = readRole(body, body.requiredString("role")).orElse(null);
        Optional<String> displayName = readDisplayName(body);
        body.validate();
        User user = users.create(tenant.id(), email, password, role, displayName, request.principal());
        return ApiReply.created(view(user)).header("Location", "/api/v1/tenants/" + tenant.id() + "/users/" + user.id());
    }

    private ApiReply list(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        int limit = Cursor.limit(request);
        return ApiReply.ok(Cursor.page(users.page(tenant.id(), Cursor.from(request), limit + 1), limit,
                                       u -> new Cursor(u.createdAt(), u.id()), UserRoutes::view));
    }

    private ApiReply read(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        return ApiReply.ok(view(users.get(tenant.id(), userId(request))));
    }

    private ApiReply update(ApiRequest request) {
        Tenant tenant = resolver.resolve(request, Role.TENANT_ADMIN);
        UUID userId = userId(request);
        JsonFields body = request.jsonObject().allowOnly(Set.of("role", "status", "displayName"));
        Optional<Role> role = body.optionalString("role").flatMap(text -> readRole(body, text));
        Optional<String> status = body.optionalString("status", STATUS, "must be 'active' or 'disabled'");
        Optional<String> displayName = readDisplayName(body);
        body.validate();
        return ApiReply.ok(view(users.update(tenant.id(), userId, role, status, displayName, request.principal())));
    }

    private static Optional<Role> readRole(JsonFields body, String text) {
        if (text == null) {
            return Optional.empty();
        }
        Optional<Role> role = Role.fromWire(text).filter(Role::tenantScoped);
        if (role.isEmpty()) {
            body.reject("role", "must be one of " + USER_ROLES + ", not \"" + text + "\"");
        }
        return role;
    }

    private static Optional<String> readDisplayName(JsonFields body) {
        Optional<String> name = body.optionalString("displayName");
        if (name.isPresent() && name.get().length() > 200) {
            body.reject("displayName", "must be at most 200 characters");
            return Optional.empty();
        }
        return name;
    }

    private static UUID userId(ApiRequest request) {
        String text = request.pathParam("userId");
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException.NotFound("user-not-found", "No user '" + text + "'; user ids are UUIDs.");
        }
    }

    /** What the API shows of a user: never the password hash or the TOTP seed. */
    static Map<String, Object> view(User user) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", user.id());
        v.put("email", user.email());
        v.put("role", user.role().wireName());
        v.put("displayName", user.displayName());
        v.put("status", user.status());
        v.put("mfaEnabled", user.mfaEnabled());
        v.put("createdAt", user.createdAt());
        return v;
    }
}
