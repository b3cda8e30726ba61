package io.voicecore.kernel.plugins.storage;

import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.storageCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random interleavings of inserts, updates, deletes and queries by two tenants, written the way a careless
 * plugin would (no tenant filter), leave each tenant's view equal to a model of that tenant's own writes.
 */
class PluginTenantIsolationProperties {
    static PluginDatabaseFixture fixture;
    static PluginManifest plugin;

    @BeforeContainer
    static void start() {
        fixture = PluginDatabaseFixture.start();
        plugin = fixture.installContacts("isolation-model");
    }

    @AfterContainer
    static void stop() throws Exception {
        fixture.close();
    }

    enum Kind { INSERT, RENAME_ALL, RENAME_ONE, DELETE_NAMED, DELETE_ALL, QUERY_ALL, COUNT, INSERT_FOR_OTHER, UPDATE_BY_OTHERS_ID, TRANSACTION }

    record Step(boolean byA, Kind kind, String name) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(5, Kind.INSERT), Tuple.of(1, Kind.RENAME_ALL), Tuple.of(2, Kind.RENAME_ONE), Tuple.of(2, Kind.DELETE_NAMED),
                Tuple.of(1, Kind.DELETE_ALL), Tuple.of(3, Kind.QUERY_ALL), Tuple.of(1, Kind.COUNT), Tuple.of(1, Kind.INSERT_FOR_OTHER),
                Tuple.of(1, Kind.UPDATE_BY_OTHERS_ID), Tuple.of(1, Kind.TRANSACTION));
        Arbitrary<String> names = Arbitraries.of("ann", "bob", "cy", "dee", "eve");
        return Combinators.combine(Arbitraries.of(true, false), kinds, names).as(Step::new).list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 25)
    void eachTenantSeesExactlyItsOwnWrites(@ForAll("steps") List<Step> steps) {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Map<UUID, List<String>> model = new HashMap<>(Map.of(a, new ArrayList<>(), b, new ArrayList<>()));
        for (Step step : steps) {
            UUID self = step.byA() ? a : b;
            UUID other = step.byA() ? b : a;
            Storage storage = fixture.databases.forCall(storageCall(plugin, self));
            List<String> mine = model.get(self);
            switch (step.kind()) {
                case INSERT -> {
                    storage.update("INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", Storage.TENANT, step.name());
                    mine.add(step.name());
                }
                case RENAME_ALL -> {
                    assertEquals(mine.size(), storage.update("UPDATE contacts SET name = ?", step.name()));
                    mine.replaceAll(n -> step.name());
                }
                case RENAME_ONE -> {
                    int changed = storage.update("UPDATE contacts SET name = upper(name) WHERE name = ?", step.name());
                    assertEquals(mine.stream().filter(step.name()::equals).count(), changed);
                    mine.replaceAll(n -> n.equals(step.name()) ? n.toUpperCase() : n);
                }
                case DELETE_NAMED -> {
                    int deleted = storage.update("DELETE FROM contacts WHERE name = ?", step.name());
                    assertEquals(mine.stream().filter(step.name()::equals).count(), deleted);
                    mine.removeIf(step.name()::equals);
                }
                case DELETE_ALL -> {
                    assertEquals(mine.size(), storage.update("DELETE FROM contacts"));
                    mine.clear();
                }
                case QUERY_ALL -> assertEquals(sorted(mine), sorted(storage.query("SELECT name FROM contacts").stream()
                        .map(r -> r.string("name").orElseThrow()).toList()));
                case COUNT -> assertEquals((long) mine.size(), storage.queryOne("SELECT count(*) AS n FROM contacts")
                        .orElseThrow().number("n").orElseThrow());
                case INSERT_FOR_OTHER -> assertThrows(PluginStorageException.class, () -> storage.update(
                        "INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", other, step.name()));
                case UPDATE_BY_OTHERS_ID -> {
                    List<Long> othersIds = fixture.databases.forCall(storageCall(plugin, other)).query("SELECT id FROM contacts")
                            .stream().map((Row r) -> r.number("id").orElseThrow()).toList();
                    for (long id : othersIds) {
                        assertEquals(0, storage.update("UPDATE contacts SET name = 'stolen' WHERE id = ?", id));
                        assertEquals(0, storage.update("DELETE FROM contacts WHERE id = ?", id));
                    }
                }
                case TRANSACTION -> {
                    storage.transaction(s -> {
                        s.update("INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", Storage.TENANT, step.name());
                        return s.update("UPDATE contacts SET name = lower(name)");
                    });
                    mine.add(step.name());
                    mine.replaceAll(String::toLowerCase);
                }
            }
        }
        for (UUID tenant : List.of(a, b)) {
            List<String> seen = fixture.databases.forCall(storageCall(plugin, tenant)).query("SELECT name, tenant_id FROM contacts")
                    .stream().peek(r -> assertEquals(tenant, r.uuid("tenant_id").orElseThrow()))
                    .map(r -> r.string("name").orElseThrow()).toList();
            assertEquals(sorted(model.get(tenant)), sorted(seen));
        }
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().collect(Collectors.toList());
    }
}
