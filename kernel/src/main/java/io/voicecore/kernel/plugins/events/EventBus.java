package io.voicecore.kernel.plugins.events;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * <p>Inside a plugin's {@code Storage.transaction} the plugin's own connection is used instead, through
 * {@code vc_guard.publish_event}, so the event commits or rolls back with the plugin's writes; the
 * topics that function accepts are those {@link #registerPublications} recorded from the manifest.
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
     * {@link PermissionDeniedException}; the event is then committed in a kernel transaction of its own.
     */
    public Events forCall(PluginCall call) {
        Objects.requireNonNull(call, "call");
        return (topic, payload) -> {
            requireMayPublish(call, topic);
            Optional<Connection> transaction = PluginTransactions.current(call);
            UUID id = transaction.isPresent() ? publishInPluginTransaction(transaction.get(), topic, payload)
                    : database.inTenant(call.tenantId(), tx -> publish(tx, call.tenantId(), call.pluginId(), topic, payload));
            // Inside a plugin transaction this wakes the dispatchers before the commit; they then find the event at their next poll.
            wakeDispatchers();
            return id.toString();
        };
    }

    /** Writes the event on the plugin's own connection, in its open transaction, through vc_guard.publish_event. */
    private UUID publishInPluginTransaction(Connection connection, String topic, Json payload) {
        requireValidTopic(topic);
        String text = payloadText(topic, payload);
        UUID id = UUID.randomUUID();
        try (PreparedStatement statement = connection.prepareStatement("SELECT vc_guard.publish_event(?, ?, ?)")) {
            statement.setObject(1, id);
            statement.setString(2, topic);
            statement.setString(3, text);
            statement.execute();
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("The event could not be published in the plugin's transaction: " + e.getMessage(), e);
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
