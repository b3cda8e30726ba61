package io.voicecore.kernel.tenancy;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.storage.Database;

/** SQL for {@link Tenant}s. Runs in the caller's transaction, whose scope RLS enforces. */
public final class TenantRepository {
    private static final String COLUMNS = "id, slug, name, plan_tier, status, mfa_required, created_at";

    public void insert(DbExecute tx, Tenant tenant) {
        tx.dml("INSERT INTO kernel.tenants (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
               tenant.id(), tenant.slug(), tenant.name(), tenant.planTier(), tenant.status(), tenant.mfaRequired(),
               Database.timestamp(tenant.createdAt()));
    }

    public Optional<Tenant> byId(DbExecute tx, UUID id) {
        return Database.first(tx, TenantRepository::map, "SELECT " + COLUMNS + " FROM kernel.tenants WHERE id = ?", id);
    }

    public Optional<Tenant> bySlug(DbExecute tx, String slug) {
        return Database.first(tx, TenantRepository::map, "SELECT " + COLUMNS + " FROM kernel.tenants WHERE slug = ?", slug);
    }

    /** The tenant a reference names: its id, or else its slug (slugs are lower case, so case is ignored). */
    public Optional<Tenant> byReference(DbExecute tx, String reference) {
        Optional<UUID> id = parseId(reference);
        return id.isPresent() ? byId(tx, id.get()) : bySlug(tx, reference.toLowerCase(java.util.Locale.ROOT));
    }

    /** A tenant id, or empty when the text is not a UUID (and so may be a slug). */
    public static Optional<UUID> parseId(String text) {
        if (text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** One page in creation order, starting after the cursor. */
    public List<Tenant> page(DbExecute tx, Optional<Cursor> after, int limit) {
        if (after.isPresent()) {
            return Database.list(tx, TenantRepository::map,
                                 "SELECT " + COLUMNS + " FROM kernel.tenants WHERE (created_at, id) > (?, ?) "
                                 + "ORDER BY created_at, id LIMIT ?",
                                 Database.timestamp(after.get().createdAt()), after.get().id(), limit);
        }
        return Database.list(tx, TenantRepository::map,
                             "SELECT " + COLUMNS + " FROM kernel.tenants ORDER BY created_at, id LIMIT ?", limit);
    }

    public void update(DbExecute tx, Tenant tenant) {
        tx.dml("UPDATE kernel.tenants SET name = ?, plan_tier = ?, status = ?, mfa_required = ? WHERE id = ?",
               tenant.name(), tenant.planTier(), tenant.status(), tenant.mfaRequired(), tenant.id());
    }

    static Tenant map(DbRow row) {
        return new Tenant(Database.uuid(row, "id"), Database.text(row, "slug"), Database.text(row, "name"),
                          Database.text(row, "plan_tier"), Database.text(row, "status"),
                          row.column("mfa_required").get(Boolean.class), Database.instant(row, "created_at"));
    }
}
