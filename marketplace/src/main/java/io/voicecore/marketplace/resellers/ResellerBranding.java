package io.voicecore.marketplace.resellers;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.http.WhiteLabel;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;

/**
 * Resellers' white labels: a reseller's own branding, a tenant's effective branding (its reseller's, overridden field by
 * field by its bundle version's; the platform's for a direct tenant) and the branding a request's host stands for
 * (a reseller's verified domain). As the kernel's {@link WhiteLabel}, it tells the kernel which hosts must not name
 * the platform.
 *
 * <p>Hosts are looked up in a snapshot of the verified domains, read again when older than {@link #SNAPSHOT_AGE} or
 * when this node changed a domain or a branding: the request path never waits on the database for a host, and another
 * node sees a change within that age.
 */
public final class ResellerBranding implements WhiteLabel, AutoCloseable {
    static final Duration SNAPSHOT_AGE = Duration.ofSeconds(30);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(ResellerBranding.class.getName());

    private record Snapshot(Map<String, Branding> byHost, long readAtNanos) {
    }

    private final Database database;
    private final AuditLog audit;
    private volatile Snapshot snapshot;
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private final NearCache byTenant;

    /** @param state shared across nodes, so a change on one node is forgotten on every node at once */
    public ResellerBranding(Database database, AuditLog audit, SharedState state, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.byTenant = new NearCache("reseller-branding", state, SNAPSHOT_AGE, 100_000, clock);
    }

    /** A reseller's branding as it set it (only the fields it set). */
    public Branding of(Reseller reseller) {
        return database.inPlatform(tx -> tx.get("SELECT branding::text AS branding FROM marketplace.resellers WHERE id = ?", reseller.id())
                .map(row -> Branding.fromStored(row.column("branding").getString())).orElse(Branding.NONE));
    }

    /** Replaces a reseller's branding; {@code principal} may act for the reseller (checked by the caller). */
    public Branding replace(Reseller reseller, Branding branding, Principal principal) {
        database.inPlatform(tx -> {
            tx.dml("UPDATE marketplace.resellers SET branding = ?::jsonb WHERE id = ?", branding.toJson(), reseller.id());
            audit.append(tx, AuditEvent.success(null, principal.actorId(), "marketplace.reseller.branding", "reseller:" + reseller.id(),
                                                Map.of("branding", branding.view())));
            return null;
        });
        forget();
        return branding;
    }

    /**
     * The branding a tenant's users and callers see: its reseller's (with the reseller's name where it set no product or
     * sender name), overridden by its bundle version's; the platform's for a tenant without a reseller.
     */
    public Branding forTenant(UUID tenantId) {
        return database.inPlatform(tx -> tx.get(
                "SELECT r.name, r.branding::text AS reseller_branding, v.branding::text AS bundle_branding"
                + " FROM marketplace.reseller_tenants t JOIN marketplace.resellers r ON r.id = t.reseller_id"
                + " LEFT JOIN marketplace.bundle_versions v ON v.bundle_id = t.bundle_id AND v.version = t.bundle_version"
                + " WHERE t.tenant_id = ?", tenantId)
                .map(row -> resellers(row, "reseller_branding").overriddenBy(Branding.fromStored(row.column("bundle_branding").getString())))
                .orElse(Branding.PLATFORM));
    }

    /**
     * A tenant's branding as plugins read it ({@code PluginContext.branding()}), remembered per tenant for
     * {@link #SNAPSHOT_AGE} so that a plugin call does not wait on the database each time.
     */
    public io.voicecore.sdk.Branding forPlugins(UUID tenantId) {
        return byTenant.get(tenantId.toString(), () -> {
            Branding branding = forTenant(tenantId);
            return Optional.of(new io.voicecore.sdk.Branding(branding.productName(), branding.assistantName(),
                                                             Optional.ofNullable(branding.supportEmail()), branding.senderName()));
        }).orElseThrow();
    }

    /** The branding of the reseller whose verified domain {@code host} is; empty for any other host. */
    public Optional<Branding> forHost(String host) {
        Snapshot current = snapshot;
        if (current == null || System.nanoTime() - current.readAtNanos() > SNAPSHOT_AGE.toNanos()) {
            current = read();
        }
        return Optional.ofNullable(current.byHost().get(host));
    }

    @Override
    public Optional<String> productName(String host) {
        return host.isEmpty() ? Optional.empty() : forHost(host).map(Branding::productName);
    }

    /**
     * Drops what is remembered after a change on this node (a domain, a reseller's branding, a tenant's bundle), so the
     * next request and plugin call read the change.
     */
    public void forget() {
        changes.incrementAndGet();
        snapshot = null;
        byTenant.invalidateAll();
    }

    private synchronized Snapshot read() {
        Snapshot current = snapshot;
        if (current != null && System.nanoTime() - current.readAtNanos() <= SNAPSHOT_AGE.toNanos()) {
            return current; // another request read it meanwhile
        }
        long changesBefore = changes.get();
        Map<String, Branding> byHost = new HashMap<>();
        try {
            database.inPlatform(tx -> Database.list(tx, row -> Map.entry(row.column("domain").getString(), resellers(row, "reseller_branding")),
                "SELECT d.domain, r.name, r.branding::text AS reseller_branding FROM marketplace.reseller_domains d"
                + " JOIN marketplace.resellers r ON r.id = d.reseller_id WHERE d.verified_at IS NOT NULL"))
                    .forEach(entry -> byHost.put(entry.getKey(), entry.getValue()));
        } catch (RuntimeException unreadable) {
            // Requests go on with the domains known so far (none after a start), and the read is tried again in seconds:
            // an unreachable database must not fail every request at its first filter.
            LOG.log(Level.WARNING, "The verified domains of resellers could not be read; retrying shortly", unreadable);
            Snapshot kept = new Snapshot(current == null ? Map.of() : current.byHost(),
                                         System.nanoTime() - SNAPSHOT_AGE.toNanos() + RETRY_AFTER.toNanos());
            snapshot = kept;
            return kept;
        }
        Snapshot fresh = new Snapshot(Map.copyOf(byHost), System.nanoTime());
        if (changes.get() == changesBefore) {
            snapshot = fresh; // not kept when a change on this node may have committed after the read began
        }
        return fresh;
    }

    /** A reseller's branding over what it falls back to: the platform's, but with the reseller's name for the product. */
    private static Branding resellers(DbRow row, String brandingColumn) {
        String name = row.column("name").getString();
        Branding fallback = new Branding(name, null, Branding.PLATFORM.primaryColour(), Branding.PLATFORM.accentColour(),
                                         Branding.PLATFORM.assistantName(), null, name);
        return fallback.overriddenBy(Branding.fromStored(row.column(brandingColumn).getString()));
    }

    @Override
    public void close() {
        byTenant.close();
    }
}
