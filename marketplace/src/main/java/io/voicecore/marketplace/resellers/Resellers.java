package io.voicecore.marketplace.resellers;

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
        Optional<Reseller> reseller = database.inPlatform(tx -> byReference(tx, reference));
        boolean allowed = reseller.isPresent() && (principal.isPlatformAdmin()
                || principal.role() == Role.RESELLER && Actors.apiKeyId(principal).map(reseller.get().apiKeyId()::equals).orElse(false));
        if (!allowed) {
            throw MarketplaceRefusal.notFound("reseller-not-found", "No reseller '" + reference + "' that this credential may"
                    + " act for; use the reseller's id or slug with its API key.");
        }
        return reseller.get();
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
