package io.voicecore.marketplace.publishers;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.identity.ApiKeyService;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.signing.CertificateRefusal;
import io.voicecore.marketplace.signing.SigningCertificate;

/** Publishers: self-service sign-up with a developer API key, verification by the platform admin, signing keys. */
public final class Publishers {
    public static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?");
    /**
     * In a path, {@code me} names the publisher the developer key belongs to, so tools need only the key; no publisher
     * may take it as its slug.
     */
    public static final String SELF = "me";
    public static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s.]{2,}");
    private static final String COLUMNS = "id, slug, name, email, api_key_id, verified_at, created_at";
    private static final String KEY_COLUMNS = "id, publisher_id, fingerprint, algorithm, subject, not_after, certificate, created_at, revoked_at";

    /** A publisher just signed up, with its developer key's secret: the only moment the secret is seen. */
    public record SignedUp(Publisher publisher, String apiKey) {
    }

    private final Database database;
    private final ApiKeyService apiKeys;
    private final AuditLog audit;
    private final Clock clock;

    public Publishers(Database database, ApiKeyService apiKeys, AuditLog audit, Clock clock) {
        this.database = database;
        this.apiKeys = apiKeys;
        this.audit = audit;
        this.clock = clock;
    }

    /** Signs a publisher up; its developer key and its row are written together, or neither. */
    public SignedUp signUp(String name, String slug, String email) {
        try {
            return database.inPlatform(tx -> {
                if (SELF.equals(slug) || tx.get("SELECT 1 FROM marketplace.publishers WHERE slug = ?", slug).isPresent()) {
                    throw slugTaken(slug);
                }
                ApiKeyService.Created key = apiKeys.create(tx, null, "publisher " + slug, Role.DEVELOPER, Actors.signUp());
                UUID id = UUID.randomUUID();
                tx.dml("INSERT INTO marketplace.publishers (id, slug, name, email, api_key_id) VALUES (?, ?, ?, ?, ?)",
                       id, slug, name, email, key.key().id());
                audit.append(tx, AuditEvent.success(null, "publisher:" + id, "marketplace.publisher.sign-up", "publisher:" + id,
                                                    Map.of("slug", slug, "name", name)));
                return new SignedUp(find(tx, id).orElseThrow(), key.secret());
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw slugTaken(slug); // signed up by a concurrent request between the check and the insert
            }
            throw e;
        }
    }

    private static MarketplaceRefusal slugTaken(String slug) {
        return MarketplaceRefusal.conflict("publisher-slug-taken", "The publisher slug '" + slug + "' is taken; choose another.");
    }

    /** The publisher named by {@code reference} (its id or slug). */
    public Optional<Publisher> byReference(String reference) {
        return database.inPlatform(tx -> byReference(tx, reference));
    }

    private static Optional<Publisher> byReference(DbExecute tx, String reference) {
        try {
            return find(tx, UUID.fromString(reference));
        } catch (IllegalArgumentException notAnId) {
            return Database.first(tx, Publishers::map, "SELECT " + COLUMNS + " FROM marketplace.publishers WHERE slug = ?", reference);
        }
    }

    /** The publisher whose developer key made the request: what {@link #SELF} stands for in a path. */
    private Optional<Publisher> byApiKey(Principal principal) {
        return Actors.apiKeyId(principal).flatMap(keyId -> database.inPlatform(tx -> Database.first(tx, Publishers::map,
                "SELECT " + COLUMNS + " FROM marketplace.publishers WHERE api_key_id = ?", keyId)));
    }

    public Optional<Publisher> byId(UUID id) {
        return database.inPlatform(tx -> find(tx, id));
    }

    private static Optional<Publisher> find(DbExecute tx, UUID id) {
        return Database.first(tx, Publishers::map, "SELECT " + COLUMNS + " FROM marketplace.publishers WHERE id = ?", id);
    }

    /**
     * The publisher named in the path, as {@code principal} may act for it: its own developer key, or the platform
     * admin. Anyone else is told it does not exist, so publishers cannot be probed.
     */
    public Publisher actingAs(String reference, Principal principal) {
        Optional<Publisher> publisher = SELF.equals(reference) ? byApiKey(principal) : byReference(reference);
        boolean allowed = publisher.isPresent() && (principal.isPlatformAdmin()
                || Actors.apiKeyId(principal).map(publisher.get().apiKeyId()::equals).orElse(false));
        if (!allowed) {
            throw MarketplaceRefusal.notFound("publisher-not-found", "No publisher '" + reference + "' that this credential"
                    + " may act for; use the publisher's id or slug with its developer API key.");
        }
        return publisher.get();
    }

    /**
     * Gives the publisher a new developer key and revokes the old one (lost, leaked, or due); the new secret is
     * answered once.
     */
    public String rotateApiKey(Publisher publisher, Principal actor) {
        ApiKeyService.Created key = database.inPlatform(tx -> {
            ApiKeyService.Created created = apiKeys.create(tx, null, "publisher " + publisher.slug(), Role.DEVELOPER, actor);
            tx.dml("UPDATE marketplace.publishers SET api_key_id = ? WHERE id = ?", created.key().id(), publisher.id());
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.publisher.rotate-key", "publisher:" + publisher.id(),
                                                Map.of("slug", publisher.slug())));
            return created;
        });
        apiKeys.revoke(null, publisher.apiKeyId(), actor);
        return key.secret();
    }

    /** Marks the publisher verified (a badge on its listings); only the platform admin vouches. */
    public Publisher verify(String reference, Principal admin) {
        Actors.requirePlatformAdmin(admin, "verify publishers");
        return database.inPlatform(tx -> {
            Publisher publisher = byReference(tx, reference).orElseThrow(() -> MarketplaceRefusal.notFound("publisher-not-found",
                    "No publisher '" + reference + "'."));
            if (!publisher.verified()) {
                tx.dml("UPDATE marketplace.publishers SET verified_at = ?, verified_by = ? WHERE id = ?",
                       Database.timestamp(clock.instant()), admin.actorId(), publisher.id());
                audit.append(tx, AuditEvent.success(null, admin.actorId(), "marketplace.publisher.verify",
                                                    "publisher:" + publisher.id(), Map.of("slug", publisher.slug())));
            }
            return find(tx, publisher.id()).orElseThrow();
        });
    }

    /**
     * Registers a signing certificate (PEM, as {@code keytool -exportcert -rfc} writes it).
     *
     * @throws MarketplaceRefusal {@code certificate-refused} (422) naming what is wrong with it, or
     *                            {@code signing-key-exists} (409)
     */
    public SigningKey addSigningKey(Publisher publisher, String pem, Principal actor) {
        SigningCertificate certificate;
        try {
            certificate = SigningCertificate.parse(pem, clock);
        } catch (CertificateRefusal refusal) {
            throw new MarketplaceRefusal(422, "certificate-refused", "Certificate refused", refusal.getMessage(),
                                         Map.of("reason", refusal.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
        }
        String normalized = PemText.of(certificate);
        return database.inPlatform(tx -> {
            Optional<SigningKey> existing = Database.first(tx, Publishers::mapKey, "SELECT " + KEY_COLUMNS
                    + " FROM marketplace.signing_keys WHERE publisher_id = ? AND fingerprint = ?", publisher.id(), certificate.fingerprint());
            if (existing.isPresent()) {
                throw MarketplaceRefusal.conflict("signing-key-exists", "This certificate (" + certificate.fingerprint()
                        + ") is registered already as signing key " + existing.get().id()
                        + (existing.get().revoked() ? ", revoked; make a new key pair with keytool" : "") + ".");
            }
            UUID id = UUID.randomUUID();
            tx.dml("INSERT INTO marketplace.signing_keys (id, publisher_id, fingerprint, algorithm, subject, not_after, certificate) "
                   + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, publisher.id(), certificate.fingerprint(),
                   certificate.keyAlgorithm().name(), certificate.subject(), Database.timestamp(certificate.notAfter()), normalized);
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.signing-key.add", "signing-key:" + id,
                                                Map.of("publisher", publisher.slug(), "fingerprint", certificate.fingerprint())));
            return Database.first(tx, Publishers::mapKey, "SELECT " + KEY_COLUMNS + " FROM marketplace.signing_keys WHERE id = ?", id)
                    .orElseThrow();
        });
    }

    public List<SigningKey> signingKeys(Publisher publisher) {
        return database.inPlatform(tx -> Database.list(tx, Publishers::mapKey, "SELECT " + KEY_COLUMNS
                + " FROM marketplace.signing_keys WHERE publisher_id = ? ORDER BY created_at, id", publisher.id()));
    }

    /** Revokes a signing key: jars signed with it are refused from now on; revoking twice is harmless. */
    public SigningKey revokeSigningKey(Publisher publisher, UUID keyId, Principal actor) {
        return database.inPlatform(tx -> {
            SigningKey key = Database.first(tx, Publishers::mapKey, "SELECT " + KEY_COLUMNS
                    + " FROM marketplace.signing_keys WHERE id = ? AND publisher_id = ?", keyId, publisher.id())
                    .orElseThrow(() -> MarketplaceRefusal.notFound("signing-key-not-found", "No signing key " + keyId
                            + " of publisher '" + publisher.slug() + "'."));
            if (!key.revoked()) {
                tx.dml("UPDATE marketplace.signing_keys SET revoked_at = ? WHERE id = ?", Database.timestamp(clock.instant()), keyId);
                audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.signing-key.revoke", "signing-key:" + keyId,
                                                    Map.of("publisher", publisher.slug(), "fingerprint", key.fingerprint())));
            }
            return Database.first(tx, Publishers::mapKey, "SELECT " + KEY_COLUMNS + " FROM marketplace.signing_keys WHERE id = ?",
                                  keyId).orElseThrow();
        });
    }

    /** The publisher's certificates that may sign a submission now: registered, not revoked, still valid. */
    public List<SigningCertificate> activeCertificates(Publisher publisher) {
        return signingKeys(publisher).stream().filter(key -> !key.revoked()).flatMap(key -> {
            try {
                return java.util.stream.Stream.of(SigningCertificate.parse(key.certificatePem(), clock));
            } catch (CertificateRefusal expired) {
                return java.util.stream.Stream.empty();
            }
        }).toList();
    }

    static Publisher map(DbRow row) {
        return new Publisher(Database.uuid(row, "id"), Database.text(row, "slug"), Database.text(row, "name"),
                             Database.text(row, "email"), Database.uuid(row, "api_key_id"), Database.instant(row, "verified_at"),
                             Database.instant(row, "created_at"));
    }

    static SigningKey mapKey(DbRow row) {
        return new SigningKey(Database.uuid(row, "id"), Database.uuid(row, "publisher_id"), Database.text(row, "fingerprint"),
                              Database.text(row, "algorithm"), Database.text(row, "subject"), Database.instant(row, "not_after"),
                              Database.text(row, "certificate"), Database.instant(row, "created_at"), Database.instant(row, "revoked_at"));
    }
}
