package io.voicecore.kernel.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.TenantScope;
import io.voicecore.kernel.tenancy.TenantDirectory;

/** Creates, lists, revokes and verifies API keys ({@code vck_...}). */
public final class ApiKeyService {
    public static final String PREFIX = "vck_";
    /** Prefix of the credential id of a key's principal: {@code api-key:<key id>}. */
    public static final String CREDENTIAL_PREFIX = "api-key:";
    private static final Duration TOUCH_INTERVAL = Duration.ofSeconds(60);
    private static final String COLUMNS = "id, tenant_id, name, role, prefix, created_by, created_at, last_used_at, revoked_at";

    /** A key just created, with its secret: the only moment the secret exists outside the caller. */
    public record Created(ApiKey key, String secret) {
    }

    /** Whether a key still stands, cached by its id next to the keys by secret (a revocation forgets both). */
    private record KeyStanding(UUID tenantId, boolean revoked) {
    }

    /** What authentication needs of a key, cached by the hash of its secret; the principal is made once. */
    private record StoredKey(UUID id, UUID tenantId, Role role, boolean revoked, Principal principal) {
        StoredKey(UUID id, UUID tenantId, Role role, boolean revoked) {
            this(id, tenantId, role, revoked, new Principal("api-key:" + id, role, Optional.ofNullable(tenantId), "api-key:" + id, false));
        }
    }

