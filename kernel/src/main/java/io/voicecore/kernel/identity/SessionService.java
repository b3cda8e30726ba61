package io.voicecore.kernel.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;

/**
 * Signed, expiring session tokens ({@code vcs_...}) issued at login, and their revocation.
 *
 * <p>A token is {@code vcs_} + base64url(JSON claims) + {@code .} + base64url(HMAC-SHA256 of the
 * claims part). The claims name the session, user, tenant and role, when it was issued and expires,
 * and whether MFA was satisfied at login. The signing key is generated once, stored encrypted in
 * {@code kernel.platform_settings} and so shared by every kernel node.
 *
 * <p>A valid signature is not enough: each token's session row, its user and its tenant are checked
 * too (revoked, disabled, suspended). That check's result is cached in {@link SharedState} for at
 * most {@value #STANDING_CACHE_SECONDS} s, and logout or disabling a user overwrites the cached entry,
 * so revocation takes effect at once.
 */
public final class SessionService {
    public static final String PREFIX = "vcs_";
    /** Prefix of the actor id of a user principal: {@code user:<user id>}. */
    public static final String USER_ACTOR_PREFIX = "user:";
    /** Prefix of the credential id of a session principal: {@code session:<session id>}. */
    public static final String CREDENTIAL_PREFIX = "session:";
    static final String SIGNING_KEY_SETTING = "session-signing-key";
    static final int STANDING_CACHE_SECONDS = 30;
    private static final String HMAC = "HmacSHA256";

    /** A session just created; the token exists only in the login response. */
    public record Issued(String token, UUID sessionId, Instant expiresAt) {
    }

    /** The session behind a session principal. */
    public record SessionRef(UUID sessionId, UUID userId, UUID tenantId) {
    }

    private record Claims(UUID sessionId, UUID userId, UUID tenantId, Role role, long issuedAt, long expiresAt,
                          boolean mfaSatisfied) {
    }

    /** What the stored rows say about a session; cached by name. */
    private enum Standing {
        ACTIVE, MFA_PENDING, REVOKED, TENANT_SUSPENDED
    }

    private final Database database;
    private final SecretKeySpec signingKey;
    private final SharedState state;
    private final Clock clock;
    private final Duration ttl;

    /**
     * @param signingKey the HMAC key from {@link #establishSigningKey}
     * @param ttl        how long a token is valid after login ({@code session.ttl})
     */
    public SessionService(Database database, byte[] signingKey, SharedState state, Clock clock, Duration ttl) {
        this.database = database;
        this.signingKey = new SecretKeySpec(signingKey, HMAC);
        this.state = state;
        this.clock = clock;
        this.ttl = ttl;
    }

