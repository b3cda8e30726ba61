package io.voicecore.kernel.plugins.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.TestPostgres;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plugin-facing Events capability checks the grant and the declared topics on every publish. */
class EventsCapabilityTest {
    static InProcessSharedState state = new InProcessSharedState();
    static EventNode node;
    static UUID tenant;

    @BeforeAll
    static void start() {
        node = new EventNode(TestPostgres.newDatabase(), state);
        tenant = node.createTenant("capability");
    }

    @AfterAll
    static void stop() {
        node.close();
        state.close();
    }

    static PluginManifest manifest(List<String> permissions, List<String> publishes) {
        return new PluginManifest("crm", "CRM", "1.0.0", "Acme", "Contacts", "com.acme.Crm", ">=0.1.0 <1.0.0",
                                  permissions.stream().map(p -> new Permission(p, "needed")).toList(), List.of(), List.of(), publishes,
                                  List.of(), List.of(), PluginManifest.ConfigSchema.empty(), List.of(), List.of(), List.of(),
                                  new PluginManifest.Limits(1000, 4), List.of());
    }

    static Events events(PluginManifest manifest, Set<String> granted) {
        return node.bus().forCall(new PluginCall(tenant, manifest, granted, Optional.empty(), "request-1"));
    }

    static long outboxRows(String topic) {
        return node.count("SELECT count(*) AS n FROM kernel.event_outbox WHERE topic = ?", topic);
    }

    @Test
    void declaredGrantedTopicIsPublishedAsThePlugin() {
        Events events = events(manifest(List.of(Permission.EVENTS_PUBLISH), List.of("crm.contact.created")),
                               Set.of(Permission.EVENTS_PUBLISH));
        Json payload = Json.object().put("contactId", "c-1").put("score", 9.5).build();
        String id = events.publish("crm.contact.created", payload);

        record Row(UUID tenantId, String publisher, String topic, String payload) {
        }
        Row row = node.database().inPlatform(tx -> tx.get("SELECT tenant_id, publisher, topic, payload FROM kernel.event_outbox WHERE id = ?",
                                                           UUID.fromString(id))
                .map(r -> new Row(Database.uuid(r, "tenant_id"), Database.text(r, "publisher"), Database.text(r, "topic"),
                                  Database.text(r, "payload")))).orElseThrow();
        assertEquals(new Row(tenant, "crm", "crm.contact.created", payload.toString()), row);
    }

    @Test
    void undeclaredTopicIsRefusedNamingTheTopic() {
        Events events = events(manifest(List.of(Permission.EVENTS_PUBLISH), List.of("crm.contact.created")),
                               Set.of(Permission.EVENTS_PUBLISH));
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                                                   () -> events.publish("billing.invoice.paid", Json.NULL));
        assertEquals(Permission.EVENTS_PUBLISH, e.permission());
        assertTrue(e.getMessage().contains("'billing.invoice.paid'") && e.getMessage().contains("publishes"), e.getMessage());
        assertEquals(0, outboxRows("billing.invoice.paid"));
    }

    @Test
    void publishWithoutTheGrantIsRefused() {
        Events events = events(manifest(List.of(Permission.EVENTS_PUBLISH), List.of("crm.contact.updated")), Set.of());
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                                                   () -> events.publish("crm.contact.updated", Json.NULL));
        assertTrue(e.getMessage().contains("not granted"), e.getMessage());
        assertEquals(0, outboxRows("crm.contact.updated"));
    }

    @Test
    void publishWithoutDeclaringThePermissionIsRefusedEvenIfGranted() {
        Events events = events(manifest(List.of(Permission.STORAGE), List.of("crm.contact.merged")),
                               Set.of(Permission.STORAGE, Permission.EVENTS_PUBLISH));
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                                                   () -> events.publish("crm.contact.merged", Json.NULL));
        assertTrue(e.getMessage().contains("does not declare"), e.getMessage());
        assertEquals(0, outboxRows("crm.contact.merged"));
    }

}
