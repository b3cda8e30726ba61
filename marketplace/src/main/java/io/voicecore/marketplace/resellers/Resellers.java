package io.voicecore.marketplace.resellers;

import java.time.Instant;
import java.util.ArrayList;
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
import io.voicecore.kernel.identity.ApiKeyService;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.MarketplaceRefusal;

/** Reseller accounts: created by the platform admin, each with its own API key of role {@code reseller}. */
public final class Resellers {
    private static final String COLUMNS = "id, slug, name, api_key_id, created_at";

    /** A reseller just created, with its key's secret: the only moment the secret is seen. */
    public record Created(Reseller reseller, String apiKey) {
    }

    private final Database database;
    private final ApiKeyService apiKeys;
    private final AuditLog audit;

    public Resellers(Database database, ApiKeyService apiKeys, AuditLog audit) {
        this.database = database;
        this.apiKeys = apiKeys;
        this.audit = audit;
    }

    /** Creates a reseller; its key and its row are written together, or neither. Platform admin only. */
    public Created create(String name, String slug, Principal admin) {
        Actors.requirePlatformAdmin(admin, "create resellers");
        try {
            return database.inPlatform(tx -> {
                if (tx.get("SELECT 1 FROM marketplace.resellers WHERE slug = ?", slug).isPresent()) {
                    throw slugTaken(slug);
                }
                ApiKeyService.Created key = apiKeys.create(tx, null, "reseller " + slug, Role.RESELLER, admin);
                UUID id = UUID.randomUUID();
                tx.dml("INSERT INTO marketplace.resellers (id, slug, name, api_key_id, created_by) VALUES (?, ?, ?, ?, ?)",
                       id, slug, name, key.key().id(), admin.actorId());
                tx.dml("INSERT INTO marketplace.reseller_keys (api_key_id, reseller_id, name, created_by) VALUES (?, ?, 'account', ?)",
                       key.key().id(), id, admin.actorId());
                audit.append(tx, AuditEvent.success(null, admin.actorId(), "marketplace.reseller.create", "reseller:" + id,
                                                    Map.of("slug", slug, "name", name)));
                return new Created(find(tx, id).orElseThrow(), key.secret());
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw slugTaken(slug); // created by a concurrent request between the check and the insert
            }
            throw e;
        }
    }

    private static MarketplaceRefusal slugTaken(String slug) {
        return MarketplaceRefusal.conflict("reseller-slug-taken", "The reseller slug '" + slug + "' is taken; choose another.");
    }

    /**
     * The reseller named in the path (id or slug), as {@code principal} may act for it: its own key, or the platform
     * admin. Anyone else is told it does not exist, so resellers cannot be probed.
     */
    public Reseller actingAs(String reference, Principal principal) {
        Optional<UUID> keyId = principal.role() == Role.RESELLER ? Actors.apiKeyId(principal) : Optional.empty();
        Optional<Reseller> reseller = database.inPlatform(tx -> byReference(tx, reference).filter(found -> principal.isPlatformAdmin()
                || keyId.map(key -> tx.get("SELECT 1 FROM marketplace.reseller_keys WHERE api_key_id = ? "
                        + "AND reseller_id = ? AND revoked_at IS NULL", key, found.id()).isPresent()).orElse(false)));
        if (reseller.isEmpty()) {
            throw MarketplaceRefusal.notFound("reseller-not-found", "No reseller '" + reference + "' that this credential may"
                    + " act for; use the reseller's id or slug with its API key.");
        }
        return reseller.get();
    }

    /** One of a reseller's keys: the one its account was created with ({@code primary}) or a further one. */
    public record ResellerKey(UUID id, String name, boolean primary, Instant createdAt, Instant revokedAt) {
        public Map<String, Object> view() {
            Map<String, Object> view = new java.util.LinkedHashMap<>();
            view.put("id", id);
            view.put("name", name);
            view.put("primary", primary);
            view.put("createdAt", createdAt);
            view.put("revokedAt", revokedAt);
            return view;
        }
    }

    /** A further key of the reseller (for its staff or its systems), with its secret: the only moment it is seen. */
    public record KeyCreated(ResellerKey key, String secret) {
    }

    public KeyCreated addKey(Reseller reseller, String name, Principal actor) {
        return database.inPlatform(tx -> {
            ApiKeyService.Created key = apiKeys.create(tx, null, "reseller " + reseller.slug() + ": " + name, Role.RESELLER, actor);
            tx.dml("INSERT INTO marketplace.reseller_keys (api_key_id, reseller_id, name, created_by) VALUES (?, ?, ?, ?)",
                   key.key().id(), reseller.id(), name, actor.actorId());
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.reseller.key-add", "reseller:" + reseller.id(),
                                                Map.of("key", key.key().id().toString(), "name", name)));
            return new KeyCreated(new ResellerKey(key.key().id(), name, false, key.key().createdAt(), null), key.secret());
        });
    }

    /** The reseller's keys, oldest (the account's own) first; revoked ones are listed with when. */
    public List<ResellerKey> keys(Reseller reseller) {
        List<ResellerKey> keys = new ArrayList<>();
        keys.addAll(database.inPlatform(tx -> Database.list(tx, row -> new ResellerKey(Database.uuid(row, "api_key_id"),
                Database.text(row, "name"), Database.uuid(row, "api_key_id").equals(reseller.apiKeyId()), Database.instant(row, "created_at"),
                row.column("revoked_at").asOptional().isPresent() ? Database.instant(row, "revoked_at") : null),
                "SELECT api_key_id, name, created_at, revoked_at FROM marketplace.reseller_keys WHERE reseller_id = ? ORDER BY created_at",
                reseller.id())));
        return keys;
    }

    /**
     * Revokes one of the reseller's keys, the account's own included (to rotate it: add a key, then revoke the old
     * one); never its last standing key, which would leave only the platform admin able to act for it.
     */
    public void revokeKey(Reseller reseller, UUID keyId, Principal actor) {
        List<ResellerKey> keys = keys(reseller);
        ResellerKey key = keys.stream().filter(k -> k.id().equals(keyId)).findFirst().orElseThrow(() ->
                MarketplaceRefusal.notFound("reseller-key-not-found", "Reseller '" + reseller.slug() + "' has no key " + keyId + "."));
        if (key.revokedAt() != null) {
            return;
        }
        if (keys.stream().filter(k -> k.revokedAt() == null).count() == 1) {
            throw MarketplaceRefusal.conflict("reseller-last-key", "Key " + keyId + " is the reseller's last standing key; add"
                    + " another (POST /api/v1/resellers/" + reseller.slug() + "/api-keys) before revoking it.");
        }
        apiKeys.revoke(null, keyId, actor);
        database.inPlatform(tx -> {
            tx.dml("UPDATE marketplace.reseller_keys SET revoked_at = now(), revoked_by = ? WHERE api_key_id = ? AND revoked_at IS NULL",
                   actor.actorId(), keyId);
            audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.reseller.key-revoke", "reseller:" + reseller.id(),
                                                Map.of("key", keyId.toString())));
            return null;
        });
    }

    /** Every reseller with how many sub-tenants it has now: the platform admin's overview. */
    public List<Map<String, Object>> list(Principal admin) {
        Actors.requirePlatformAdmin(admin, "list resellers");
        return database.inPlatform(tx -> Database.list(tx, row -> {
            Map<String, Object> view = map(row).view();
            view.put("subTenants", row.column("sub_tenants").get(Long.class));
            return view;
        }, "SELECT r.id, r.slug, r.name, r.api_key_id, r.created_at, "
           + "(SELECT count(*) FROM marketplace.reseller_tenants t WHERE t.reseller_id = r.id) AS sub_tenants "
           + "FROM marketplace.resellers r ORDER BY r.created_at, r.id"));
    }

    public Optional<Reseller> byId(UUID id) {
        return database.inPlatform(tx -> find(tx, id));
    }

    static Optional<Reseller> byReference(DbExecute tx, String reference) {
        try {
            return find(tx, UUID.fromString(reference));
        } catch (IllegalArgumentException notAnId) {
            return Database.first(tx, Resellers::map, "SELECT " + COLUMNS + " FROM marketplace.resellers WHERE slug = ?", reference);
        }
    }

    static Optional<Reseller> find(DbExecute tx, UUID id) {
        return Database.first(tx, Resellers::map, "SELECT " + COLUMNS + " FROM marketplace.resellers WHERE id = ?", id);
    }

    private static Reseller map(DbRow row) {
        return new Reseller(row.column("id").get(UUID.class), row.column("slug").getString(), row.column("name").getString(),
                            row.column("api_key_id").get(UUID.class), Database.instant(row, "created_at"));
    }
}