    /**
     * Loads the session signing key, generating and storing it (sealed by the box) when this is the
     * first node ever to start. Concurrent first starts agree on one key: only the first insert wins.
     *
     * @throws ConfigException when the stored key does not open with this node's master key
     */
    public static byte[] establishSigningKey(Database database, SecretBox box) {
        return database.inPlatform(tx -> {
            byte[] candidate = Secrets.randomBytes(32);
            tx.dml("INSERT INTO kernel.platform_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                   SIGNING_KEY_SETTING, Base64.getEncoder().encodeToString(box.seal(candidate, SIGNING_KEY_SETTING)));
            String stored = tx.get("SELECT value FROM kernel.platform_settings WHERE key = ?", SIGNING_KEY_SETTING)
                    .map(row -> row.column("value").get(String.class)).orElseThrow();
            try {
                return box.open(Base64.getDecoder().decode(stored), SIGNING_KEY_SETTING);
            } catch (SecretBox.OpenFailed | IllegalArgumentException e) {
                throw new ConfigException("the session signing key stored in the database cannot be decrypted with this node's "
                                          + "master key (" + e.getMessage() + "). Configure the master-key that the database was "
                                          + "first used with; every node of a deployment needs the same master-key.");
            }
        });
    }

    /** Inserts a session for the user in the caller's transaction and signs its token. */
    public Issued issue(DbExecute tx, User user, boolean mfaSatisfied) {
        return issue(tx, user, mfaSatisfied, Instant.MAX);
    }

    /**
     * Inserts a session that ends at {@code notAfter} at the latest (rounded up to the second), or earlier when the
     * configured lifetime ends first: a session lent for a time-limited purpose, such as a reseller's support access.
     */
    public Issued issue(DbExecute tx, User user, boolean mfaSatisfied, Instant notAfter) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expires = now.plus(ttl).isAfter(notAfter) ? notAfter : now.plus(ttl);
        // Whole seconds in the token; rounding up keeps even a one-second TTL usable.
        if (expires.getNano() != 0) {
            expires = expires.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        }
        UUID sessionId = UUID.randomUUID();
        tx.dml("INSERT INTO kernel.sessions (id, tenant_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
               sessionId, user.tenantId(), user.id(), Database.timestamp(now), Database.timestamp(expires));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sid", sessionId.toString());
        claims.put("uid", user.id().toString());
        claims.put("tid", user.tenantId().toString());
        claims.put("role", user.role().wireName());
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", expires.getEpochSecond());
        claims.put("mfa", mfaSatisfied);
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(claims));
        String token = PREFIX + body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(body));
        return new Issued(token, sessionId, expires);
    }

    /** The principal a session token stands for, or 401 (invalid, expired, revoked) or 403 (tenant suspended). */
    public Principal authenticate(String token) {
        Claims claims = verify(token);
        Instant expiresAt = Instant.ofEpochSecond(claims.expiresAt());
        if (!clock.instant().isBefore(expiresAt)) {
            throw new ApiException.Unauthenticated("credentials-expired", "This session expired at " + expiresAt
                    + "; log in again at POST /api/v1/auth/login to get a new token.");
        }
        Standing standing = standing(claims.sessionId(), claims.userId(), claims.tenantId(), expiresAt);
        return switch (standing) {
            case REVOKED -> throw new ApiException.Unauthenticated("credentials-revoked",
                    "This session has ended (logged out, account disabled or its role changed); log in again at "
                    + "POST /api/v1/auth/login.");
            case TENANT_SUSPENDED -> throw new ApiException.Forbidden("tenant-suspended",
                    "The tenant of this account is suspended; a platform administrator must reactivate it.");
            case ACTIVE, MFA_PENDING -> new Principal(USER_ACTOR_PREFIX + claims.userId(), claims.role(),
                                                      Optional.of(claims.tenantId()), CREDENTIAL_PREFIX + claims.sessionId(),
                                                      standing == Standing.MFA_PENDING || !claims.mfaSatisfied());
        };
    }

    /** Revokes one session in the caller's transaction; call {@link #forgetRevoked} after the commit. */
    public boolean revoke(DbExecute tx, UUID sessionId) {
        return tx.dml("UPDATE kernel.sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                      Database.timestamp(clock.instant()), sessionId) == 1;
    }

    /**
     * Revokes every session of the user in the caller's transaction, including any issued concurrently,
     * and returns the ids of those that were live; call {@link #forgetRevoked} with them after the commit.
     */
    public List<UUID> revokeAll(DbExecute tx, UserRepository users, UUID userId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<UUID> live = liveSessions(tx, userId);
        tx.dml("UPDATE kernel.sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", Database.timestamp(now), userId);
        users.invalidateSessionsBefore(tx, userId, now);
        return live;
    }

    /** The user's sessions that are neither revoked nor expired. */
    public List<UUID> liveSessions(DbExecute tx, UUID userId) {
        return Database.list(tx, row -> Database.uuid(row, "id"),
                             "SELECT id FROM kernel.sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?",
                             userId, Database.timestamp(clock.instant()));
    }

    /** Marks committed revocations in the shared cache, so no node keeps accepting the tokens. */
    public void forgetRevoked(Collection<UUID> sessionIds) {
        for (UUID id : sessionIds) {
            state.put(standingKey(id), Standing.REVOKED.name(), Duration.ofSeconds(STANDING_CACHE_SECONDS));
        }
    }

    /** Drops cached standings after a change that alters them (e.g. MFA enabled), so they are read afresh. */
    public void forgetStanding(Collection<UUID> sessionIds) {
        for (UUID id : sessionIds) {
            state.delete(standingKey(id));
        }
    }

    /** The session behind a principal, when it authenticated with a session token. */
    public static Optional<SessionRef> sessionOf(Principal principal) {
        if (!principal.credentialId().startsWith(CREDENTIAL_PREFIX) || !principal.actorId().startsWith(USER_ACTOR_PREFIX)
            || principal.tenantId().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SessionRef(UUID.fromString(principal.credentialId().substring(CREDENTIAL_PREFIX.length())),
                                          UUID.fromString(principal.actorId().substring(USER_ACTOR_PREFIX.length())),
                                          principal.tenantId().get()));
    }

    /** The session behind a principal, or 403 when it authenticated otherwise (API key, admin token). */
    public static SessionRef requireSession(Principal principal) {
        return sessionOf(principal).orElseThrow(() -> new ApiException.Forbidden("session-required",
                "Only a user logged in with a session token (POST /api/v1/auth/login) can do this; API keys and the "
                + "admin token belong to no user account."));
    }

    private Claims verify(String token) {
        if (!token.startsWith(PREFIX)) {
            throw invalid();
        }
        String rest = token.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot != rest.lastIndexOf('.')) {
            throw invalid();
        }
        String body = rest.substring(0, dot);
        try {
            byte[] signature = Base64.getUrlDecoder().decode(rest.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, sign(body))) {
                throw invalid();
            }
            JsonNode json = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(body));
            return new Claims(UUID.fromString(json.required("sid").asText()), UUID.fromString(json.required("uid").asText()),
                              UUID.fromString(json.required("tid").asText()),
                              Role.fromWire(json.required("role").asText()).filter(Role::tenantScoped).orElseThrow(),
                              json.required("iat").asLong(), json.required("exp").asLong(), json.required("mfa").asBoolean());
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            // Bad base64, or claims missing or of the wrong type: the token is unusable whatever the cause.
            throw invalid();
        }
    }

    /**
     * Whether a session that authenticated earlier still stands: not logged out, expired or revoked, its user active and
     * its tenant not suspended. Read through the same cache as authentication, which a revocation overwrites at once.
     */
    public boolean stands(SessionRef session) {
        Standing standing = standing(session.sessionId(), session.userId(), session.tenantId(),
                                     clock.instant().plusSeconds(STANDING_CACHE_SECONDS));
        return standing == Standing.ACTIVE || standing == Standing.MFA_PENDING;
    }

    /** @param cacheUntil the latest time a fresh answer may be cached until (the session's expiry when known) */
    private Standing standing(UUID sessionId, UUID userId, UUID tenantId, Instant cacheUntil) {
        String key = standingKey(sessionId);
        Optional<Standing> cached = state.get(key).map(Standing::valueOf);
        if (cached.isPresent()) {
            return cached.get();
        }
        Standing standing = database.inTenant(tenantId, tx -> tx.get(
                "SELECT s.revoked_at IS NOT NULL OR s.expires_at <= ? OR s.created_at < u.sessions_valid_after OR u.status <> 'active' "
                + "AS revoked, t.status = 'suspended' AS suspended, t.mfa_required AND NOT u.totp_enabled AS enrollment_due "
                + "FROM kernel.sessions s JOIN kernel.users u ON u.id = s.user_id JOIN kernel.tenants t ON t.id = s.tenant_id "
                + "WHERE s.id = ? AND s.user_id = ?", Database.timestamp(clock.instant()), sessionId, userId)
                .map(SessionService::standingOf)
                .orElse(Standing.REVOKED));
        Duration remaining = Duration.between(clock.instant(), cacheUntil);
        Duration cacheFor = remaining.compareTo(Duration.ofSeconds(STANDING_CACHE_SECONDS)) < 0
                ? remaining : Duration.ofSeconds(STANDING_CACHE_SECONDS);
        if (!cacheFor.isNegative() && !cacheFor.isZero()) {
            state.put(key, standing.name(), cacheFor);
        }
        return standing;
    }

    private static Standing standingOf(DbRow row) {
        if (row.column("revoked").get(Boolean.class)) {
            return Standing.REVOKED;
        }
        if (row.column("suspended").get(Boolean.class)) {
            return Standing.TENANT_SUSPENDED;
        }
        return row.column("enrollment_due").get(Boolean.class) ? Standing.MFA_PENDING : Standing.ACTIVE;
    }

    private static String standingKey(UUID sessionId) {
        return "session-standing:" + sessionId;
    }

    private byte[] sign(String body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(signingKey);
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    private static ApiException.Unauthenticated invalid() {
        return new ApiException.Unauthenticated("credentials-invalid",
                "The session token is malformed or its signature does not match; log in again at POST /api/v1/auth/login.");
    }
}
