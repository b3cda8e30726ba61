package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.testing.TestPostgres;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.Test;

/** Two nodes' dispatchers on one database share the work: every (event, subscriber) is delivered, none twice. */
class EventConcurrencyTest {

    @Test
    void twoDispatchersDeliverEveryEventToEverySubscriberWithoutDoubleWork() throws InterruptedException {
        String url = TestPostgres.newDatabase();
        RecordingPlugins plugins = new RecordingPlugins();
        // One shared state, as two nodes share Redis: a publish on either node wakes both dispatchers.
        try (InProcessSharedState state = new InProcessSharedState();
             EventNode one = new EventNode(url, state);
             EventNode two = new EventNode(url, state)) {
            UUID tenantA = one.createTenant("concurrent-a");
            UUID tenantB = one.createTenant("concurrent-b");
            plugins.subscribe(tenantA, "crm.contact.created", "search", "mailer");
            plugins.subscribe(tenantB, "crm.contact.created", "search", "billing");
            EventDispatcher.Settings settings = EventNode.quickSettings().withBatchSize(20);
            one.startDispatcher(plugins.forNode("one"), settings);
            two.startDispatcher(plugins.forNode("two"), settings);

            int perTenant = 300;
            Set<String> expected = new HashSet<>();
            Thread publisherA = Thread.ofPlatform().start(() -> publish(one, tenantA, perTenant, expected, List.of("search", "mailer")));
            Thread publisherB = Thread.ofPlatform().start(() -> publish(two, tenantB, perTenant, expected, List.of("search", "billing")));
            publisherA.join();
            publisherB.join();

            int pairs = perTenant * 2 * 2;
            EventNode.await(Duration.ofSeconds(60), () -> one.deliveredEvents() == perTenant * 2,
                            () -> perTenant * 2 + " events delivered to all their subscribers");

            List<RecordingPlugins.Delivery> calls = plugins.deliveries();
            Map<String, Long> perPair = calls.stream().collect(Collectors.groupingBy(
                    d -> d.event().id() + "->" + d.pluginId(), Collectors.counting()));
            assertEquals(expected, perPair.keySet(), "every (event, subscriber) was delivered, and only those");
            long duplicates = calls.size() - perPair.size();
            Map<String, Long> byNode = calls.stream().collect(Collectors.groupingBy(RecordingPlugins.Delivery::node, Collectors.counting()));
            System.out.println("[events] two dispatchers: " + pairs + " (event, subscriber) pairs, " + calls.size()
                               + " handler calls, " + duplicates + " duplicates, by node " + byNode);
            assertEquals(0, duplicates, "claims keep the dispatchers off each other's rows when no node fails");
        }
    }

    private static void publish(EventNode node, UUID tenant, int count, Set<String> expected, List<String> subscribers) {
        // Ten events per transaction, each transaction waking the dispatchers of both nodes.
        for (int i = 0; i < count; i += 10) {
            int first = i;
            List<UUID> ids = node.database().inTenant(tenant, tx -> java.util.stream.IntStream.range(first, first + 10)
                    .mapToObj(n -> node.bus().publish(tx, tenant, "crm", "crm.contact.created", Json.object().put("n", n).build()))
                    .toList());
            node.bus().wakeDispatchers();
            synchronized (expected) {
                for (UUID id : ids) {
                    subscribers.forEach(s -> expected.add(id + "->" + s));
                }
            }
        }
    }
}
