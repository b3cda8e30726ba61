package io.voicecore.kernel.identity;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.storage.Database;

/** Creates, lists and changes the users of a tenant. */
public final class UserService {
    private final Database database;
    private final UserRepository users;
    private final PasswordHasher hasher;
    private final SessionService sessions;
    private final AuditLog audit;
    private final Clock clock;

    public UserService(Database database, UserRepository users, PasswordHasher hasher, SessionService sessions, AuditLog audit,
                       Clock clock) {
        this.database = database;
        this.users = users;
        this.hasher = hasher;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Creates an active user; the password must already satisfy {@link PasswordHasher#policyViolation}. */
    public User create(UUID tenantId, String email, String password, Role role, Optional<String> displayName, Principal creator) {
        // Hashed before the transaction opens: Argon2 is deliberately slow and needs no connection.
        String passwordHash = hasher.hash(password);
        User user = new User(UUID.randomUUID(), tenantId, email, displayName.orElse(null), role, User.ACTIVE, false,
                             clock.instant().truncatedTo(ChronoUnit.MICROS));
        try {
            database.inTenant(tenantId, tx -> {
                users.insert(tx, user, passwordHash);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("email", email);
                details.put("role", role.wireName());
                audit.append(tx, AuditEvent.success(tenantId, creator.actorId(), "user.create", "user:" + user.id(), details));
                return null;
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw new ApiException.Conflict("user-email-taken", "This tenant already has a user with email '" + email
                                                                    + "'; emails are unique per tenant, ignoring case.");
            }
            throw e;
        }
        return user;
    }

    public List<User> page(UUID tenantId, Optional<Cursor> after, int limit) {
        return database.inTenant(tenantId, tx -> users.page(tx, tenantId, after, limit));
    }

    public User get(UUID tenantId, UUID userId) {
        return database.inTenant(tenantId, tx -> users.byId(tx, tenantId, userId)).orElseThrow(() -> notFound(userId));
    }

    /**
     * Changes role, status or display name. Disabling a user or changing its role ends all its sessions,
     * so neither a disabled account nor an outdated role keeps working through an existing token.
     */
    public User update(UUID tenantId, UUID userId, Optional<Role> role, Optional<String> status, Optional<String> displayName,
                       Principal actor) {
        record Updated(User user, List<UUID> revokedSessions) {
        }
        Updated updated = database.inTenant(tenantId, tx -> {
            User current = users.byId(tx, tenantId, userId).orElseThrow(() -> notFound(userId));
            User changed = current.with(role.orElse(current.role()), status.orElse(current.status()),
                                        displayName.orElse(current.displayName()));
            boolean roleChanged = changed.role() != current.role();
            boolean statusChanged = !changed.status().equals(current.status());
            if ((roleChanged || statusChanged) && actor.actorId().equals(current.actorId())) {
                throw new ApiException.Forbidden("self-change-refused", "You cannot change your own role or status, so that a "
                        + "tenant is never left without an administrator by mistake; ask another tenant administrator.");
            }
            Map<String, Object> changes = new LinkedHashMap<>();
            if (roleChanged) changes.put("role", changed.role().wireName());
            if (statusChanged) changes.put("status", changed.status());
            if (!Objects.equals(changed.displayName(), current.displayName())) changes.put("displayName", changed.displayName());
            if (changes.isEmpty()) {
                return new Updated(current, List.of());
            }
            users.update(tx, changed);
            List<UUID> revoked = roleChanged || (statusChanged && !changed.active())
                    ? sessions.revokeAll(tx, users, userId) : List.<UUID>of();
            if (!revoked.isEmpty()) {
                changes.put("sessionsRevoked", revoked.size());
            }
            audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "user.update", "user:" + userId, changes));
            return new Updated(changed, revoked);
        });
        sessions.forgetRevoked(updated.revokedSessions());
        return updated.user();
    }

    static ApiException.NotFound notFound(UUID userId) {
        return new ApiException.NotFound("user-not-found", "No user " + userId + " in this tenant.");
    }
}
