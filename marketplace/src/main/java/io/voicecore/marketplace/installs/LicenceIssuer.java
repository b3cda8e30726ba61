package io.voicecore.marketplace.installs;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.licence.Licence;
import io.voicecore.marketplace.licence.LicenceKeys;
import io.voicecore.marketplace.licence.LicenceSigner;
import io.voicecore.marketplace.licence.LicenceVerifier;

/**
 * The marketplace's Ed25519 licence key: made once (by whichever node starts first) and kept with its private half
 * sealed under the platform's master key; every node signs with it and trusts its public half.
 */
public final class LicenceIssuer {
    private static final String SEAL_CONTEXT = "marketplace-licence-key";
    private static final DateTimeFormatter KEY_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(java.time.ZoneOffset.UTC);

    private final LicenceSigner signer;
    private final Map<String, PublicKey> trusted;
    private final Clock clock;

    private LicenceIssuer(LicenceSigner signer, Map<String, PublicKey> trusted, Clock clock) {
        this.signer = signer;
        this.trusted = Map.copyOf(trusted);
        this.clock = clock;
    }

    /** Reads the marketplace's keys, making the first one if there is none yet. */
    public static LicenceIssuer establish(Database database, SecretBox secrets, Clock clock) {
        record StoredKey(String keyId, String publicKey, byte[] sealedPrivateKey) {
        }
        java.util.List<StoredKey> keys = database.inPlatform(tx -> {
            // One key for the whole platform, even when several nodes start at once.
            tx.get("SELECT pg_advisory_xact_lock(hashtext('marketplace.licence_keys'))");
            java.util.List<StoredKey> stored = Database.list(tx, row -> new StoredKey(Database.text(row, "key_id"),
                    Database.text(row, "public_key"), row.column("private_key").get(byte[].class)),
                    "SELECT key_id, public_key, private_key FROM marketplace.licence_keys ORDER BY retired_at NULLS FIRST, created_at DESC");
            if (!stored.isEmpty()) {
                return stored;
            }
            KeyPair pair = LicenceKeys.generate();
            String keyId = "vcm-" + KEY_DATE.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
            byte[] sealed = secrets.seal(LicenceKeys.encode(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), SEAL_CONTEXT);
            tx.dml("INSERT INTO marketplace.licence_keys (key_id, public_key, private_key) VALUES (?, ?, ?)", keyId,
                   LicenceKeys.encode(pair.getPublic()), sealed);
            return java.util.List.of(new StoredKey(keyId, LicenceKeys.encode(pair.getPublic()), sealed));
        });
        StoredKey current = keys.getFirst();
        String privateKey = new String(secrets.open(current.sealedPrivateKey(), SEAL_CONTEXT), StandardCharsets.US_ASCII);
        Map<String, PublicKey> trusted = new LinkedHashMap<>();
        keys.forEach(key -> trusted.put(key.keyId(), LicenceKeys.decodePublicKey(key.publicKey())));
        return new LicenceIssuer(new LicenceSigner(current.keyId(), LicenceKeys.decodePrivateKey(privateKey)), trusted, clock);
    }

    /**
     * How many verified licences a node keeps. Each is a token and its licence, well under a kilobyte, so 65,536 cost
     * tens of megabytes at most; fewer would make a node serving many tenants pay an Ed25519 verification (about
     * 0.6 ms, docs/benchmarks.md "licensed-route") on calls whose licence dropped out.
     */
    static final int VERIFIED_LICENCES = 65_536;

    /** A verifier for kernel nodes: the public keys alone, with this grace period. */
    public LicenceVerifier verifier(Duration grace) {
        return new LicenceVerifier(trusted, clock, grace, VERIFIED_LICENCES);
    }

    /** The public keys by key id, as an operator may want to publish them. */
    public Map<String, String> publicKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        trusted.forEach((id, key) -> keys.put(id, LicenceKeys.encode(key)));
        return keys;
    }

    /**
     * Issues a licence starting now.
     *
     * @param lifetime how long it lasts; empty for one that never expires
     */
    public Issued issue(UUID tenantId, String pluginId, String planId, boolean trial, OptionalInt seats, Optional<Duration> lifetime) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Licence licence = new Licence(UUID.randomUUID(), tenantId, pluginId, planId, trial, seats, Map.of(), now, now,
                                      lifetime.map(now::plus), signer.keyId());
        return new Issued(licence, signer.sign(licence));
    }

    /**
     * Issues a licence for a billing period: from {@code startsAt} (the period's start, which may be a moment ago) to
     * {@code expiresAt}, with limits per usage meter counted from its start.
     */
    public Issued issue(UUID tenantId, String pluginId, String planId, boolean trial, OptionalInt seats, Map<String, Long> usageLimits,
                        Instant startsAt, Instant expiresAt) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Licence licence = new Licence(UUID.randomUUID(), tenantId, pluginId, planId, trial, seats, usageLimits, now,
                                      startsAt.truncatedTo(ChronoUnit.SECONDS), Optional.of(expiresAt.truncatedTo(ChronoUnit.SECONDS)),
                                      signer.keyId());
        return new Issued(licence, signer.sign(licence));
    }

    /** A licence and its token. */
    public record Issued(Licence licence, String token) {
    }
}