    private final Database database;
    private final AuditLog audit;
    private final SharedState state;
    private final TenantDirectory tenants;
    private final NearCache keys;
    private final Clock clock;
    private final java.util.Map<UUID, Long> touchAsked = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param keys caches keys by secret hash on this node; {@link #revoke} invalidates it on every node
     */
    public ApiKeyService(Database database, AuditLog audit, SharedState state, TenantDirectory tenants, NearCache keys,
                         Clock clock) {
        this.database = database;
        this.audit = audit;
        this.state = state;
        this.tenants = tenants;
        this.keys = keys;
        this.clock = clock;
    }

    /** Creates a key for a tenant, or a platform-level key when {@code tenantId} is null. */
    public Created create(UUID tenantId, String name, Role role, Principal creator) {
        return database.inScope(scope(tenantId), tx -> create(tx, tenantId, name, role, creator));
    }

    /**
     * Creates a key inside the caller's transaction (in a scope that sees {@code tenantId}'s rows), so that it exists
     * exactly when what the caller records with it does, e.g. a marketplace publisher and its developer key.
     */
    public Created create(DbExecute tx, UUID tenantId, String name, Role role, Principal creator) {
        String secret = PREFIX + Secrets.random(40);
        ApiKey key = new ApiKey(UUID.randomUUID(), tenantId, name, role, secret.substring(0, 12), creator.actorId(),
                                clock.instant().truncatedTo(ChronoUnit.MICROS), null, null);
        tx.dml("INSERT INTO kernel.api_keys (id, tenant_id, name, role, prefix, secret_hash, created_by, created_at) "
               + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               key.id(), tenantId, name, role.wireName(), key.prefix(), Secrets.sha256(secret), key.createdBy(),
               Database.timestamp(key.createdAt()));
        audit.append(tx, AuditEvent.success(tenantId, creator.actorId(), "api-key.create", "api-key:" + key.id(),
                                            Map.of("name", name, "role", role.wireName())));
        return new Created(key, secret);
    }

    public List<ApiKey> page(UUID tenantId, Optional<Cursor> after, int limit) {
        String where = tenantId == null ? "tenant_id IS NULL" : "tenant_id = ?";
        return database.inScope(scope(tenantId), tx -> {
            Object[] base = tenantId == null ? new Object[0] : new Object[] {tenantId};
            if (after.isPresent()) {
                return Database.list(tx, ApiKeyService::map, "SELECT " + COLUMNS + " FROM kernel.api_keys WHERE " + where
                                     + " AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?",
                                     append(base, Database.timestamp(after.get().createdAt()), after.get().id(), limit));
            }
            return Database.list(tx, ApiKeyService::map, "SELECT " + COLUMNS + " FROM kernel.api_keys WHERE " + where
                                 + " ORDER BY created_at, id LIMIT ?", append(base, limit));
        });
    }

    /** Revokes a key; its next use fails. Revoking twice is harmless. */
    public ApiKey revoke(UUID tenantId, UUID keyId, Principal actor) {
        ApiKey revoked = database.inScope(scope(tenantId), tx -> {
            ApiKey key = find(tx, tenantId, keyId).orElseThrow(() -> new ApiException.NotFound("api-key-not-found",
                    "No API key " + keyId + " in this " + (tenantId == null ? "platform" : "tenant") + "."));
            if (key.revokedAt() == null) {
                tx.dml("UPDATE kernel.api_keys SET revoked_at = now() WHERE id = ?", keyId);
                audit.append(tx, AuditEvent.success(tenantId, actor.actorId(), "api-key.revoke", "api-key:" + keyId,
                                                    Map.of("name", key.name())));
            }
            return find(tx, tenantId, keyId).orElseThrow();
        });
        // Revocations are rare: forgetting every cached key spares storing the hash this needs.
        keys.invalidateAll();
        return revoked;
    }

    /** The principal a key secret stands for, or 401 (unknown or revoked key), or 403 when its tenant is suspended. */
    public Principal authenticate(String secret) {
        byte[] hash = Secrets.sha256(secret);
        // The hash's bytes as a Latin-1 string: a cache key as unique as the hash, without formatting it.
        StoredKey key = keys.get(new String(hash, java.nio.charset.StandardCharsets.ISO_8859_1), () -> database.inPlatform(tx -> tx.get(
                "SELECT id, tenant_id, role, revoked_at IS NOT NULL AS revoked FROM kernel.api_keys WHERE secret_hash = ?", hash)
                .map(row -> new StoredKey(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"),
                                          Role.fromWire(Database.text(row, "role")).orElseThrow(),
                                          row.column("revoked").get(Boolean.class)))))
                .orElseThrow(() -> new ApiException.Unauthenticated("credentials-invalid",
                        "The API key is not valid. Check that it was copied whole; keys are shown only once at creation."));
        if (key.revoked()) {
            throw new ApiException.Unauthenticated("credentials-revoked", "This API key was revoked; create a new one.");
        }
        if (key.tenantId() != null && !tenants.byId(key.tenantId()).map(t -> "active".equals(t.status())).orElse(false)) {
            throw new ApiException.Forbidden("tenant-suspended", "The tenant of this API key is suspended.");
        }
        touch(key.id(), key.tenantId());
        return key.principal();
    }

    /**
     * Whether the key of a principal that authenticated earlier still stands: not revoked, not deleted, its tenant not
     * suspended. Cached on this node like the keys themselves, and forgotten on every node when any key is revoked.
     */
    public boolean stands(UUID keyId) {
        Optional<KeyStanding> key = keys.get("id:" + keyId, () -> database.inPlatform(tx -> tx.get(
                "SELECT tenant_id, revoked_at IS NOT NULL AS revoked FROM kernel.api_keys WHERE id = ?", keyId)
                .map(row -> new KeyStanding(Database.uuid(row, "tenant_id"), row.column("revoked").get(Boolean.class)))));
        return key.isPresent() && !key.get().revoked()
               && (key.get().tenantId() == null || tenants.byId(key.get().tenantId()).map(t -> "active".equals(t.status())).orElse(false));
    }

    /**
     * Records last use at most once a minute per key, so authentication does not write on every request. This node
     * remembers when it last asked, so the shared state (a Redis round trip) is asked once a minute per key, not per request.
     */
    private void touch(UUID keyId, UUID tenantId) {
        long now = clock.millis();
        Long asked = touchAsked.get(keyId);
        if (asked != null && now - asked < TOUCH_INTERVAL.toMillis()) {
            return;
        }
        touchAsked.put(keyId, now);
        if (touchAsked.size() > 100_000) {
            touchAsked.clear();
        }
        if (state.putIfAbsent("api-key-touched:" + keyId, "1", TOUCH_INTERVAL)) {
            database.inScope(scope(tenantId), tx -> tx.dml("UPDATE kernel.api_keys SET last_used_at = now() WHERE id = ?", keyId));
        }
    }

    private static Optional<ApiKey> find(DbExecute tx, UUID tenantId, UUID keyId) {
        return tenantId == null
                ? Database.first(tx, ApiKeyService::map, "SELECT " + COLUMNS + " FROM kernel.api_keys WHERE id = ? AND tenant_id IS NULL", keyId)
                : Database.first(tx, ApiKeyService::map, "SELECT " + COLUMNS + " FROM kernel.api_keys WHERE id = ? AND tenant_id = ?", keyId, tenantId);
    }

    private static TenantScope scope(UUID tenantId) {
        return tenantId == null ? TenantScope.platform() : TenantScope.tenant(tenantId);
    }

    private static Object[] append(Object[] base, Object... more) {
        Object[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    static ApiKey map(DbRow row) {
        return new ApiKey(Database.uuid(row, "id"), Database.uuid(row, "tenant_id"), Database.text(row, "name"),
                          Role.fromWire(Database.text(row, "role")).orElseThrow(), Database.text(row, "prefix"),
                          Database.text(row, "created_by"), Database.instant(row, "created_at"),
                          Database.instant(row, "last_used_at"), Database.instant(row, "revoked_at"));
    }
}
