package io.voicecore.kernel.plugins.events;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginTransactions;
import io.voicecore.kernel.plugins.storage.PluginDatabaseNames;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.json.Json;

/**
 * Publishes plugin events through a transactional outbox ({@code kernel.event_outbox}): an event is a
 * row written in the publisher's own transaction, so a change that rolls back publishes nothing and a
 * committed one is delivered at least once by the {@link EventDispatcher}s of every kernel node.
 *
 * <p>{@link #forCall(PluginCall)} is the plugin-facing capability: it checks the {@code events:publish}
 * grant and the manifest's {@code publishes} list, then publishes in a kernel transaction of its own.
 *
 * <p>Inside a plugin's {@code Storage.transaction} the plugin's own connection is used instead: the transaction's
 * events are written together through {@code vc_guard.publish_events} just before it commits, so they commit or roll
 * back with the plugin's writes; the topics that function accepts are those {@link #registerPublications} recorded
 * from the manifest.
 */
public final class EventBus {
    /** The publisher name of events the kernel itself publishes. */
    public static final String KERNEL_PUBLISHER = "kernel";
    /** The {@link SharedState} channel on which publishers wake the dispatchers of every node. */
    public static final String WAKE_CHANNEL = "events";
    /** Largest payload accepted, as UTF-8 JSON text: events carry ids and small facts, not documents. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());
    private static final Pattern TOPIC = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*");
    private static final int MAX_TOPIC_LENGTH = 200;

    private final Database database;
    private final SharedState state;
    private final Clock clock;

    public EventBus(Database database, SharedState state, Clock clock) {
        this.database = database;
        this.state = state;
        this.clock = clock;
    }

    /**
     * Writes one event in the caller's transaction and returns its id. Nothing is delivered unless that
     * transaction commits. The transaction's scope must see {@code tenantId} (its own tenant, or platform).
     * After the commit, {@link #wakeDispatchers()} makes delivery start at once instead of at the next poll.
     *
     * @param publisher a plugin id or {@link #KERNEL_PUBLISHER}
     * @throws IllegalArgumentException for a malformed topic, a missing payload or one over {@value #MAX_PAYLOAD_BYTES} bytes
     */
    public UUID publish(DbExecute tx, UUID tenantId, String publisher, String topic, Json payload) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(publisher, "publisher");
        requireValidTopic(topic);
        String text = payloadText(topic, payload);
        UUID id = UUID.randomUUID();
        Instant occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        tx.dml("INSERT INTO kernel.event_outbox (id, tenant_id, topic, publisher, payload, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
               id, tenantId, topic, publisher, text, Database.timestamp(occurredAt));
        return id;
    }

    /**
     * The {@code Events} capability of one plugin call. Every {@code publish} checks that the plugin declared
     * and was granted {@code events:publish} and lists the topic under {@code publishes}, or throws
     * {@link PermissionDeniedException}; the event is then committed in a kernel transaction of its own, or, inside
     * the plugin's storage transaction, written with it just before it commits.
     */
    public Events forCall(PluginCall call) {
        Objects.requireNonNull(call, "call");
        return (topic, payload) -> {
            requireMayPublish(call, topic);
            requireValidTopic(topic);
            Optional<PublishedInTransaction> transaction = PluginTransactions.join(call, PublishedInTransaction.class,
                                                                                     connection -> new PublishedInTransaction());
            if (transaction.isPresent()) {
                return transaction.get().add(topic, payloadText(topic, payload)).toString();
            }
            UUID id = database.inTenant(call.tenantId(), tx -> publish(tx, call.tenantId(), call.pluginId(), topic, payload));
            wakeDispatchers();
            return id.toString();
        };
    }

    /**
     * The events a plugin published inside one storage transaction: collected while its work runs, written in one
     * statement through {@code vc_guard.publish_events} on the plugin's own connection just before the commit (one
     * round trip however many there are), and the dispatchers woken once they are committed.
     */
    private final class PublishedInTransaction implements PluginTransactions.Participant {
        private final List<UUID> ids = new ArrayList<>();
        private final List<String> topics = new ArrayList<>();
        private final List<String> payloads = new ArrayList<>();

        UUID add(String topic, String payload) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            topics.add(topic);
            payloads.add(payload);
            return id;
        }

        @Override
        public void beforeCommit(Connection connection) throws SQLException {
            if (ids.isEmpty()) {
                return;
            }
            try (PreparedStatement statement = connection.prepareStatement("SELECT vc_guard.publish_events(?, ?, ?)")) {
                statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
                statement.setArray(2, connection.createArrayOf("text", topics.toArray()));
                statement.setArray(3, connection.createArrayOf("text", payloads.toArray()));
                statement.execute();
            }
        }

        @Override
        public void afterCommit() {
            if (!ids.isEmpty()) {
                wakeDispatchers();
            }
        }
    }

    /**
     * Records which topics a plugin's database role may publish from inside its own transactions; called at
     * every install and upgrade of a plugin that has a database.
     */
    public void registerPublications(PluginManifest manifest) {
        String role = PluginDatabaseNames.of(manifest.id()).runtimeRole();
        database.inPlatform(tx -> {
            tx.dml("DELETE FROM vc_guard.publications WHERE plugin_id = ?", manifest.id());
            for (String topic : manifest.publishes()) {
                tx.dml("INSERT INTO vc_guard.publications (role, plugin_id, topic) VALUES (?, ?, ?)", role, manifest.id(), topic);
            }
            return null;
        });
    }

    /**
     * Tells the dispatchers of every node that new events were committed. Best effort: if the shared
     * state is unreachable they still find the events at their next poll.
     */
    public void wakeDispatchers() {
        try {
            state.publish(WAKE_CHANNEL, "published");
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not wake the event dispatchers; they will poll", e);
        }
    }

    private static void requireMayPublish(PluginCall call, String topic) {
        call.require(PluginManifest.Permission.EVENTS_PUBLISH);
        if (topic == null || !call.manifest().publishes().contains(topic)) {
            throw new PermissionDeniedException(PluginManifest.Permission.EVENTS_PUBLISH,
                    "Plugin '" + call.pluginId() + "' may not publish the topic '" + topic + "': it is not listed under "
                    + "events.publishes in its plugin.yaml (listed: " + call.manifest().publishes() + ").");
        }
    }

    static void requireValidTopic(String topic) {
        if (topic == null || topic.length() > MAX_TOPIC_LENGTH || !TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("Event topic '" + topic + "' is not valid: use dot-separated lower-case words "
                                               + "of letters, digits, '-' and '_', e.g. 'crm.contact.created', at most "
                                               + MAX_TOPIC_LENGTH + " characters.");
        }
    }

    private static String payloadText(String topic, Json payload) {
        if (payload == null) {
            throw new IllegalArgumentException("The payload of an event of topic '" + topic + "' is missing; pass Json.NULL "
                                               + "or an object for an event without data.");
        }
        String text = payload.toString();
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("The payload of an event of topic '" + topic + "' is " + size + " bytes; at most "
                                               + MAX_PAYLOAD_BYTES + " are allowed. Publish ids and let subscribers read the data.");
        }
        return text;
    }
}
