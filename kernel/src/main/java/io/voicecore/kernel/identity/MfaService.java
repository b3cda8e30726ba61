package io.voicecore.kernel.identity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantRepository;

/**
 * TOTP multi-factor authentication of users: enrollment, activation with one-time recovery codes,
 * disabling, and checking a second factor at login.
 *
 * <p>Seeds are stored sealed by the {@link SecretBox}, bound to their user. Recovery codes are
 * stored only as SHA-256 hashes (see {@link Secrets}) and each works once. Wrong codes count
 * towards an {@link AttemptLimiter}, so codes cannot be guessed by trying them all.
 */
public final class MfaService {
    /** The service name authenticator apps show next to the account. */
    public static final String ISSUER = "VoiceCore";
    static final int RECOVERY_CODE_COUNT = 10;

    /** A started enrollment: the seed in base32 for manual entry and as an otpauth URI for a QR code. */
    public record Enrollment(String secret, String otpauthUri) {
    }

    /** Which second factor a login used. */
    public enum Factor {
        TOTP("totp"), RECOVERY_CODE("recovery-code");

        private final String wireName;

        Factor(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final Database database;
    private final UserRepository users;
    private final TenantRepository tenants;
    private final SessionService sessions;
    private final SecretBox box;
    private final AuditLog audit;
    private final AttemptLimiter failures;
    private final Totp totp;
    private final Clock clock;

    /** @param failures counts wrong codes per user on the MFA endpoints */
    public MfaService(Database database, UserRepository users, TenantRepository tenants, SessionService sessions, SecretBox box,
                      AuditLog audit, AttemptLimiter failures, Totp totp, Clock clock) {
        this.database = database;
        this.users = users;
        this.tenants = tenants;
        this.sessions = sessions;
        this.box = box;
        this.audit = audit;
        this.failures = failures;
        this.totp = totp;
        this.clock = clock;
    }

    /** Starts (or restarts) enrollment with a fresh seed; MFA stays off until {@link #activate}. */
    public Enrollment enroll(Principal principal) {
        SessionService.SessionRef session = SessionService.requireSession(principal);
        return database.inTenant(session.tenantId(), tx -> {
            UserRepository.StoredCredentials credentials = lockUser(tx, session);
            if (credentials.user().mfaEnabled()) {
                throw new ApiException.Conflict("mfa-already-enabled", "Two-factor authentication is already active for this "
                        + "account; to move to a new authenticator, first disable it with DELETE /api/v1/me/mfa/totp.");
            }
            byte[] seed = Secrets.randomBytes(Totp.SEED_BYTES);
            users.startTotpEnrollment(tx, session.userId(), box.seal(seed, seedContext(session.userId())));
            audit.append(tx, AuditEvent.success(session.tenantId(), principal.actorId(), "mfa.enroll",
                                                "user:" + session.userId(), Map.of("method", "totp")));
            return new Enrollment(Base32.encode(seed, false), totp.otpauthUri(ISSUER, credentials.user().email(), seed));
        });
    }

    /** Turns MFA on after checking a code from the enrolled authenticator; returns the new recovery codes. */
    public List<String> activate(Principal principal, String code) {
        SessionService.SessionRef session = SessionService.requireSession(principal);
        String subject = failureSubject(session);
        failures.checkAllowed(subject);
        record Activated(List<String> codes, List<UUID> liveSessions) {
        }
        Activated activated = database.inTenant(session.tenantId(), tx -> {
            UserRepository.StoredCredentials credentials = lockUser(tx, session);
            if (credentials.user().mfaEnabled()) {
                throw new ApiException.Conflict("mfa-already-enabled", "Two-factor authentication is already active for this account.");
            }
            if (credentials.sealedTotpSeed().isEmpty()) {
                throw new ApiException.Conflict("mfa-not-enrolled", "No authenticator is being enrolled; start with "
                                                                    + "POST /api/v1/me/mfa/totp, add the secret to the app, then activate.");
            }
            if (!acceptTotp(tx, credentials, code)) {
                failures.recordFailure(subject);
                throw wrongCode("is not the authenticator's current code; check that the device clock is right and "
                                + "send the newest 6-digit code");
            }
            users.enableTotp(tx, session.userId());
            List<String> codes = replaceRecoveryCodes(tx, session);
            audit.append(tx, AuditEvent.success(session.tenantId(), principal.actorId(), "mfa.activate",
                                                "user:" + session.userId(), Map.of("method", "totp", "recoveryCodes", codes.size())));
            return new Activated(codes, sessions.liveSessions(tx, session.userId()));
        });
        failures.reset(subject);
        sessions.forgetStanding(activated.liveSessions());
        return activated.codes();
    }

    /** Turns MFA off after checking a current code or an unused recovery code; refused when the tenant requires MFA. */
    public void disable(Principal principal, String code) {
        SessionService.SessionRef session = SessionService.requireSession(principal);
        String subject = failureSubject(session);
        failures.checkAllowed(subject);
        List<UUID> live = database.inTenant(session.tenantId(), tx -> {
            Tenant tenant = tenants.byId(tx, session.tenantId()).orElseThrow();
            if (tenant.mfaRequired()) {
                throw new ApiException.Conflict("mfa-required-by-tenant", "Tenant '" + tenant.slug() + "' requires two-factor "
                        + "authentication, so it cannot be disabled; a tenant administrator can turn the requirement off first.");
            }
            UserRepository.StoredCredentials credentials = lockUser(tx, session);
            if (!credentials.user().mfaEnabled()) {
                throw new ApiException.Conflict("mfa-not-enabled", "Two-factor authentication is not active for this account.");
            }
            // An authenticator code is exactly six digits; a recovery code has twelve characters.
            boolean confirmed = code.strip().matches("\\d{" + totp.digits() + "}")
                    ? acceptTotp(tx, credentials, code)
                    : useRecoveryCode(tx, credentials.user(), code);
            if (!confirmed) {
                failures.recordFailure(subject);
                throw wrongCode("is neither the authenticator's current code nor an unused recovery code");
            }
            users.disableTotp(tx, session.userId());
            tx.dml("DELETE FROM kernel.recovery_codes WHERE user_id = ?", session.userId());
            audit.append(tx, AuditEvent.success(session.tenantId(), principal.actorId(), "mfa.disable",
                                                "user:" + session.userId(), Map.of("method", "totp")));
            return sessions.liveSessions(tx, session.userId());
        });
        failures.reset(subject);
        sessions.forgetStanding(live);
    }

    /**
     * Checks the second factor offered at login, in the login's transaction, consuming what it uses
     * (the TOTP time step or the recovery code).
     *
     * @return the factor that passed; empty when the one offered is wrong
     */
    Optional<Factor> verifyAtLogin(DbExecute tx, UserRepository.StoredCredentials credentials, Optional<String> code,
                                   Optional<String> recoveryCode) {
        if (code.isPresent()) {
            return acceptTotp(tx, credentials, code.get()) ? Optional.of(Factor.TOTP) : Optional.empty();
        }
        return recoveryCode.filter(c -> useRecoveryCode(tx, credentials.user(), c)).map(c -> Factor.RECOVERY_CODE);
    }

    /** Whether the code matches the user's seed in the current window and is newer than the last one accepted. */
    private boolean acceptTotp(DbExecute tx, UserRepository.StoredCredentials credentials, String code) {
        if (credentials.sealedTotpSeed().isEmpty()) {
            return false;
        }
        UUID userId = credentials.user().id();
        byte[] seed = box.open(credentials.sealedTotpSeed().get(), seedContext(userId));
        OptionalLong step = totp.verify(seed, code.strip(), clock.instant(), credentials.totpLastStep());
        // The conditional update also refuses a concurrent request that presented the same code.
        return step.isPresent() && users.acceptTotpStep(tx, userId, step.getAsLong());
    }

    private boolean useRecoveryCode(DbExecute tx, User user, String code) {
        byte[] hash = Secrets.sha256(normalizeRecoveryCode(code));
        long used = tx.dml("UPDATE kernel.recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                           Database.timestamp(clock.instant()), user.id(), hash);
        if (used != 1) {
            return false;
        }
        long remaining = tx.get("SELECT count(*) AS remaining FROM kernel.recovery_codes WHERE user_id = ? AND used_at IS NULL",
                                user.id()).map(row -> row.column("remaining").get(Long.class)).orElse(0L);
        audit.append(tx, AuditEvent.success(user.tenantId(), user.actorId(), "mfa.recovery-code-used", "user:" + user.id(),
                                            Map.of("remaining", remaining)));
        return true;
    }

    private List<String> replaceRecoveryCodes(DbExecute tx, SessionService.SessionRef session) {
        tx.dml("DELETE FROM kernel.recovery_codes WHERE user_id = ?", session.userId());
        List<String> codes = new ArrayList<>(RECOVERY_CODE_COUNT);
        while (codes.size() < RECOVERY_CODE_COUNT) {
            String code = newRecoveryCode();
            if (!codes.contains(code)) {
                codes.add(code);
                tx.dml("INSERT INTO kernel.recovery_codes (user_id, tenant_id, code_hash) VALUES (?, ?, ?)",
                       session.userId(), session.tenantId(), Secrets.sha256(normalizeRecoveryCode(code)));
            }
        }
        return codes;
    }

    /** Twelve base32 characters (60 bits) in groups of four, e.g. {@code k3vq-7hxa-p2md}. */
    static String newRecoveryCode() {
        String text = Base32.encode(Secrets.randomBytes(8), false).substring(0, 12).toLowerCase(Locale.ROOT);
        return text.substring(0, 4) + "-" + text.substring(4, 8) + "-" + text.substring(8, 12);
    }

    /** Accepts codes typed with or without dashes and spaces, in either case. */
    static String normalizeRecoveryCode(String code) {
        return code.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
    }

    private UserRepository.StoredCredentials lockUser(DbExecute tx, SessionService.SessionRef session) {
        return users.credentialsForUpdate(tx, session.tenantId(), session.userId())
                .orElseThrow(() -> new ApiException.Unauthenticated("credentials-revoked",
                        "The account of this session no longer exists; log in again."));
    }

    private static String failureSubject(SessionService.SessionRef session) {
        return "user:" + session.userId();
    }

    private static ApiException.Validation wrongCode(String message) {
        return new ApiException.Validation("code", message);
    }

    private static String seedContext(UUID userId) {
        return "totp-seed:" + userId;
    }
}
