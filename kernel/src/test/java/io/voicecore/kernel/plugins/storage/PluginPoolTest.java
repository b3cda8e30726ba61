package io.voicecore.kernel.plugins.storage;

import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.storageCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.capability.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A plugin's pool: its size comes from the kernel's settings (one for every plugin, others for named plugins), and a
 * connection handed from one call to the next keeps nothing of the call before: no binding, no statement the plugin
 * prepared, while the statements the kernel's driver prepared are reused.
 */
class PluginPoolTest {
    static PluginDatabaseFixture fixture;
    static PluginManifest narrow;
    static PluginManifest wide;

    @BeforeAll
    static void start() {
        // Long enough for a loaded machine to open a new connection for every holder; the one call too many waits it out.
        fixture = PluginDatabaseFixture.start(PluginStorageSettings.defaults().withPoolSize(1).withPoolSize("pool-wide", 3)
                                                      .withConnectionTimeout(Duration.ofSeconds(3)));
        narrow = fixture.installContacts("pool-narrow");
        wide = fixture.installContacts("pool-wide");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    private static Storage storage(PluginManifest plugin, UUID tenant) {
        return fixture.databases.forCall(storageCall(plugin, tenant));
    }

    private static int pid(Storage storage) {
        return storage.queryOne("SELECT pg_backend_pid() AS pid").orElseThrow().number("pid").orElseThrow().intValue();
    }

    @Test
    void eachPluginGetsThePoolSizeConfiguredForIt() throws Exception {
        assertEquals(1, connectionsAtOnce(narrow, 1));
        assertEquals(3, connectionsAtOnce(wide, 3));
    }

    /** Holds {@code size} transactions open at once, then shows that one more call finds no free connection. */
    private static int connectionsAtOnce(PluginManifest plugin, int size) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Set<Integer> pids = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(size);
        try {
            List<Future<Object>> holders = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                holders.add(threads.submit(() -> storage(plugin, UUID.randomUUID()).transaction(s -> {
                    pids.add(pid(s));
                    try {
                        return release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                })));
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pids.size() < size && System.nanoTime() < waitUntil) {
                Thread.sleep(10);
            }
            assertEquals(size, pids.size(), "every holder has a connection of its own");
            PluginStorageException busy = assertThrows(PluginStorageException.class, () -> pid(storage(plugin, UUID.randomUUID())));
            assertEquals(503, busy.status());
            assertTrue(busy.getMessage().contains("no free database connection"), busy.getMessage());
            release.countDown();
            for (Future<Object> holder : holders) {
                assertEquals(Boolean.TRUE, holder.get(30, TimeUnit.SECONDS));
            }
            return pids.size();
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void theNextCallOnAConnectionSeesOnlyItsOwnTenant() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Storage first = storage(narrow, a);
        first.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'only-a')", Storage.TENANT);
        int pid = pid(first);
        assertEquals(0L, fixture.adminCount(PluginDatabaseFixture.BINDINGS_IN_USE), "the idle connection runs nothing");

        Storage second = storage(narrow, b);
        assertEquals(pid, pid(second), "one connection serves both tenants");
        assertEquals(b, second.queryOne("SELECT vc_guard.current_tenant() AS t").orElseThrow().uuid("t").orElseThrow());
        assertEquals(List.of(), second.query("SELECT name FROM contacts WHERE name = 'only-a'"));
        assertEquals(1, first.query("SELECT name FROM contacts WHERE name = 'only-a'").size());
        assertEquals(0L, fixture.adminCount(PluginDatabaseFixture.BINDINGS_IN_USE));
    }

