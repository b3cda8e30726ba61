package io.voicecore.marketplace.resellers;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;

/**
 * Resellers' custom domains: claimed with a token, verified by a proof of control ({@link DomainProofs}), held
 * verified by one reseller at a time. Only a verified domain serves its reseller's branding.
 */
public final class ResellerDomains {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "reseller_id, domain, token, created_at, verified_at";

    /** A reseller's claim on a domain. */
    public record Domain(String domain, String token, Instant createdAt, Instant verifiedAt) {
        /** The claim with the proofs the reseller may publish. */
        public Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("domain", domain);
            view.put("status", verifiedAt == null ? "pending" : "verified");
            view.put("createdAt", createdAt);
            view.put("verifiedAt", verifiedAt);
            view.put("token", token);
            Map<String, Object> http = new LinkedHashMap<>();
            http.put("url", "http://" + domain + DomainProofs.WELL_KNOWN_PATH + token);
            http.put("body", token);
            Map<String, Object> dns = new LinkedHashMap<>();
            dns.put("type", "TXT");
            dns.put("name", DomainProofs.TXT_LABEL + domain);
            dns.put("value", token);
            view.put("proof", Map.of("http", http, "dns", dns));
            return view;
        }
    }

    private final Database database;
    private final ResellerBranding branding;
    private final AuditLog audit;
    private volatile DomainProofs proofs;

    public ResellerDomains(Database database, ResellerBranding branding, AuditLog audit, DomainProofs proofs) {
        this.database = database;
        this.branding = branding;
        this.audit = audit;
        this.proofs = proofs;
    }

    /** Puts in how proofs are checked: tests use resolvers of their own, so no DNS or remote host is asked. */
    public void useProofs(DomainProofs checks) {
        this.proofs = checks;
    }

    /**
     * Claims a domain for a reseller, pending until proven; claiming it again answers the same claim. Refused when
     * another reseller holds it verified.
     *
     * @return the claim, and whether it is new
     */
    public Map.Entry<Domain, Boolean> claim(Reseller reseller, String domain, Principal principal) {
        return database.inPlatform(tx -> {
            Optional<Domain> existing = find(tx, reseller, domain);
            if (existing.isPresent()) {
                return Map.entry(existing.get(), false);
            }
            refuseIfHeldByAnother(tx, reseller, domain);
            String token = HexFormat.of().formatHex(randomBytes());
            tx.dml("INSERT INTO marketplace.reseller_domains (reseller_id, domain, token) VALUES (?, ?, ?)", reseller.id(), domain, token);
            audit.append(tx, AuditEvent.success(null, principal.actorId(), "marketplace.reseller.domain.claim", "reseller:" + reseller.id(),
                                                Map.of("domain", domain)));
            return Map.entry(find(tx, reseller, domain).orElseThrow(), true);
        });
    }

    /** Checks the claim's proof now; verified, the domain serves the reseller's branding from the next request on. */
    public Domain verify(Reseller reseller, String domain, Principal principal) {
        Domain claim = database.inPlatform(tx -> find(tx, reseller, domain)).orElseThrow(() -> notClaimed(domain));
        if (claim.verifiedAt() != null) {
            return claim;
        }
        database.inPlatform(tx -> {
            refuseIfHeldByAnother(tx, reseller, domain);
            return null;
        });
        // Outside any transaction: the check may wait seconds on DNS or the domain's server.
        DomainProofs.Outcome outcome = proofs.check(domain, claim.token());
        if (!outcome.proven()) {
            throw new MarketplaceRefusal(422, "domain-not-proven", "Domain not proven", "Neither proof of control of " + domain
                    + " was found: " + String.join(" ", outcome.findings()) + " Publish the token as the TXT record "
                    + DomainProofs.TXT_LABEL + domain + " or serve it at http://" + domain + DomainProofs.WELL_KNOWN_PATH
                    + claim.token() + ", then ask again.", Map.of("findings", outcome.findings()));
        }
        try {
            Domain verified = database.inPlatform(tx -> {
                refuseIfHeldByAnother(tx, reseller, domain);
                tx.dml("UPDATE marketplace.reseller_domains SET verified_at = now() WHERE reseller_id = ? AND domain = ?",
                       reseller.id(), domain);
                audit.append(tx, AuditEvent.success(null, principal.actorId(), "marketplace.reseller.domain.verify",
                                                    "reseller:" + reseller.id(), Map.of("domain", domain, "proof", outcome.method())));
                return find(tx, reseller, domain).orElseThrow();
            });
            branding.forget();
            return verified;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw heldByAnother(domain); // another reseller's verification committed between the check and ours
            }
            throw e;
        }
    }

    public List<Domain> list(Reseller reseller) {
        return database.inPlatform(tx -> Database.list(tx, ResellerDomains::map, "SELECT " + COLUMNS
                + " FROM marketplace.reseller_domains WHERE reseller_id = ? ORDER BY domain", reseller.id()));
    }

    /** Gives up a claim, verified or not; the domain stops serving the reseller's branding. */
    public void release(Reseller reseller, String domain, Principal principal) {
        database.inPlatform(tx -> {
            long removed = tx.dml("DELETE FROM marketplace.reseller_domains WHERE reseller_id = ? AND domain = ?", reseller.id(), domain);
            if (removed == 0) {
                throw notClaimed(domain);
            }
            audit.append(tx, AuditEvent.success(null, principal.actorId(), "marketplace.reseller.domain.release",
                                                "reseller:" + reseller.id(), Map.of("domain", domain)));
            return null;
        });
        branding.forget();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void refuseIfHeldByAnother(DbExecute tx, Reseller reseller, String domain) {
        if (tx.get("SELECT 1 FROM marketplace.reseller_domains WHERE domain = ? AND verified_at IS NOT NULL AND reseller_id <> ?",
                   domain, reseller.id()).isPresent()) {
            throw heldByAnother(domain);
        }
    }

    private static MarketplaceRefusal heldByAnother(String domain) {
        return MarketplaceRefusal.conflict("domain-taken", "The domain " + domain + " is verified by another reseller; it can be"
                + " claimed once that reseller releases it.");
    }

    private static MarketplaceRefusal notClaimed(String domain) {
        return MarketplaceRefusal.notFound("domain-not-claimed", "This reseller has no claim on the domain " + domain
                + "; claim it first with POST /api/v1/resellers/{reseller}/domains.");
    }

    private static Optional<Domain> find(DbExecute tx, Reseller reseller, String domain) {
        return Database.first(tx, ResellerDomains::map, "SELECT " + COLUMNS
                + " FROM marketplace.reseller_domains WHERE reseller_id = ? AND domain = ?", reseller.id(), domain);
    }

    private static Domain map(DbRow row) {
        return new Domain(row.column("domain").getString(), row.column("token").getString(), Database.instant(row, "created_at"),
                          Database.instant(row, "verified_at"));
    }
}
