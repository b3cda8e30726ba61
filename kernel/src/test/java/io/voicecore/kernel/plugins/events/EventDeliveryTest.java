package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.TestPostgres;
import io.voicecore.sdk.Event;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Publishing through the outbox and delivering to subscribers: transactions, routing, retries, dead letters. */
class EventDeliveryTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final int MAX_ATTEMPTS = 4;

    static InProcessSharedState state = new InProcessSharedState();
    static EventNode node;
    static RecordingPlugins plugins = new RecordingPlugins();
    static UUID tenantA;
    static UUID tenantB;

    @BeforeAll
    static void start() {
        node = new EventNode(TestPostgres.newDatabase(), state);
        tenantA = node.createTenant("events-a");
        tenantB = node.createTenant("events-b");
        node.startDispatcher(plugins, EventNode.quickSettings().withMaxAttempts(MAX_ATTEMPTS));
    }

    @AfterAll
    static void stop() {
        node.close();
        state.close();
    }

    private static UUID publishCommitted(UUID tenant, String topic, Json payload) {
        UUID id = node.database().inTenant(tenant, tx -> node.bus().publish(tx, tenant, EventBus.KERNEL_PUBLISHER, topic, payload));
        node.bus().wakeDispatchers();
        return id;
    }

    private static void awaitDelivered(UUID eventId, String... subscribers) {
        EventNode.await(WAIT, () -> node.isDelivered(eventId),
                        () -> "event " + eventId + " delivered to " + List.of(subscribers) + "; rows are " + node.deliveriesOf(eventId));
        for (String subscriber : subscribers) {
            assertTrue(plugins.deliveriesTo(subscriber).stream().anyMatch(d -> d.succeeded() && d.event().id().equals(eventId.toString())),
                       subscriber + " received event " + eventId);
        }
    }

    @Test
    void eventOfRolledBackTransactionIsNeverDelivered() {
        plugins.subscribe(tenantA, "rollback.test", "rb-plugin");
        UUID[] rolledBack = new UUID[1];
        assertThrows(IllegalStateException.class, () -> node.database().inTenant(tenantA, tx -> {
            rolledBack[0] = node.bus().publish(tx, tenantA, EventBus.KERNEL_PUBLISHER, "rollback.test", Json.of(Map.of("n", 1)));
            throw new IllegalStateException("the change failed after publishing");
        }));
        // A later committed event on the same topic is delivered: by then the dispatcher has looked at the outbox.
        UUID committed = publishCommitted(tenantA, "rollback.test", Json.of(Map.of("n", 2)));
        awaitDelivered(committed, "rb-plugin");

        assertEquals(0, node.count("SELECT count(*) AS n FROM kernel.event_outbox WHERE id = ?", rolledBack[0]));
        List<String> delivered = plugins.deliveriesTo("rb-plugin").stream().map(d -> d.event().id()).toList();
        assertEquals(List.of(committed.toString()), delivered);
        assertEquals(Map.of(), node.deliveriesOf(committed), "a delivery to the only subscriber at the first try leaves no row");
    }

    @Test
    void committedEventReachesExactlyTheSubscribersOfItsTopicInItsTenant() {
        plugins.subscribe(tenantA, "crm.contact.created", "routing-one", "routing-two");
        plugins.subscribe(tenantA, "crm.contact.deleted", "routing-other-topic");
        plugins.subscribe(tenantB, "crm.contact.created", "routing-other-tenant");
        Json payload = Json.object().put("contactId", "c-42").put("name", "Ada").put("tags", List.of("vip", "new")).build();

        UUID eventId = publishCommitted(tenantA, "crm.contact.created", payload);
        awaitDelivered(eventId, "routing-one", "routing-two");

        // Several subscribers: each success is marked, so a node dying while serving one does not repeat the other.
        assertEquals(Map.of("routing-one", "delivered/1", "routing-two", "delivered/1"), node.deliveriesOf(eventId));
        for (String subscriber : List.of("routing-one", "routing-two")) {
            List<RecordingPlugins.Delivery> received = plugins.deliveriesTo(subscriber);
            assertEquals(1, received.size(), subscriber + " received " + received);
            Event event = received.get(0).event();
            assertEquals(eventId.toString(), event.id());
            assertEquals("crm.contact.created", event.topic());
            assertEquals(tenantA.toString(), event.tenantId());
            assertEquals(tenantA, received.get(0).tenantId());
            assertEquals(EventBus.KERNEL_PUBLISHER, event.publisher());
            assertEquals(payload, event.payload());
            assertEquals(payload.toString(), event.payload().toString(), "member order survives the outbox");
            assertEquals(1, event.attempt());
        }
        assertTrue(plugins.deliveriesTo("routing-other-topic").isEmpty());
        assertTrue(plugins.deliveriesTo("routing-other-tenant").isEmpty());
    }

    @Test
    void failingSubscriberIsRetriedWithBackoffAndSucceedsOnTheThirdAttempt() {
        plugins.subscribe(tenantA, "retry.test", "retry-plugin");
        Map<Integer, Long> attemptStartedNanos = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicReference<Boolean> deliveredDuringRetry = new java.util.concurrent.atomic.AtomicReference<>();
        plugins.behave("retry-plugin", (tenant, plugin, event) -> {
            attemptStartedNanos.put(event.attempt(), System.nanoTime());
            if (event.attempt() == 2) {
                deliveredDuringRetry.set(node.isDelivered(UUID.fromString(event.id())));
            }
            if (event.attempt() < 3) {
                throw new IllegalStateException("downstream unavailable (attempt " + event.attempt() + ")");
            }
        });
        UUID eventId = publishCommitted(tenantA, "retry.test", Json.NULL);
        awaitDelivered(eventId, "retry-plugin");
        assertEquals(Boolean.FALSE, deliveredDuringRetry.get(), "an event whose delivery is being retried is not delivered yet");

        List<RecordingPlugins.Delivery> calls = plugins.deliveriesTo("retry-plugin");
        assertEquals(List.of(1, 2, 3), calls.stream().map(d -> d.event().attempt()).toList());
        assertEquals(List.of(false, false, true), calls.stream().map(RecordingPlugins.Delivery::succeeded).toList());
        assertEquals(Map.of("retry-plugin", "delivered/3"), node.deliveriesOf(eventId));
        // Backoff: 50 ms after the first failure, 100 ms after the second (database and JVM share one clock here).
        long firstWait = Duration.ofNanos(attemptStartedNanos.get(2) - attemptStartedNanos.get(1)).toMillis();
        long secondWait = Duration.ofNanos(attemptStartedNanos.get(3) - attemptStartedNanos.get(2)).toMillis();
        assertTrue(firstWait >= 45, "waited " + firstWait + " ms after the first failure");
        assertTrue(secondWait >= 95, "waited " + secondWait + " ms after the second failure");
        String lastError = node.database().inPlatform(tx -> tx.get(
                "SELECT last_error FROM kernel.event_deliveries WHERE event_id = ?", eventId).map(r -> Database.text(r, "last_error")))
                .orElseThrow();
        assertEquals("IllegalStateException: downstream unavailable (attempt 2)", lastError);
    }

    @Test
    void alwaysFailingSubscriberIsDeadLetteredAfterMaxAttemptsWithoutSecretsInTheError() throws InterruptedException {
        plugins.subscribe(tenantB, "dead.test", "dead-plugin");
        AtomicInteger calls = new AtomicInteger();
        plugins.behave("dead-plugin", (tenant, plugin, event) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("CRM refused Authorization: Bearer sk_live_abc123 with api_key=zzz999 and vck_SecretKey42");
        });
        UUID eventId = publishCommitted(tenantB, "dead.test", Json.object().put("id", 7).build());
        EventNode.await(WAIT, () -> node.deliveriesOf(eventId).equals(Map.of("dead-plugin", "dead/" + MAX_ATTEMPTS)),
                        () -> "a dead letter after " + MAX_ATTEMPTS + " attempts; rows are " + node.deliveriesOf(eventId));
        String lastError = node.database().inPlatform(tx -> tx.get(
                "SELECT last_error FROM kernel.event_deliveries WHERE event_id = ?", eventId).map(r -> Database.text(r, "last_error")))
                .orElseThrow();
        assertTrue(lastError.startsWith("IllegalStateException: CRM refused"), lastError);
        for (String secret : List.of("sk_live_abc123", "zzz999", "SecretKey42")) {
            assertFalse(lastError.contains(secret), "the stored error must not keep '" + secret + "': " + lastError);
        }
        Thread.sleep(600); // several backoff periods: a dead letter is not tried again
        assertEquals(MAX_ATTEMPTS, calls.get());
        assertFalse(node.isDelivered(eventId), "a dead letter keeps its event undelivered, so retention keeps it for replay");
    }

    @Test
    void eventWithoutSubscribersIsFannedOutToNobody() {
        UUID eventId = publishCommitted(tenantA, "nobody.listens", Json.object().build());
        EventNode.await(WAIT, () -> node.count("SELECT count(*) AS n FROM kernel.event_outbox WHERE id = ? AND fanned_out_at IS NOT NULL",
                                               eventId) == 1, () -> "event " + eventId + " fanned out");
        assertEquals(Map.of(), node.deliveriesOf(eventId));
        assertTrue(node.isDelivered(eventId), "nobody was left to receive it");
    }

    @Test
    void deliveryBookkeepingHasNoForeignKeys() {
        // The dispatcher copies event and tenant from the outbox row; a foreign key check per row would only cost.
        assertEquals(0, node.count("SELECT count(*) AS n FROM pg_constraint WHERE conrelid = 'kernel.event_deliveries'::regclass "
                                   + "AND contype = 'f'"));
    }

    @Test
    void subscribersAreTakenAtFanOutTimeSoOneAddedLaterMissesEarlierEvents() {
        plugins.subscribe(tenantA, "late.subscriber", "early-plugin");
        UUID first = publishCommitted(tenantA, "late.subscriber", Json.of(1));
        awaitDelivered(first, "early-plugin");
        plugins.subscribe(tenantA, "late.subscriber", "late-plugin");
        UUID second = publishCommitted(tenantA, "late.subscriber", Json.of(2));
        awaitDelivered(second, "early-plugin", "late-plugin");
        assertEquals(List.of(second.toString()), plugins.deliveriesTo("late-plugin").stream().map(d -> d.event().id()).toList());
    }

    @Test
    void aTenantTransactionCannotPublishForAnotherTenant() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> node.database().inTenant(tenantA,
                tx -> node.bus().publish(tx, tenantB, EventBus.KERNEL_PUBLISHER, "cross.tenant", Json.NULL)));
        assertTrue(String.valueOf(refused.getMessage()).contains("row-level security")
                   || String.valueOf(refused.getCause()).contains("row-level security"), String.valueOf(refused));
        assertEquals(0, node.count("SELECT count(*) AS n FROM kernel.event_outbox WHERE topic = 'cross.tenant'"));
    }

    @Test
    void malformedTopicsAndOversizedPayloadsAreRejectedWithReasons() {
        for (String topic : List.of("", "Crm.Contact", "crm..contact", ".crm", "crm contact", "x".repeat(201))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node.database().inTenant(tenantA,
                    tx -> node.bus().publish(tx, tenantA, EventBus.KERNEL_PUBLISHER, topic, Json.NULL)), topic);
            assertTrue(e.getMessage().contains("crm.contact.created"), e.getMessage());
        }
        Json huge = Json.of("x".repeat(EventBus.MAX_PAYLOAD_BYTES));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node.database().inTenant(tenantA,
                tx -> node.bus().publish(tx, tenantA, EventBus.KERNEL_PUBLISHER, "big.event", huge)));
        assertTrue(e.getMessage().contains("at most " + EventBus.MAX_PAYLOAD_BYTES), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> node.database().inTenant(tenantA,
                tx -> node.bus().publish(tx, tenantA, EventBus.KERNEL_PUBLISHER, "null.payload", null)));
    }

    @Test
    void aBacklogOfManyBatchesReachesEachSubscriberInOrderOneDeliveryAtATime() {
        // A node of its own (no other dispatcher on its database) with batches of 10: 120 events take twelve batches,
        // fanned out while the previous batch is being delivered.
        RecordingPlugins recorded = new RecordingPlugins();
        Map<String, Integer> mostAtOnce = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        RecordingPlugins.Behaviour slowly = (t, plugin, event) -> {
            int now = running.computeIfAbsent(plugin, p -> new AtomicInteger()).incrementAndGet();
            mostAtOnce.merge(plugin, now, Math::max);
            Thread.sleep(1);
            running.get(plugin).decrementAndGet();
        };
        recorded.behave("first", slowly);
        recorded.behave("second", slowly);
        try (InProcessSharedState ownState = new InProcessSharedState();
             EventNode own = new EventNode(TestPostgres.newDatabase(), ownState)) {
            UUID tenant = own.createTenant("events-pipeline");
            recorded.subscribe(tenant, "pipeline.tick", "first", "second");
            List<UUID> ids = own.database().inTenant(tenant, tx -> java.util.stream.IntStream.range(0, 120)
                    .mapToObj(n -> own.bus().publish(tx, tenant, EventBus.KERNEL_PUBLISHER, "pipeline.tick", Json.of(Map.of("n", n))))
                    .toList());
            own.startDispatcher(recorded, EventNode.quickSettings().withBatchSize(10)).wake();
            EventNode.await(WAIT, () -> own.deliveredEvents() == 120,
                            () -> recorded.deliveries().size() + " of 240 deliveries made");
            for (String subscriber : List.of("first", "second")) {
                List<String> order = recorded.deliveriesTo(subscriber).stream().map(d -> d.event().id()).toList();
                assertEquals(ids.stream().map(UUID::toString).toList(), order, subscriber + " got every event once, in publication order");
                assertEquals(1, mostAtOnce.get(subscriber), subscriber + " never had two deliveries at once");
            }
        }
    }
}