    @Test
    void pluginSqlCannotBindItsConnectionWithoutTheKernelsKey() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        storage(narrow, b).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'of-b')", Storage.TENANT);
        for (String forged : List.of("SELECT vc_guard.bind_tenant('" + b + "', 'guess'::bytea)",
                                     "SELECT vc_guard.begin_call('" + b + "', decode(repeat('00', 32), 'hex'), false)",
                                     "SELECT vc_guard.bind_tenant('" + b + "', NULL)")) {
            int seen = storage(narrow, a).transaction(s -> {
                PluginStorageException refused = assertThrows(PluginStorageException.class, () -> s.query(forged), forged);
                assertTrue(refused.getMessage().contains("may not bind itself"), refused.getMessage());
                return 0;
            });
            assertEquals(0, seen);
            assertEquals(List.of(), storage(narrow, a).query("SELECT name FROM contacts WHERE name = 'of-b'"), forged);
        }
        // The key table is the kernel's: a plugin can neither read a key hash nor write one of its own.
        for (String sql : List.of("SELECT * FROM vc_guard.connection_key",
                                  "UPDATE vc_guard.connection_key SET key_hash = sha256('x'::bytea)")) {
            PluginStorageException refused = assertThrows(PluginStorageException.class, () -> storage(narrow, a).query(sql), sql);
            assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
        }
    }

    @Test
    void statementsThatCouldRollTheBindingBackAreRefused() {
        UUID a = UUID.randomUUID();
        for (String sql : List.of("ROLLBACK", "  rollback work", "/* undo */ ABORT", "CALL some_procedure()",
                                  "DO $$ BEGIN ROLLBACK; END $$")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                            () -> storage(narrow, a).transaction(s -> s.update(sql)), sql);
            assertTrue(refused.getMessage().startsWith("Storage does not run"), refused.getMessage());
        }
        // A savepoint is always set after the call's binding, so rolling back to it keeps the binding.
        int kept = storage(narrow, a).transaction(s -> {
            s.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'kept')", Storage.TENANT);
            s.update("SAVEPOINT before_undone");
            s.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'undone')", Storage.TENANT);
            s.update("ROLLBACK TO SAVEPOINT before_undone");
            return s.query("SELECT name FROM contacts WHERE name IN ('kept', 'undone')").size();
        });
        assertEquals(1, kept);
    }

    @Test
    void aFailedFirstStatementRunsNothingAndTheNextCallIsBoundToItsOwnTenant() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        storage(narrow, a).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'a-row')", Storage.TENANT);
        int pid = pid(storage(narrow, a));
        // The call for b fails on its first statement, which carried its binding: both are undone, and the connection
        // still holds a's binding from the call before. The call's next statement is bound again before it runs.
        List<String> seenByB = storage(narrow, b).transaction(s -> {
            assertThrows(PluginStorageException.class, () -> s.query("SELECT no_such_column FROM contacts"));
            return List.of();
        });
        assertEquals(List.of(), seenByB);
        Storage next = storage(narrow, b);
        assertEquals(pid, pid(next), "the same connection");
        assertEquals(List.of(), next.query("SELECT name FROM contacts WHERE name = 'a-row'"));
        assertEquals(b, next.queryOne("SELECT vc_guard.current_tenant() AS t").orElseThrow().uuid("t").orElseThrow());
    }

    @Test
    void aSessionAdvisoryLockDoesNotOutliveItsCall() {
        UUID a = UUID.randomUUID();
        storage(narrow, a).query("SELECT pg_advisory_lock(4242)");
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"),
                     "released when the call ended, not when the connection is next used");
    }

    @Test
    void aPluginThatGivesUpItsBindingOnlyLosesItsOwnRows() {
        UUID a = UUID.randomUUID();
        storage(narrow, a).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'given-up')", Storage.TENANT);
        int seen = storage(narrow, a).transaction(s -> {
            s.query("SELECT vc_guard.release_binding()");
            return s.query("SELECT name FROM contacts").size();
        });
        assertEquals(0, seen, "without its binding a connection sees no rows");
        PluginStorageException refused = assertThrows(PluginStorageException.class, () -> storage(narrow, a).transaction(s -> {
            s.query("SELECT vc_guard.release_binding()");
            return s.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'unbound')", Storage.TENANT);
        }));
        assertTrue(refused.getMessage().contains("row-level security"), refused.getMessage());
        assertEquals(Set.of("given-up"), Set.copyOf(storage(narrow, a).query("SELECT name FROM contacts").stream()
                                                            .map(r -> r.string("name").orElseThrow()).toList()),
                     "the next call is bound again");
    }

    @Test
    void statementsThePluginPreparedDoNotSurviveTheCallButTheDriversDo() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        storage(narrow, a).update("PREPARE stash AS SELECT 'from-a'::text AS kept");
        PluginStorageException gone = assertThrows(PluginStorageException.class, () -> storage(narrow, b).query("EXECUTE stash"));
        assertTrue(gone.getMessage().contains("prepared statement \"stash\" does not exist"), gone.getMessage());

        // The driver prepares a statement on the server from its fifth use; later calls of any tenant reuse it.
        for (int i = 0; i < 6; i++) {
            storage(narrow, i % 2 == 0 ? a : b).query("SELECT name FROM contacts WHERE name = ?", "reused");
        }
        assertTrue(storage(narrow, b).queryOne("SELECT count(*) AS n FROM pg_prepared_statements WHERE NOT from_sql "
                                               + "AND btrim(statement, E' \\n') = 'SELECT name FROM contacts WHERE name = $1'")
                           .orElseThrow().number("n").orElseThrow().intValue() == 1, "the driver's statement is kept");
    }

    @Test
    void poolSizesAreKernelSettings() {
        KernelConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertEquals(PluginStorageSettings.DEFAULT_POOL_SIZE, defaults.pluginStoragePoolSize());
        assertEquals(Map.of(), defaults.pluginStoragePoolSizes());

        KernelConfig set = ConfigLoader.load(Optional.empty(), Map.of("VOICECORE_PLUGINS_STORAGE_POOL_SIZES", "crm=16, team-notes=2"),
                                             Map.of("plugins.storage.pool-size", "6"));
        assertEquals(6, set.pluginStoragePoolSize());
        assertEquals(Map.of("crm", 16, "team-notes", 2), set.pluginStoragePoolSizes());
        PluginStorageSettings settings = PluginStorageSettings.defaults().withPoolSize(set.pluginStoragePoolSize())
                .withPoolSizes(set.pluginStoragePoolSizes());
        assertEquals(16, settings.poolSizeOf("crm"));
        assertEquals(6, settings.poolSizeOf("billing"));

        for (String wrong : List.of("crm", "crm=0", "crm=x", "=4", "crm=2, crm=3")) {
            ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                    Optional.empty(), Map.of(), Map.of("plugins.storage.pool-sizes", wrong)), wrong);
            assertTrue(refused.getMessage().contains("plugins.storage.pool-sizes"), refused.getMessage());
        }
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("plugins.storage.pool-size", "0")));
    }
}
