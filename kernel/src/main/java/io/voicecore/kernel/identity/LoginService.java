package io.voicecore.kernel.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantRepository;

/**
 * Email and password login, with a second factor when the user enabled MFA.
 *
 * <p>An unknown tenant, an unknown email, a wrong password and a disabled account all answer the
 * same 401, and each of them runs one Argon2 verification, so neither the answer nor its timing
 * tells which accounts exist. Failures are counted per tenant and email; more than ten within
 * fifteen minutes pause further attempts (429).
 */
public final class LoginService {
    /** What a login asks for; {@code tenant} is an id or a slug. */
    public record Attempt(String tenant, String email, String password, Optional<String> totp, Optional<String> recoveryCode) {
    }

    /**
     * A successful login.
     *
     * @param mfaEnrollmentRequired the tenant requires MFA and the user has not enrolled: the session may only enroll
     */
    public record Result(SessionService.Issued session, boolean mfaEnrollmentRequired) {
    }

    private final Database database;
    private final TenantRepository tenants;
    private final UserRepository users;
    private final PasswordHasher hasher;
    private final MfaService mfa;
    private final SessionService sessions;
    private final AttemptLimiter failures;
    private final AuditLog audit;

    /** @param failures counts failed logins per tenant and email */
    public LoginService(Database database, TenantRepository tenants, UserRepository users, PasswordHasher hasher, MfaService mfa,
                        SessionService sessions, AttemptLimiter failures, AuditLog audit) {
        this.database = database;
        this.tenants = tenants;
        this.users = users;
        this.hasher = hasher;
        this.mfa = mfa;
        this.sessions = sessions;
        this.failures = failures;
        this.audit = audit;
    }

    public Result login(Attempt attempt) {
        Optional<Tenant> tenant = findTenant(attempt.tenant());
        // Keyed by tenant id when there is one, so switching between id and slug does not double the attempts.
        String subject = tenant.map(t -> t.id().toString()).orElse(attempt.tenant().toLowerCase(Locale.ROOT))
                         + "\n" + attempt.email().toLowerCase(Locale.ROOT);
        failures.checkAllowed(subject);

        Optional<UserRepository.StoredCredentials> found = tenant.flatMap(
                t -> database.inTenant(t.id(), tx -> users.credentialsByEmail(tx, t.id(), attempt.email())));
        boolean passwordMatches = found.isPresent()
                ? hasher.verify(attempt.password(), found.get().passwordHash())
                : hasher.verifyNothing(attempt.password());
        if (!passwordMatches || !found.get().user().active()) {
            failures.recordFailure(subject);
            throw loginFailed();
        }
        UserRepository.StoredCredentials credentials = found.get();
        User user = credentials.user();
        if (!tenant.get().active()) {
            throw new ApiException.Forbidden("tenant-suspended", "Tenant '" + tenant.get().slug()
                                                                 + "' is suspended; a platform administrator must reactivate it.");
        }
        if (user.mfaEnabled() && attempt.totp().isEmpty() && attempt.recoveryCode().isEmpty()) {
            throw new ApiException.Unauthenticated("mfa-required", "This account uses two-factor authentication: send the "
                    + "current 6-digit code from the authenticator app in the field 'totp', or one unused recovery code in "
                    + "the field 'recoveryCode', together with the email and password.");
        }
        boolean enrollmentRequired = tenant.get().mfaRequired() && !user.mfaEnabled();
        Optional<Result> result = database.inTenant(user.tenantId(), tx -> {
            Optional<MfaService.Factor> factor = Optional.empty();
            if (user.mfaEnabled()) {
                factor = mfa.verifyAtLogin(tx, credentials, attempt.totp(), attempt.recoveryCode());
                if (factor.isEmpty()) {
                    return Optional.<Result>empty();
                }
            }
            SessionService.Issued session = sessions.issue(tx, user, !enrollmentRequired);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("sessionId", session.sessionId());
            details.put("secondFactor", factor.map(MfaService.Factor::wireName).orElse("none"));
            details.put("mfaEnrollmentRequired", enrollmentRequired);
            audit.append(tx, AuditEvent.success(user.tenantId(), user.actorId(), "session.login", "user:" + user.id(), details));
            return Optional.of(new Result(session, enrollmentRequired));
        });
        if (result.isEmpty()) {
            failures.recordFailure(subject);
            throw new ApiException.Unauthenticated("mfa-invalid", "The two-factor code is wrong, was already used, or the "
                    + "recovery code is not an unused one. Send the newest code from the authenticator app in 'totp', or an "
                    + "unused recovery code in 'recoveryCode'.");
        }
        failures.reset(subject);
        return result.get();
    }

    /** Ends the principal's own session; the token stops working on every node at once. */
    public void logout(Principal principal) {
        SessionService.SessionRef session = SessionService.requireSession(principal);
        database.inTenant(session.tenantId(), tx -> {
            if (sessions.revoke(tx, session.sessionId())) {
                audit.append(tx, AuditEvent.success(session.tenantId(), principal.actorId(), "session.logout",
                                                    "user:" + session.userId(), Map.of("sessionId", session.sessionId())));
            }
            return null;
        });
        sessions.forgetRevoked(List.of(session.sessionId()));
    }

    private Optional<Tenant> findTenant(String reference) {
        return database.inPlatform(tx -> tenants.byReference(tx, reference));
    }


    /** The one answer for every kind of wrong login, so it does not tell which part was wrong. */
    static ApiException.Unauthenticated loginFailed() {
        return new ApiException.Unauthenticated("login-failed", "The tenant, email or password is wrong, or the account is "
                + "disabled. Check them and try again; after 10 failed attempts within 15 minutes, logins for this email are "
                + "paused for the rest of that time.");
    }
}
