package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.testing.TestPostgres;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.Test;

/**
 * Committed events survive the node that should deliver them: a node that stops, or dies in the middle of
 * delivering, leaves nothing undelivered once another dispatcher runs on the same database. A node that dies
 * repeats at most the share of the batch it was delivering to one subscriber (successes are recorded together at the
 * end of each share), always under the same event id; other subscribers' recorded shares are not repeated.
 */
class EventRestartTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    private static List<UUID> publish(EventNode node, UUID tenant, String topic, int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            ids.add(node.database().inTenant(tenant, tx -> node.bus().publish(tx, tenant, "crm", topic, Json.object().put("n", n).build())));
        }
        return ids;
    }

    private static long undelivered(EventNode node) {
        return node.count("SELECT count(*) AS n FROM kernel.event_outbox WHERE delivered_at IS NULL");
    }

    @Test
    void eventsCommittedWhileNoDispatcherRanAreDeliveredByTheNextOne() {
        String url = TestPostgres.newDatabase();
        RecordingPlugins plugins = new RecordingPlugins();
        List<UUID> ids;
        UUID tenant;
        try (InProcessSharedState state = new InProcessSharedState(); EventNode first = new EventNode(url, state)) {
            tenant = first.createTenant("restart");
            plugins.subscribe(tenant, "crm.contact.created", "search", "mailer");
            // A dispatcher started and stopped before anything was published, then the events are committed.
            first.startDispatcher(plugins, EventNode.quickSettings()).close();
            ids = publish(first, tenant, "crm.contact.created", 25);
        }
        assertTrue(plugins.deliveries().isEmpty());

        try (InProcessSharedState state = new InProcessSharedState(); EventNode second = new EventNode(url, state)) {
            second.startDispatcher(plugins.forNode("node-2"), EventNode.quickSettings());
            EventNode.await(WAIT, () -> undelivered(second) == 0 && second.count(
                    "SELECT count(*) AS n FROM kernel.event_deliveries WHERE status = 'delivered'") == 50,
                            () -> "50 deliveries (two subscribers: a delivered row each); " + undelivered(second) + " events not yet delivered");
        }
        for (String subscriber : List.of("search", "mailer")) {
            Set<String> received = plugins.deliveriesTo(subscriber).stream().map(d -> d.event().id()).collect(Collectors.toSet());
            assertEquals(ids.stream().map(UUID::toString).collect(Collectors.toSet()), received, subscriber);
        }
        assertEquals(50, plugins.deliveries().size(), "nothing was in progress at the restart, so nothing is repeated");
    }

    @Test
    void nodeDyingMidDeliveryLosesNothingAndRepeatsOnlyTheBatchInProgress() throws InterruptedException {
        String url = TestPostgres.newDatabase();
        RecordingPlugins plugins = new RecordingPlugins();
        int events = 40;
        int batch = 10;
        int stuckAt = 25;
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        List<UUID> ids;
        UUID tenant;
        InProcessSharedState firstState = new InProcessSharedState();
        EventNode first = new EventNode(url, firstState);
        try {
            tenant = first.createTenant("crash");
            // Two subscribers: "mailer" finishes its share of every batch while "search" hangs in the third.
            plugins.subscribe(tenant, "crm.contact.created", "search", "mailer");
            // Event 25 (in the third batch of ten) does its work, then hangs before returning: the node dies with it in progress.
            plugins.behave("search", (t, p, event) -> {
                if (event.payload().get("n").asLong() == stuckAt && event.attempt() == 1) {
                    stuck.countDown();
                    never.await();
                }
            });
            ids = publish(first, tenant, "crm.contact.created", events);
            // A share starts only while its lease has half its time left: 6 s leave a loaded machine 3 s to start the
            // mailer's share, whose record the test waits for; the second node takes over once the leases lapse.
            first.startDispatcher(plugins, EventNode.quickSettings().withBatchSize(batch).withClaimTimeout(Duration.ofSeconds(6))
                    .withCloseGrace(Duration.ofMillis(200)));
            first.bus().wakeDispatchers();
            assertTrue(stuck.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "event " + stuckAt + " started");
            // The mailer's share of the batch in progress is recorded before the node dies: its delivered rows (or, had
            // the share started too late, the rows it was handed back as, which the next node delivers once).
            int mailerBeforeCrash = (stuckAt / batch + 1) * batch;
            EventNode.await(WAIT, () -> first.count("SELECT count(*) AS n FROM kernel.event_deliveries WHERE subscriber = 'mailer'")
                                        == mailerBeforeCrash, () -> mailerBeforeCrash + " deliveries to the mailer recorded");
        } finally {
            first.crash();
            firstState.close();
        }
        int beforeCrash = plugins.deliveriesTo("search").size();
        assertTrue(beforeCrash < events, "the first node delivered only part of the events: " + beforeCrash);

        plugins.behave("search", (t, p, event) -> { });
        try (InProcessSharedState state = new InProcessSharedState(); EventNode second = new EventNode(url, state)) {
            second.startDispatcher(plugins.forNode("node-2"), EventNode.quickSettings());
            EventNode.await(WAIT, () -> second.deliveredEvents() == events,
                            () -> events + " events delivered; " + undelivered(second) + " are not");
        }
        List<RecordingPlugins.Delivery> received = plugins.deliveriesTo("search");
        Map<String, Long> timesReceived = received.stream().collect(Collectors.groupingBy(d -> d.event().id(), Collectors.counting()));
        assertEquals(ids.stream().map(UUID::toString).collect(Collectors.toSet()), timesReceived.keySet(), "every event arrived");

        Map<String, Long> repeated = timesReceived.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        int batchStart = stuckAt / batch * batch;
        Set<String> batchInProgress = ids.subList(batchStart, batchStart + batch).stream().map(UUID::toString).collect(Collectors.toSet());
        Set<String> startedInThatBatch = ids.subList(batchStart, stuckAt + 1).stream().map(UUID::toString).collect(Collectors.toSet());
        assertEquals(startedInThatBatch, repeated.keySet(),
                     "the events of the batch in progress that had started are repeated, no event of an earlier batch");
        assertTrue(batchInProgress.containsAll(repeated.keySet()), "repeats stay within the batch in progress");
        assertTrue(repeated.values().stream().allMatch(times -> times == 2), "each repeated once: " + repeated);

        // A subscriber can deduplicate: a repeat carries the same id and payload, with the next attempt number.
        for (String id : repeated.keySet()) {
            List<RecordingPlugins.Delivery> copies = received.stream().filter(d -> d.event().id().equals(id)).toList();
            assertEquals(copies.get(0).event().payload(), copies.get(1).event().payload(), "same payload under the same id");
            assertEquals(List.of(1, 2), copies.stream().map(d -> d.event().attempt()).sorted().toList(), "the repeat is attempt 2");
        }
        // The other subscriber's shares, the one of the batch in progress included, were recorded: none is repeated.
        Map<String, Long> mailerReceived = plugins.deliveriesTo("mailer").stream()
                .collect(Collectors.groupingBy(d -> d.event().id(), Collectors.counting()));
        assertEquals(ids.stream().map(UUID::toString).collect(Collectors.toSet()), mailerReceived.keySet(), "the mailer got every event");
        assertTrue(mailerReceived.values().stream().allMatch(times -> times == 1), "the mailer got none twice: " + mailerReceived);
        System.out.println("[events] crash mid-delivery: " + events + " events, " + beforeCrash + " recorded before the crash, "
                           + repeated.size() + " delivered twice");
    }
}
