package io.voicecore.kernel.plugins.storage;

import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.storageCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.capability.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls for different tenants share a plugin's few connections; a connection's binding is replaced before
 * every call, so no call ever runs under the tenant of the call before it. Also measures what the
 * binding costs per call.
 */
class PluginStorageConcurrencyTest {
    static PluginDatabaseFixture fixture;
    static PluginManifest plugin;

    @BeforeAll
    static void start() {
        fixture = PluginDatabaseFixture.start(PluginStorageSettings.defaults().withPoolSize(2));
        plugin = fixture.installContacts("busy");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void concurrentCallsOfManyTenantsOnTwoConnectionsNeverSeeEachOther() throws Exception {
        List<UUID> tenants = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tenants.add(UUID.randomUUID());
        }
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (UUID tenant : tenants) {
                results.add(threads.submit(() -> {
                    Storage storage = fixture.databases.forCall(storageCall(plugin, tenant));
                    int checks = 0;
                    for (int round = 0; round < 40; round++) {
                        storage.update("INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", Storage.TENANT, "r" + round);
                        Set<UUID> seen = storage.query("SELECT DISTINCT tenant_id FROM contacts").stream()
                                .map(r -> r.uuid("tenant_id").orElseThrow()).collect(Collectors.toSet());
                        assertEquals(Set.of(tenant), seen);
                        long count = storage.transaction(s -> s.queryOne("SELECT count(*) AS n FROM contacts").orElseThrow().number("n").orElseThrow());
                        assertEquals(round + 1, count);
                        checks++;
                    }
                    return checks;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(40, result.get(2, TimeUnit.MINUTES));
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(6 * 40L, fixture.adminCount("SELECT count(*) FROM plugin_busy.contacts WHERE name LIKE 'r%'"));
        assertEquals(0L, fixture.adminCount(PluginDatabaseFixture.BINDINGS_IN_USE));
    }

    @Test
    void bindingCostsAFewRoundTripsPerCall() throws Exception {
        UUID tenant = UUID.randomUUID();
        Storage storage = fixture.databases.forCall(storageCall(plugin, tenant));
        storage.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'measured')", Storage.TENANT);
        String sql = "SELECT name FROM contacts WHERE name = ?";
        int runs = 400;
        // The same statement on a plain connection of the plugin's role: no binding, no reset (and so no rows).
        try (var raw = java.sql.DriverManager.getConnection(PluginDatabases.pluginUrl(fixture.admin.jdbcUrl()), "vcp_busy", "")) {
            long plain = medianNanos(runs, () -> {
                try (var statement = raw.prepareStatement("SELECT name FROM plugin_busy.contacts WHERE name = ?")) {
                    statement.setString(1, "measured");
                    try (var rs = statement.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(1);
                        }
                    }
                }
            });
            long bound = medianNanos(runs, () -> assertEquals(1, storage.query(sql, "measured").size()));
            long overhead = bound - plain;
            System.out.printf("plugin storage: median %.3f ms per call, plain JDBC %.3f ms: overhead %.3f ms%n",
                              bound / 1e6, plain / 1e6, overhead / 1e6);
            assertTrue(overhead < 20_000_000, "binding, reset and unbinding cost " + overhead / 1e6 + " ms per call");
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static long medianNanos(int runs, Work work) throws Exception {
        for (int i = 0; i < 50; i++) {
            work.run();
        }
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            work.run();
            times[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(times);
        return times[runs / 2];
    }
}
