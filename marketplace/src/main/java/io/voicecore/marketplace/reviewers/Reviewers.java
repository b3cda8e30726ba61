package io.voicecore.marketplace.reviewers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.identity.ApiKeyService;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.Actors;

/** Reviewers: people the platform admin lets decide on submissions, each with an API key of the reviewer role. */
public final class Reviewers {
    private final Database database;
    private final ApiKeyService apiKeys;
    private final AuditLog audit;

    public Reviewers(Database database, ApiKeyService apiKeys, AuditLog audit) {
        this.database = database;
        this.apiKeys = apiKeys;
        this.audit = audit;
    }

    /** Every reviewer, revoked ones included. */
    public java.util.List<Map<String, Object>> list(Principal admin) {
        Actors.requirePlatformAdmin(admin, "list reviewers");
        return database.inPlatform(tx -> Database.list(tx, row -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", Database.uuid(row, "id"));
            view.put("name", Database.text(row, "name"));
            view.put("createdAt", Database.instant(row, "created_at"));
            view.put("revokedAt", Database.instant(row, "revoked_at"));
            return view;
        }, "SELECT id, name, created_at, revoked_at FROM marketplace.reviewers ORDER BY created_at, id"));
    }

    /** Revokes a reviewer's key: it decides nothing any more. Revoking twice is harmless. */
    public void revoke(UUID reviewerId, Principal admin) {
        Actors.requirePlatformAdmin(admin, "revoke reviewers");
        UUID keyId = database.inPlatform(tx -> {
            UUID key = tx.get("SELECT api_key_id FROM marketplace.reviewers WHERE id = ?", reviewerId)
                    .map(row -> Database.uuid(row, "api_key_id"))
                    .orElseThrow(() -> io.voicecore.marketplace.MarketplaceRefusal.notFound("reviewer-not-found", "No reviewer "
                                                                                            + reviewerId + "."));
            tx.dml("UPDATE marketplace.reviewers SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", reviewerId);
            audit.append(tx, AuditEvent.success(null, admin.actorId(), "marketplace.reviewer.revoke", "reviewer:" + reviewerId, Map.of()));
            return key;
        });
        apiKeys.revoke(null, keyId, admin);
    }

    /** Creates a reviewer and its key, together; answers the key's secret once. */
    public Map<String, Object> create(String name, Principal admin) {
        Actors.requirePlatformAdmin(admin, "create reviewers");
        return database.inPlatform(tx -> {
            ApiKeyService.Created key = apiKeys.create(tx, null, "reviewer " + name, Role.REVIEWER, admin);
            UUID id = UUID.randomUUID();
            tx.dml("INSERT INTO marketplace.reviewers (id, name, api_key_id, created_by) VALUES (?, ?, ?, ?)", id, name, key.key().id(),
                   admin.actorId());
            audit.append(tx, AuditEvent.success(null, admin.actorId(), "marketplace.reviewer.create", "reviewer:" + id, Map.of("name", name)));
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", id);
            view.put("name", name);
            view.put("apiKey", key.secret());
            view.put("apiKeyNote", "Shown only this once: the reviewer uses it as 'Authorization: Bearer <apiKey>'.");
            return view;
        });
    }
}
