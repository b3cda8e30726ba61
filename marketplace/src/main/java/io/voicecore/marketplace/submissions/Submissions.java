package io.voicecore.marketplace.submissions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.zafarkhaja.semver.Version;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditEvent;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.install.PluginCatalog;
import io.voicecore.kernel.plugins.manifest.ManifestException;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.listings.Listings;
import io.voicecore.marketplace.publishers.Publisher;
import io.voicecore.marketplace.publishers.Publishers;
import io.voicecore.marketplace.signing.SignedJarCheck;
import io.voicecore.marketplace.signing.SignedJarRefusal;
import io.voicecore.marketplace.signing.SigningCertificate;

/**
 * Submissions from signature check to decision. A jar is refused at once when its signature, manifest or plugin id
 * is wrong; otherwise it is stored, reviewed automatically on a worker of its own, and then rejected (a check
 * failed), published by fast track, or queued for a reviewer.
 */
public final class Submissions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Submissions.class.getName());
    private static final String COLUMNS = "id, publisher_id, plugin_id, version, manifest, jar_sha256, signer, state, "
            + "report::text AS report, fast_tracked, decision, reasons::text AS reasons, checklist::text AS checklist, decided_by, "
            + "decided_at, submitted_at";
    /** The checklist a reviewer may fill in; each item true (checked) or false. */
    public static final List<String> CHECKLIST = List.of("permissions-justified", "description-accurate", "routes-answer",
                                                         "no-misleading-branding", "data-handling-described");
    private static final Principal AUTOMATED = new Principal("marketplace:automated-review", Role.REVIEWER, Optional.empty(),
                                                             "marketplace:automated-review", false);

    private final Database database;
    private final Publishers publishers;
    private final Listings listings;
    private final PluginCatalog catalog;
    private final AutomatedCheck check;
    private final AuditLog audit;
    private final ManifestParser manifests = new ManifestParser();
    private final boolean fastTrack;
    private final java.time.Clock clock;
    private final ExecutorService reviews = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "marketplace-automated-review");
        thread.setDaemon(true);
        return thread;
    });

    public Submissions(Database database, Publishers publishers, Listings listings, PluginCatalog catalog, AutomatedCheck check,
                       AuditLog audit, boolean fastTrack, java.time.Clock clock) {
        this.database = database;
        this.publishers = publishers;
        this.listings = listings;
        this.catalog = catalog;
        this.check = check;
        this.audit = audit;
        this.fastTrack = fastTrack;
        this.clock = clock;
    }

    /** Queues again what was under automated review when a node stopped. */
    public void resumePending() {
        database.inPlatform(tx -> Database.list(tx, row -> Database.uuid(row, "id"),
                "SELECT id FROM marketplace.submissions WHERE state = ? ORDER BY submitted_at", Submission.AUTOMATED_REVIEW))
                .forEach(this::queueReview);
    }

    /**
     * Accepts a signed jar for review.
     *
     * @throws MarketplaceRefusal {@code signature-refused} or {@code manifest-invalid} (422), {@code plugin-id-taken},
     *                            {@code plugin-id-reserved}, {@code version-exists} or {@code version-not-newer} (409)
     */
    public Submission submit(Publisher publisher, byte[] jar, Principal actor) {
        SigningCertificate signer;
        try {
            signer = SignedJarCheck.check(jar, publishers.activeCertificates(publisher));
        } catch (SignedJarRefusal refusal) {
            Map<String, Object> members = new LinkedHashMap<>();
            members.put("reason", wire(refusal.reason().name()));
            refusal.entry().ifPresent(entry -> members.put("entry", entry));
            // A jar someone else signed, or one changed after signing, is worth a trace: kept, with its digest.
            Map<String, Object> details = new LinkedHashMap<>(members);
            details.put("publisher", publisher.slug());
            details.put("jarSha256", Sha256.hex(jar));
            database.inPlatform(tx -> audit.append(tx, new AuditEvent(null, actor.actorId(), "marketplace.submission.refuse",
                                                                      "publisher:" + publisher.id(), "denied", details)));
            throw new MarketplaceRefusal(422, "signature-refused", "Signature refused", refusal.getMessage(), members);
        }
        String yaml = pluginYaml(jar);
        PluginManifest manifest;
        try {
            manifest = manifests.parse(yaml);
        } catch (ManifestException | IllegalArgumentException e) {
            throw new MarketplaceRefusal(422, "manifest-invalid", "Manifest invalid", "plugin.yaml is not valid: " + e.getMessage(),
                                         Map.of());
        }
        UUID id = UUID.randomUUID();
        try {
            database.inPlatform(tx -> {
                claim(tx, publisher, manifest);
                tx.dml("INSERT INTO marketplace.submissions (id, publisher_id, plugin_id, version, manifest, jar, jar_sha256, signer, state) "
                       + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, publisher.id(), manifest.id(), manifest.version(), yaml, jar,
                       Sha256.hex(jar), signer.fingerprint(), Submission.AUTOMATED_REVIEW);
                audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.submission.create", "submission:" + id,
                        Map.of("publisher", publisher.slug(), "plugin", manifest.id(), "version", manifest.version(),
                               "signer", signer.fingerprint())));
                return null;
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw versionExists(manifest); // the same version submitted concurrently
            }
            throw e;
        }
        queueReview(id);
        return find(id).orElseThrow();
    }

    /** The plugin id is the publisher's (claimed now if new), and the version is new and newer than any published. */
    private void claim(DbExecute tx, Publisher publisher, PluginManifest manifest) {
        Optional<UUID> owner = tx.get("SELECT publisher_id FROM marketplace.plugin_owners WHERE plugin_id = ?", manifest.id())
                .map(row -> Database.uuid(row, "publisher_id"));
        if (owner.isPresent() && !owner.get().equals(publisher.id())) {
            throw new MarketplaceRefusal(409, "plugin-id-taken", "Plugin id taken", "The plugin id '" + manifest.id()
                    + "' belongs to another publisher, which published it first; choose another id in plugin.yaml.",
                    Map.of("plugin", manifest.id()));
        }
        if (owner.isEmpty()) {
            if (catalog.installed(manifest.id()).isPresent()) {
                throw new MarketplaceRefusal(409, "plugin-id-reserved", "Plugin id reserved", "The plugin id '" + manifest.id()
                        + "' is a plugin the platform installed itself; choose another id in plugin.yaml.", Map.of("plugin", manifest.id()));
            }
            tx.dml("INSERT INTO marketplace.plugin_owners (plugin_id, publisher_id) VALUES (?, ?)", manifest.id(), publisher.id());
        }
        if (tx.get("SELECT 1 FROM marketplace.submissions WHERE plugin_id = ? AND version = ?", manifest.id(), manifest.version())
                .isPresent()) {
            throw versionExists(manifest);
        }
        Optional<String> latest = Database.list(tx, row -> Database.text(row, "version"),
                        "SELECT version FROM marketplace.listing_versions WHERE plugin_id = ?", manifest.id()).stream()
                .max(Submissions::compareVersions);
        if (latest.isPresent() && compareVersions(manifest.version(), latest.get()) <= 0) {
            throw new MarketplaceRefusal(409, "version-not-newer", "Version not newer", "Version " + manifest.version() + " of '"
                    + manifest.id() + "' is not newer than the published " + latest.get() + "; raise the version in plugin.yaml.",
                    Map.of("published", latest.get()));
        }
    }

    private static MarketplaceRefusal versionExists(PluginManifest manifest) {
        return new MarketplaceRefusal(409, "version-exists", "Version exists", "Version " + manifest.version() + " of '" + manifest.id()
                + "' was submitted already; raise the version in plugin.yaml to submit a change.", Map.of());
    }

    /** Semantic-version order (the manifest parser has checked that both are semantic versions). */
    public static int compareVersions(String a, String b) {
        return Version.parse(a).compareTo(Version.parse(b));
    }

    private static String pluginYaml(byte[] jar) {
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            JarEntry entry;
            while ((entry = in.getNextJarEntry()) != null) {
                if (entry.getName().equals("plugin.yaml")) {
                    byte[] bytes = in.readNBytes(ManifestParser.MAX_CHARACTERS * 4 + 1);
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            }
        } catch (java.io.IOException e) {
            throw new MarketplaceRefusal(422, "manifest-invalid", "Manifest invalid", "The jar could not be read: " + e.getMessage(), Map.of());
        }
        throw new MarketplaceRefusal(422, "manifest-invalid", "Manifest invalid", "The jar has no plugin.yaml at its root.", Map.of());
    }

    private void queueReview(UUID id) {
        try {
            reviews.submit(() -> review(id));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.fine(() -> "Not reviewing submission " + id + " now: the marketplace is stopping; it is resumed at the next start");
        }
    }

    /** Runs the automated review, then rejects, fast-tracks or queues the submission for a reviewer. */
    private void review(UUID id) {
        try {
            Submission submission = find(id).filter(s -> s.state().equals(Submission.AUTOMATED_REVIEW)).orElse(null);
            if (submission == null) {
                return;
            }
            byte[] jar = jar(id);
            Publisher publisher = publishers.byId(submission.publisherId()).orElseThrow();
            Optional<PluginManifest> last = listings.lastPublishedManifest(submission.pluginId());
            AutomatedCheck.Report report = check.review(jar, publishers.activeCertificates(publisher), last);
            String reportJson = Json.writeString(report.json());
            if (report.outcome() == AutomatedCheck.Outcome.REJECTED) {
                decide(id, "reject", report.failures(), Map.of(), AUTOMATED, reportJson, false);
            } else if (fastTrackable(submission, last, report)) {
                publish(id, jar, List.of("fast track: " + fastTrackReason(last.orElseThrow(), submission)), Map.of(), AUTOMATED, reportJson, true);
            } else {
                database.inPlatform(tx -> tx.dml("UPDATE marketplace.submissions SET report = ?::jsonb, state = ? WHERE id = ? AND state = ?",
                                                  reportJson, Submission.IN_REVIEW, id, Submission.AUTOMATED_REVIEW));
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "The automated review of submission " + id + " failed; it is rejected so the publisher can resubmit", e);
            try {
                decide(id, "reject", List.of("The automated review could not complete (" + e.getClass().getSimpleName()
                        + "); submit again, or contact the marketplace if it persists."), Map.of(), AUTOMATED, null, false);
            } catch (RuntimeException again) {
                LOG.log(Level.SEVERE, "Could not record the failed review of submission " + id, again);
            }
        }
    }

    /** A patch or minor version over the last published one, asking for no new permission, with a clean report. */
    private boolean fastTrackable(Submission submission, Optional<PluginManifest> last, AutomatedCheck.Report report) {
        if (!fastTrack || last.isEmpty() || report.outcome() != AutomatedCheck.Outcome.CLEAN || !report.addedPermissions().isEmpty()) {
            return false;
        }
        Version next = Version.parse(submission.version());
        Version previous = Version.parse(last.get().version());
        return next.majorVersion() == previous.majorVersion() && next.compareTo(previous) > 0 && !next.isPreRelease();
    }

    private static String fastTrackReason(PluginManifest last, Submission submission) {
        return submission.version() + " follows " + last.version() + " in the same major version, asks for no new permission and"
               + " passed every automated check";
    }

    /**
     * A reviewer's decision on a submission waiting for one.
     *
     * @throws MarketplaceRefusal {@code submission-not-found} (404), {@code submission-not-in-review} (409)
     */
    public Submission decide(UUID id, String decision, List<String> reasons, Map<String, Boolean> checklist, Principal reviewer) {
        Submission submission = find(id).orElseThrow(() -> notFound(id));
        if (!submission.state().equals(Submission.IN_REVIEW)) {
            throw MarketplaceRefusal.conflict("submission-not-in-review", "Submission " + id + " is " + submission.state()
                    + ", not waiting for a review.");
        }
        if (decision.equals("approve")) {
            return publish(id, jar(id), reasons, checklist, reviewer, null, false);
        }
        return decide(id, "reject", reasons, checklist, reviewer, null, false);
    }

    /** Publishes: installs the version in the kernel's catalog and lists it; a refusal by the kernel rejects it instead. */
    private Submission publish(UUID id, byte[] jar, List<String> reasons, Map<String, Boolean> checklist, Principal actor,
                               String reportJson, boolean fastTracked) {
        Submission submission = find(id).orElseThrow();
        PluginManifest manifest = manifests.parse(submission.manifestYaml());
        try {
            listings.install(manifest, jar, actor);
        } catch (MarketplaceRefusal refused) {
            List<String> why = new ArrayList<>(reasons);
            why.add(refused.getMessage());
            return decide(id, "reject", why, checklist, actor, reportJson, false);
        }
        database.inPlatform(tx -> {
            record(tx, id, "approve", Submission.PUBLISHED, reasons, checklist, actor, reportJson, fastTracked);
            listings.list(tx, submission, manifest);
            return null;
        });
        listings.announce(manifest.id());
        return find(id).orElseThrow();
    }

    private Submission decide(UUID id, String decision, List<String> reasons, Map<String, Boolean> checklist, Principal actor,
                              String reportJson, boolean fastTracked) {
        database.inPlatform(tx -> {
            record(tx, id, decision, decision.equals("approve") ? Submission.PUBLISHED : Submission.REJECTED, reasons, checklist, actor,
                   reportJson, fastTracked);
            return null;
        });
        return find(id).orElseThrow();
    }

    private void record(DbExecute tx, UUID id, String decision, String state, List<String> reasons, Map<String, Boolean> checklist,
                        Principal actor, String reportJson, boolean fastTracked) {
        long changed = tx.dml("UPDATE marketplace.submissions SET state = ?, decision = ?, reasons = ?::jsonb, checklist = ?::jsonb, "
                              + "decided_by = ?, decided_at = ?, fast_tracked = ?, report = coalesce(?::jsonb, report) "
                              + "WHERE id = ? AND state IN (?, ?)",
                              state, decision, Json.writeString(reasons), Json.writeString(checklist), actor.actorId(),
                              Database.timestamp(clock.instant()), fastTracked, reportJson, id, Submission.AUTOMATED_REVIEW,
                              Submission.IN_REVIEW);
        if (changed != 1) {
            throw MarketplaceRefusal.conflict("submission-not-in-review", "Submission " + id + " was decided meanwhile.");
        }
        audit.append(tx, AuditEvent.success(null, actor.actorId(), "marketplace.submission." + (decision.equals("approve") ? "publish" : "reject"),
                "submission:" + id, Map.of("reasons", reasons, "fastTrack", fastTracked)));
    }

    public Optional<Submission> find(UUID id) {
        return database.inPlatform(tx -> Database.first(tx, Submissions::map, "SELECT " + COLUMNS + " FROM marketplace.submissions WHERE id = ?", id));
    }

    /** The publisher's submission, or 404 for another publisher's. */
    public Submission ofPublisher(Publisher publisher, UUID id) {
        return find(id).filter(s -> s.publisherId().equals(publisher.id())).orElseThrow(() -> notFound(id));
    }

    public List<Submission> ofPublisher(Publisher publisher, int limit) {
        return database.inPlatform(tx -> Database.list(tx, Submissions::map, "SELECT " + COLUMNS
                + " FROM marketplace.submissions WHERE publisher_id = ? ORDER BY submitted_at DESC, id LIMIT ?", publisher.id(), limit));
    }

    /** Submissions in a state, oldest first: the reviewers' queue. */
    public List<Submission> inState(String state, int limit) {
        return database.inPlatform(tx -> Database.list(tx, Submissions::map, "SELECT " + COLUMNS
                + " FROM marketplace.submissions WHERE state = ? ORDER BY submitted_at, id LIMIT ?", state, limit));
    }

    private byte[] jar(UUID id) {
        return database.inPlatform(tx -> tx.get("SELECT jar FROM marketplace.submissions WHERE id = ?", id)
                .orElseThrow(() -> notFound(id)).column("jar").get(byte[].class));
    }

    static MarketplaceRefusal notFound(UUID id) {
        return MarketplaceRefusal.notFound("submission-not-found", "No submission " + id + " visible to this credential.");
    }

    private static String wire(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Submission map(DbRow row) {
        return new Submission(Database.uuid(row, "id"), Database.uuid(row, "publisher_id"), Database.text(row, "plugin_id"),
                Database.text(row, "version"), Database.text(row, "manifest"), Database.text(row, "jar_sha256"),
                Database.text(row, "signer"), Database.text(row, "state"), json(Database.text(row, "report")),
                row.column("fast_tracked").get(Boolean.class), Database.text(row, "decision"),
                parse(Database.text(row, "reasons"), new TypeReference<List<String>>() { }, List.of()),
                parse(Database.text(row, "checklist"), new TypeReference<Map<String, Boolean>>() { }, Map.of()),
                Database.text(row, "decided_by"), Database.instant(row, "decided_at"), Database.instant(row, "submitted_at"));
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? null : Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored report is not JSON", e);
        }
    }

    private static <T> T parse(String text, TypeReference<T> type, T absent) {
        try {
            return text == null ? absent : Json.MAPPER.readValue(text, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored decision is not JSON", e);
        }
    }

    @Override
    public void close() {
        reviews.shutdownNow();
        try {
            reviews.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
