package io.voicecore.kernel.access;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a principal is allowed to be. Wire names are lower-case with dashes. */
public enum Role {
    /** Operates the whole platform: every tenant, every plugin. */
    PLATFORM_ADMIN("platform-admin", false),
    /** Administers one tenant: its keys, users, settings and audit log. */
    TENANT_ADMIN("tenant-admin", true),
    /** Uses one tenant's features. */
    TENANT_USER("tenant-user", true),
    /** Builds and submits marketplace plugins (marketplace issue). */
    DEVELOPER("developer", false),
    /** Reviews marketplace submissions (marketplace issue). */
    REVIEWER("reviewer", false),
    /** Packages white-label bundles (marketplace issue). */
    RESELLER("reseller", false);

    private final String wireName;
    private final boolean tenantScoped;

    Role(String wireName, boolean tenantScoped) {
        this.wireName = wireName;
        this.tenantScoped = tenantScoped;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a principal with this role always belongs to exactly one tenant. */
    public boolean tenantScoped() {
        return tenantScoped;
    }

    public static Optional<Role> fromWire(String text) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(text)).findFirst();
    }

    public static List<String> wireNames(boolean tenantScoped) {
        return Arrays.stream(values()).filter(r -> r.tenantScoped == tenantScoped).map(Role::wireName).toList();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
