package io.voicecore.kernel.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.storage.Database;

/** SQL for {@link User}s and their credentials. Runs in the caller's transaction, whose tenant scope RLS enforces. */
public final class UserRepository {
    private static final String COLUMNS = "id, tenant_id, email, display_name, role, status, totp_enabled, created_at";

    /**
     * What login and MFA checks need besides the user: never rendered, never logged.
     *
     * @param sealedTotpSeed the TOTP seed sealed by the SecretBox, present once enrollment started
     * @param totpLastStep   the time step of the last TOTP code accepted, for replay protection
     */
    public record StoredCredentials(User user, String passwordHash, Optional<byte[]> sealedTotpSeed, long totpLastStep) {
    }

    public void insert(DbExecute tx, User user, String passwordHash) {
        tx.dml("INSERT INTO kernel.users (id, tenant_id, email, display_name, role, password_hash, status, created_at) "
               + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               user.id(), user.tenantId(), user.email(), user.displayName(), user.role().wireName(), passwordHash, user.status(),
               Database.timestamp(user.createdAt()));
    }

    public Optional<User> byId(DbExecute tx, UUID tenantId, UUID userId) {
        return Database.first(tx, UserRepository::map, "SELECT " + COLUMNS + " FROM kernel.users WHERE tenant_id = ? AND id = ?",
                              tenantId, userId);
    }

    /** One page in creation order, starting after the cursor. */
    public List<User> page(DbExecute tx, UUID tenantId, Optional<Cursor> after, int limit) {
        if (after.isPresent()) {
            return Database.list(tx, UserRepository::map, "SELECT " + COLUMNS + " FROM kernel.users WHERE tenant_id = ? "
                                 + "AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?",
                                 tenantId, Database.timestamp(after.get().createdAt()), after.get().id(), limit);
        }
        return Database.list(tx, UserRepository::map, "SELECT " + COLUMNS + " FROM kernel.users WHERE tenant_id = ? "
                             + "ORDER BY created_at, id LIMIT ?", tenantId, limit);
    }

    public void update(DbExecute tx, User user) {
        tx.dml("UPDATE kernel.users SET display_name = ?, role = ?, status = ? WHERE tenant_id = ? AND id = ?",
               user.displayName(), user.role().wireName(), user.status(), user.tenantId(), user.id());
    }

    /** Email comparison ignores case, as the unique index does. */
    public Optional<StoredCredentials> credentialsByEmail(DbExecute tx, UUID tenantId, String email) {
        return Database.first(tx, UserRepository::mapCredentials, "SELECT " + COLUMNS + ", password_hash, totp_secret, totp_last_step "
                              + "FROM kernel.users WHERE tenant_id = ? AND lower(email) = lower(?)", tenantId, email);
    }

    /** The credentials of a user, locked until the transaction ends so concurrent MFA changes serialise. */
    public Optional<StoredCredentials> credentialsForUpdate(DbExecute tx, UUID tenantId, UUID userId) {
        return Database.first(tx, UserRepository::mapCredentials, "SELECT " + COLUMNS + ", password_hash, totp_secret, totp_last_step "
                              + "FROM kernel.users WHERE tenant_id = ? AND id = ? FOR UPDATE", tenantId, userId);
    }

    /**
     * Records a TOTP time step as used, only if it is later than the last one; false means the code is a replay
     * (possibly by a concurrent request that won the race).
     */
    public boolean acceptTotpStep(DbExecute tx, UUID userId, long step) {
        return tx.dml("UPDATE kernel.users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, userId, step) == 1;
    }

    /** Stores a new, not yet enabled TOTP seed (sealed), replacing any earlier unfinished enrollment. */
    public void startTotpEnrollment(DbExecute tx, UUID userId, byte[] sealedSeed) {
        tx.dml("UPDATE kernel.users SET totp_secret = ?, totp_enabled = false WHERE id = ?", sealedSeed, userId);
    }

    public void enableTotp(DbExecute tx, UUID userId) {
        tx.dml("UPDATE kernel.users SET totp_enabled = true WHERE id = ?", userId);
    }

    /** Turns TOTP off and forgets the seed; the last accepted step is kept. */
    public void disableTotp(DbExecute tx, UUID userId) {
        tx.dml("UPDATE kernel.users SET totp_secret = NULL, totp_enabled = false WHERE id = ?", userId);
    }

    /** Makes every session issued to the user up to {@code at} invalid. */
    public void invalidateSessionsBefore(DbExecute tx, UUID userId, Instant at) {
        tx.dml("UPDATE kernel.users SET sessions_valid_after = ? WHERE id = ?", Database.timestamp(at), userId);
    }

    static User map(DbRow row) {
        return new User(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"), Database.text(row, "email"),
                        Database.text(row, "display_name"), Role.fromWire(Database.text(row, "role")).orElseThrow(),
                        Database.text(row, "status"), row.column("totp_enabled").get(Boolean.class),
                        Database.instant(row, "created_at"));
    }

    private static StoredCredentials mapCredentials(DbRow row) {
        Optional<byte[]> seed = row.column("totp_secret").asOptional().map(byte[].class::cast);
        return new StoredCredentials(map(row), Database.text(row, "password_hash"), seed,
                                     row.column("totp_last_step").get(Long.class));
    }
}
