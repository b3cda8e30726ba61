package io.voicecore.kernel.plugins.events;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
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
 * <p><b>Limitation:</b> a plugin's {@code Storage.transaction} runs on a different connection, as the
 * plugin's own database role, so an event published through {@link #forCall} inside such a transaction
 * is committed independently of it (before it). To make them atomic, the storage side can call
 * {@link #publishInTransaction(DbExecute, PluginCall, String, Json)} with its transaction, provided that
 * connection may insert into {@code kernel.event_outbox} under RLS (today only {@code voicecore_app} may;
 * a plugin role would need a narrow {@code SECURITY DEFINER} function). That wiring is not built.
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
     * What a plugin's storage transaction can call to publish atomically with its own writes: the same
     * checks as {@link #forCall}, then {@link #publish} in the given transaction (see the class comment).
     */
    public UUID publishInTransaction(DbExecute tx, PluginCall call, String topic, Json payload) {
        requireMayPublish(call, topic);
        return publish(tx, call.tenantId(), call.pluginId(), topic, payload);
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
            UUID id = database.inTenant(call.tenantId(), tx -> publish(tx, call.tenantId(), call.pluginId(), topic, payload));
            wakeDispatchers();
            return id.toString();
        };
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
