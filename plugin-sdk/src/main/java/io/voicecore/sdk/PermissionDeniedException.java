package io.voicecore.sdk;

/**
 * A capability was used without the permission for it: the manifest does not declare it, or the tenant
 * did not grant it, or (for egress, events, services) the target is not one the manifest lists. The kernel
 * answers a route that lets it escape with 403.
 */
public final class PermissionDeniedException extends PluginProblem {
    private final String permission;

    /**
     * @param permission the permission that was missing, e.g. {@code http:egress}
     * @param detail     what was attempted and why it was refused
     */
    public PermissionDeniedException(String permission, String detail) {
        super(403, "permission-denied", detail);
        this.permission = permission;
    }

    /** @return the missing permission */
    public String permission() {
        return permission;
    }
}
