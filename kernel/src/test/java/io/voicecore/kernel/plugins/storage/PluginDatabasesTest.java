package io.voicecore.kernel.plugins.storage;

import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.CONTACTS;
import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.call;
import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.migrations;
import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.storageCall;
import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.storagePlugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plugin SQL is confined to its own schema and to the call's tenant, whatever SQL the plugin sends. */
class PluginDatabasesTest {
    static PluginDatabaseFixture fixture;
    static PluginManifest crm;
    static PluginManifest notes;

    @BeforeAll
    static void start() {
        fixture = PluginDatabaseFixture.start();
        crm = fixture.installContacts("crm");
        notes = storagePlugin("team-notes", "1.0.0");
        fixture.databases.install(notes, fixture.jar("team-notes", "1.0.0", migrations(
                "V1__notes.sql", "CREATE TABLE notes (tenant_id uuid NOT NULL, body text NOT NULL)")));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    private static Storage storage(UUID tenant) {
        return fixture.databases.forCall(storageCall(crm, tenant));
    }

    private static Set<String> names(List<Row> rows) {
        return rows.stream().map(r -> r.string("name").orElseThrow()).collect(Collectors.toSet());
    }

    private static void insert(UUID tenant, String... names) {
        for (String name : names) {
            storage(tenant).update("INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", Storage.TENANT, name);
        }
    }

    private static Set<String> visible(UUID tenant) {
        return names(storage(tenant).query("SELECT name FROM contacts"));
    }

    /** Runs the SQL in one transaction as the plugin for the tenant, expecting the database to refuse it. */
    private static PluginStorageException refused(UUID tenant, String... statements) {
        return assertThrows(PluginStorageException.class, () -> storage(tenant).transaction(s -> {
            for (String sql : statements) {
                s.query(sql);
            }
            return null;
        }));
    }

    private static void refusedOrNot(UUID tenant, String sql) {
        storage(tenant).update(sql);
    }

    @Test
    void eachTenantSeesOnlyItsOwnRows() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertEquals(1, storage(a).update("INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", Storage.TENANT, "Ada"));
        assertEquals(1, storage(b).update("INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", Storage.TENANT, "Bob"));

        assertEquals(Set.of("Ada"), names(storage(a).query("SELECT * FROM contacts WHERE name IN ('Ada', 'Bob')")));
        assertEquals(Set.of("Bob"), names(storage(b).query("SELECT * FROM contacts WHERE name IN ('Ada', 'Bob')")));
        assertEquals(0L, fixture.adminCount(PluginDatabaseFixture.BINDINGS_IN_USE), "no binding outlives its call on a busy connection");
    }

    @Test
    void aTransactionsStatementsArePlannedForTheirParametersEachTime() {
        // A generic plan made while a table was empty would otherwise be kept as the table grows within a call.
        Storage storage = storage(UUID.randomUUID());
        assertEquals("force_custom_plan", storage.transaction(s -> s.queryOne("SHOW plan_cache_mode").orElseThrow()
                .string("plan_cache_mode").orElseThrow()));
        // A single statement cannot see its tables grow: it keeps PostgreSQL's usual choice (the transaction's setting
        // ended with it).
        assertEquals("auto", storage.queryOne("SHOW plan_cache_mode").orElseThrow().string("plan_cache_mode").orElseThrow());
    }

    @Test
    void sqlWithoutATenantFilterSeesOnlyTheCurrentTenant() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        insert(a, "a1", "a2");
        insert(b, "b1");
        List<Row> rows = storage(a).query("SELECT * FROM contacts");
        assertEquals(Set.of("a1", "a2"), names(rows));
        assertTrue(rows.stream().allMatch(r -> r.uuid("tenant_id").orElseThrow().equals(a)));
        assertEquals(2L, storage(a).queryOne("SELECT count(*) AS n FROM contacts").orElseThrow().number("n").orElseThrow());
        assertEquals(Set.of(b), storage(b).query("SELECT DISTINCT tenant_id FROM contacts").stream()
                .map(r -> r.uuid("tenant_id").orElseThrow()).collect(Collectors.toSet()));
    }

    @Test
    void updateAndDeleteWithoutAFilterTouchOnlyTheCurrentTenant() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        insert(a, "a1", "a2");
        insert(b, "b1", "b2", "b3");
        assertEquals(2, storage(a).update("UPDATE contacts SET name = 'x'"));
        assertEquals(Set.of("x"), visible(a));
        assertEquals(Set.of("b1", "b2", "b3"), visible(b));

        assertEquals(3, storage(b).update("DELETE FROM contacts"));
        assertEquals(Set.of(), visible(b));
        assertEquals(2L, storage(a).queryOne("SELECT count(*) AS n FROM contacts").orElseThrow().number("n").orElseThrow());
    }

    @Test
    void writingARowForAnotherTenantIsRefusedByRowLevelSecurity() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        insert(a, "mine");
        PluginStorageException insert = assertThrows(PluginStorageException.class, () -> storage(a).update(
                "INSERT INTO contacts (tenant_id, name) VALUES (?, ?)", b, "planted"));
        assertEquals("42501", insert.sqlState());
        assertEquals(403, insert.status());
        assertTrue(insert.getMessage().contains("row-level security"), insert.getMessage());

        PluginStorageException move = assertThrows(PluginStorageException.class, () -> storage(a).update(
                "UPDATE contacts SET tenant_id = ?", b));
        assertTrue(move.getMessage().contains("row-level security"), move.getMessage());
        assertEquals(Set.of(), visible(b));
        assertEquals(Set.of("mine"), visible(a));
    }

    @Test
    void settingsTheRoleAndTheSessionCannotSwitchTenants() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        insert(a, "a-only");
        insert(b, "b-only");
        Set<String> seen = storage(a).transaction(s -> {
            s.query("SELECT set_config('voicecore.tenant_id', ?, false) AS t, set_config('voicecore.scope', 'platform', false) AS s",
                    b.toString());
            s.update("SET voicecore.tenant_id = '" + b + "'");
            s.update("SET app.tenant = '" + b + "'");
            s.query("SELECT set_config('role', 'none', true)");
            s.update("RESET ROLE");
            s.update("SET SESSION AUTHORIZATION DEFAULT");
            return names(s.query("SELECT name FROM contacts"));
        });
        assertEquals(Set.of("a-only"), seen);
        assertEquals(Set.of("a-only"), names(storage(a).query("SELECT name FROM contacts")), "nothing carries over to the next call");
    }

    @Test
    void changingRolesGivesNoAccessToTheKernel() {
        UUID a = UUID.randomUUID();
        PluginStorageException afterReset = refused(a, "RESET ROLE", "SELECT * FROM kernel.tenants");
        assertTrue(afterReset.getMessage().contains("permission denied for schema kernel"), afterReset.getMessage());
        for (String escalation : List.of("SET ROLE postgres", "SET ROLE voicecore_app", "SET ROLE vco_crm",
                                         "SET SESSION AUTHORIZATION postgres", "SET ROLE vcp_team_notes")) {
            PluginStorageException e = refused(a, escalation);
            assertTrue(e.getMessage().contains("permission denied"), escalation + ": " + e.getMessage());
        }
        Row who = storage(a).queryOne("SELECT session_user AS s, current_user AS c").orElseThrow();
        assertEquals("vcp_crm", who.string("s").orElseThrow());
        assertEquals("vcp_crm", who.string("c").orElseThrow());
    }

    @Test
    void theKernelSchemaAndTheBindingTableAreOutOfReach() {
        UUID a = UUID.randomUUID();
        for (String sql : List.of("SELECT * FROM kernel.tenants", "SELECT * FROM kernel.plugin_databases",
                                  "DROP TABLE kernel.tenants", "SELECT * FROM vc_guard.connection_tenant",
                                  "INSERT INTO vc_guard.connection_tenant (pid, role, tenant_id) VALUES (pg_backend_pid(), session_user, gen_random_uuid())",
                                  "UPDATE vc_guard.connection_tenant SET tenant_id = NULL")) {
            PluginStorageException e = refused(a, sql);
            assertEquals("42501", e.sqlState(), sql + ": " + e.getMessage());
        }
        assertEquals(a, storage(a).queryOne("SELECT vc_guard.current_tenant() AS t").orElseThrow().uuid("t").orElseThrow());
        assertTrue(fixture.adminCount("SELECT count(*) FROM kernel.tenants") >= 0, "kernel.tenants still exists");
    }

    @Test
    void anotherPluginsSchemaIsOutOfReach() {
        UUID a = UUID.randomUUID();
        fixture.databases.forCall(storageCall(notes, a)).update("INSERT INTO notes (tenant_id, body) VALUES (?, 'secret')", Storage.TENANT);
        PluginStorageException e = refused(a, "SELECT * FROM plugin_team_notes.notes");
        assertTrue(e.getMessage().contains("permission denied for schema plugin_team_notes"), e.getMessage());
        PluginStorageException back = assertThrows(PluginStorageException.class, () -> fixture.databases
                .forCall(storageCall(notes, a)).query("SELECT * FROM plugin_crm.contacts"));
        assertTrue(back.getMessage().contains("permission denied for schema plugin_crm"), back.getMessage());
    }

    @Test
    void aPluginConnectionWithoutItsOwnBindingSeesNoRows() throws Exception {
        UUID a = UUID.randomUUID();
        insert(a, "bound-only");
        // A plain login as the runtime role, as if the kernel had forgotten to bind (test server: trust authentication).
        try (var raw = java.sql.DriverManager.getConnection(PluginDatabases.pluginUrl(fixture.admin.jdbcUrl()) , "vcp_crm", "");
             var statement = raw.createStatement()) {
            try (var rs = statement.executeQuery("SELECT vc_guard.current_tenant(), (SELECT count(*) FROM plugin_crm.contacts)")) {
                rs.next();
                assertEquals(null, rs.getObject(1));
                assertEquals(0L, rs.getLong(2));
            }
            int pid = TenantBinder.backendPid(raw);
            try (var binder = new TenantBinder(fixture.admin, 1)) {
                // A binding recorded for another role (a reused process id) does not apply.
                binder.bind(pid, "vcp_team_notes", a);
                try (var rs = statement.executeQuery("SELECT count(*) FROM plugin_crm.contacts")) {
                    rs.next();
                    assertEquals(0L, rs.getLong(1));
                }
                binder.bind(pid, "vcp_crm", a);
                try (var rs = statement.executeQuery("SELECT count(*) FROM plugin_crm.contacts")) {
                    rs.next();
                    assertEquals(1L, rs.getLong(1));
                }
                binder.unbind(pid);
            }
            java.sql.SQLException refused = assertThrows(java.sql.SQLException.class, () -> statement.executeUpdate(
                    "INSERT INTO plugin_crm.contacts (tenant_id, name) VALUES ('" + a + "', 'unbound')"));
            assertTrue(refused.getMessage().contains("row-level security"), refused.getMessage());
        }
    }

    @Test
    void aPluginCannotGrantItsRoleToAnotherPlugin() {
        UUID a = UUID.randomUUID();
        insert(a, "crm-a");
        // Since PostgreSQL 16 a role has no admin option on itself, so a plugin cannot hand its role to another.
        PluginStorageException refused = assertThrows(PluginStorageException.class,
                                                      () -> storage(a).update("GRANT vcp_crm TO vcp_team_notes"));
        assertEquals("42501", refused.sqlState(), refused.getMessage());
        PluginStorageException borrowed = assertThrows(PluginStorageException.class, () -> fixture.databases
                .forCall(storageCall(notes, a)).transaction(s -> s.update("SET ROLE vcp_crm")));
        assertTrue(borrowed.getMessage().contains("permission denied to set role"), borrowed.getMessage());
        assertEquals(Set.of("crm-a"), visible(a));
    }

    @Test
    void theRuntimeRoleCannotChangeTheSchemaOrBypassRowLevelSecurity() {
        UUID a = UUID.randomUUID();
        insert(a, "kept");
        for (String sql : List.of("TRUNCATE contacts", "CREATE TABLE sneaky (tenant_id uuid NOT NULL)",
                                  "CREATE TEMPORARY TABLE stash AS SELECT * FROM contacts", "DROP TABLE contacts",
                                  "ALTER TABLE contacts DISABLE ROW LEVEL SECURITY", "ALTER TABLE contacts NO FORCE ROW LEVEL SECURITY",
                                  "DROP POLICY tenant_isolation ON contacts", "CREATE POLICY open ON contacts USING (true)",
                                  "CREATE TABLE public.sneaky (x int)", "CREATE SCHEMA sneaky",
                                  "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'")) {
            PluginStorageException e = assertThrows(PluginStorageException.class, () -> refusedOrNot(a, sql), sql);
            assertEquals("42501", e.sqlState(), sql + ": " + e.getMessage());
        }
        PluginStorageException rowSecurityOff = refused(a, "SET row_security = off", "SELECT * FROM contacts");
        assertTrue(rowSecurityOff.getMessage().contains("would be affected by row-level security"), rowSecurityOff.getMessage());
        // Without the grant option PostgreSQL only warns; nothing is granted.
        storage(a).update("GRANT SELECT ON contacts TO PUBLIC");
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_class c, aclexplode(c.relacl) g "
                                            + "WHERE c.oid = 'plugin_crm.contacts'::regclass AND g.grantee = 0"));
        assertEquals(Set.of("kept"), visible(a));
    }

    @Test
    void sessionStateDoesNotSurviveACall() throws Exception {
        // One connection, so the second call certainly reuses the first call's session.
        try (PluginDatabaseFixture single = PluginDatabaseFixture.start(PluginStorageSettings.defaults().withPoolSize(1))) {
            PluginManifest plugin = single.installContacts("crm-single");
            UUID a = UUID.randomUUID();
            UUID b = UUID.randomUUID();
            Storage first = single.databases.forCall(storageCall(plugin, a));
            first.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'from-a')", Storage.TENANT);
            first.update("DECLARE kept CURSOR WITH HOLD FOR SELECT name FROM contacts");
            first.update("SET statement_timeout = 0");
            first.update("SET search_path = public");
            first.query("SELECT pg_advisory_lock(42)");

            Storage second = single.databases.forCall(storageCall(plugin, b));
            PluginStorageException cursor = assertThrows(PluginStorageException.class, () -> second.query("FETCH ALL FROM kept"));
            assertTrue(cursor.getMessage().contains("cursor \"kept\" does not exist"), cursor.getMessage());
            assertEquals("5s", second.queryOne("SHOW statement_timeout").orElseThrow().string("statement_timeout").orElseThrow());
            assertEquals(List.of(), second.query("SELECT name FROM contacts"), "search_path is the plugin's schema again");
            assertTrue(second.queryOne("SELECT pg_try_advisory_lock(42) AS got").orElseThrow().bool("got").orElseThrow());
            int pid = second.queryOne("SELECT pg_backend_pid() AS pid").orElseThrow().number("pid").orElseThrow().intValue();
            assertEquals(pid, first.queryOne("SELECT pg_backend_pid() AS pid").orElseThrow().number("pid").orElseThrow().intValue(),
                         "one connection serves both tenants");
            second.update("BEGIN");
            assertTrue(pid != first.queryOne("SELECT pg_backend_pid() AS pid").orElseThrow().number("pid").orElseThrow().intValue(),
                       "a connection left inside a transaction is closed, not handed to the next call");
            assertEquals(0L, second.queryOne("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ?", pid)
                    .orElseThrow().number("n").orElseThrow());
            // Statements prepared on the server are reused across calls of different tenants, each under its own tenant.
            for (int i = 0; i < 12; i++) {
                assertEquals(i % 2 == 0 ? 1 : 0, single.databases.forCall(storageCall(plugin, i % 2 == 0 ? a : b))
                        .query("SELECT id FROM contacts WHERE name = ?", "from-a").size());
            }
        }
    }

    @Test
    void aStatementThatRunsTooLongIsCancelledEvenIfThePluginLiftedTheTimeout() throws Exception {
        try (PluginDatabaseFixture quick = PluginDatabaseFixture.start(
                PluginStorageSettings.defaults().withStatementTimeout(java.time.Duration.ofSeconds(1)))) {
            PluginManifest plugin = quick.installContacts("crm-quick");
            Storage storage = quick.databases.forCall(storageCall(plugin, UUID.randomUUID()));
            PluginStorageException server = assertThrows(PluginStorageException.class, () -> storage.query("SELECT pg_sleep(3)"));
            assertEquals("57014", server.sqlState(), server.getMessage());
            assertEquals("storage-timeout", server.type());
            // A single statement that lifts the timeout itself is still held to it: the server armed it when the
            // statement started, after the call's start reset the setting.
            long lifted = System.nanoTime();
            PluginStorageException itself = assertThrows(PluginStorageException.class, () -> storage.query(
                    "SELECT pg_catalog.set_config('statement_timeout', '0', false) AS lifted, pg_sleep(4) AS slept"));
            assertEquals("57014", itself.sqlState(), itself.getMessage());
            assertTrue((System.nanoTime() - lifted) / 1_000_000 < 3_500, "cancelled by the server after about 1 s");
            assertEquals("1s", storage.queryOne("SHOW statement_timeout").orElseThrow().string("statement_timeout").orElseThrow(),
                         "and the next call starts with the kernel's timeout");

            long start = System.nanoTime();
            PluginStorageException client = assertThrows(PluginStorageException.class, () -> storage.transaction(s -> {
                s.update("SET statement_timeout = 0");
                return s.query("SELECT pg_sleep(6)");
            }));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("57014", client.sqlState(), client.getMessage());
            assertTrue(millis < 5_000, "the driver cancelled after about 2 s, not " + millis + " ms");
            assertEquals(1, storage.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'after')", Storage.TENANT),
                         "the pool is usable afterwards");
        }
    }

    @Test
    void onlyOneStatementPerCall() {
        UUID a = UUID.randomUUID();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                                  () -> storage(a).query("SELECT 1; DELETE FROM contacts"));
        assertTrue(e.getMessage().contains("one SQL statement per call"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> storage(a).update("DELETE FROM contacts;"));
        assertEquals("a;b", storage(a).queryOne("SELECT 'a;b' AS v /* ; */ -- ;").orElseThrow().string("v").orElseThrow());
    }

    @Test
    void storageNeedsTheDeclaredAndGrantedPermission() {
        UUID a = UUID.randomUUID();
        Storage ungranted = fixture.databases.forCall(call(crm, a));
        PermissionDeniedException notGranted = assertThrows(PermissionDeniedException.class, () -> ungranted.query("SELECT 1"));
        assertEquals("storage", notGranted.permission());
        assertTrue(notGranted.getMessage().contains("has not granted"), notGranted.getMessage());
        assertThrows(PermissionDeniedException.class, () -> ungranted.update("DELETE FROM contacts"));
        assertThrows(PermissionDeniedException.class, () -> ungranted.queryOne("SELECT 1"));
        assertThrows(PermissionDeniedException.class, () -> ungranted.transaction(s -> 1));

        PluginManifest undeclared = PluginDatabaseFixture.manifest("crm", "1.0.0");
        Storage notDeclared = fixture.databases.forCall(call(undeclared, a, PluginManifest.Permission.STORAGE));
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> notDeclared.query("SELECT 1"));
        assertTrue(e.getMessage().contains("does not declare"), e.getMessage());
    }

    @Test
    void valuesOfEverySupportedTypeRoundTrip() {
        PluginManifest types = storagePlugin("types", "1.0.0");
        fixture.databases.install(types, fixture.jar("types", "1.0.0", migrations("V1__all_types.sql", """
                CREATE TABLE things (
                    tenant_id uuid NOT NULL, id uuid PRIMARY KEY, label text, count_int integer, count_long bigint,
                    ok boolean, price numeric(12, 2), happened timestamptz, day date, blob bytea, doc jsonb, tags text[]
                )""")));
        UUID tenant = UUID.randomUUID();
        Storage storage = fixture.databases.forCall(storageCall(types, tenant));
        UUID id = UUID.randomUUID();
        Instant happened = Instant.parse("2026-03-01T12:34:56.789123Z");
        Json doc = Json.object().put("name", "Ada").put("age", 36).put("tags", List.of("a", "b")).put("nested", Map.of("x", true)).build();
        storage.update("INSERT INTO things VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ARRAY['x', 'y'])",
                       Storage.TENANT, id, "label", 7, 9_000_000_000L, true, new BigDecimal("12.50"), happened,
                       LocalDate.of(2026, 3, 1), new byte[] {1, 2, 3}, doc);
        Row row = storage.queryOne("SELECT * FROM things WHERE id = ?", id).orElseThrow();
        assertEquals(tenant, row.uuid("tenant_id").orElseThrow());
        assertEquals("label", row.string("label").orElseThrow());
        assertEquals(7L, row.number("count_int").orElseThrow());
        assertEquals(9_000_000_000L, row.number("count_long").orElseThrow());
        assertEquals(true, row.bool("ok").orElseThrow());
        assertEquals(new BigDecimal("12.50"), row.decimal("price").orElseThrow());
        assertEquals(happened.truncatedTo(ChronoUnit.MICROS), row.instant("happened").orElseThrow());
        assertEquals("2026-03-01", row.string("day").orElseThrow());
        assertTrue(java.util.Arrays.equals(new byte[] {1, 2, 3}, row.bytes("blob").orElseThrow()));
        assertEquals(doc, row.json("doc").orElseThrow());
        assertEquals("Ada", row.json("doc").orElseThrow().get("name").asString());

        Json json = row.toJson();
        assertEquals(id.toString(), json.get("id").asString());
        assertEquals(happened.truncatedTo(ChronoUnit.MICROS).toString(), json.get("happened").asString());
        assertEquals(doc, json.get("doc"));
        assertEquals(new BigDecimal("12.50"), json.get("price").asDecimal());
        assertEquals("AQID", json.get("blob").asString());
        assertEquals(Json.array(List.of("x", "y")), json.get("tags"));

        storage.update("INSERT INTO things (tenant_id, id, label, doc) VALUES (?, ?, ?, ?)", Storage.TENANT, UUID.randomUUID(), null, null);
        Row empty = storage.queryOne("SELECT * FROM things WHERE label IS NULL").orElseThrow();
        assertEquals(Optional.empty(), empty.string("label"));
        assertEquals(Optional.empty(), empty.json("doc"));
        assertEquals(Json.NULL, empty.toJson().get("doc"));
        assertEquals(happened.truncatedTo(ChronoUnit.MICROS),
                     storage.queryOne("SELECT ? AS t", happened).orElseThrow().instant("t").orElseThrow());
    }

    @Test
    void unsupportedParametersAndMisreadColumnsAreRefusedClearly() {
        UUID a = UUID.randomUUID();
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                                                     () -> storage(a).query("SELECT ?, ?", "ok", new java.util.Date()));
        assertTrue(type.getMessage().contains("parameter 2 is a java.util.Date"), type.getMessage());
        Row row = storage(a).queryOne("SELECT 'x' AS name").orElseThrow();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> row.string("nope"));
        assertTrue(missing.getMessage().contains("no column 'nope'"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> row.number("name"));
        PluginStorageException many = assertThrows(PluginStorageException.class,
                                                   () -> storage(a).queryOne("SELECT * FROM generate_series(1, 3)"));
        assertEquals("storage-more-than-one-row", many.type());
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        UUID a = UUID.randomUUID();
        assertThrows(IllegalStateException.class, () -> storage(a).transaction(s -> {
            s.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'rolled-back')", Storage.TENANT);
            throw new IllegalStateException("plugin failure");
        }));
        assertEquals(Set.of(), visible(a));
        Storage[] leaked = new Storage[1];
        int inserted = storage(a).transaction(s -> {
            leaked[0] = s;
            return s.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'one')", Storage.TENANT)
                   + s.transaction(inner -> inner.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'two')", Storage.TENANT));
        });
        assertEquals(2, inserted);
        assertEquals(Set.of("one", "two"), visible(a));
        assertThrows(IllegalStateException.class, () -> leaked[0].query("SELECT 1"), "a transaction's storage dies with it");
        assertEquals(0L, fixture.adminCount(PluginDatabaseFixture.BINDINGS_IN_USE));
    }

    @Test
    void migrationsAreReadOnlyFromThePluginsOwnJar() {
        var loader = fixture.jar("reader", "1.0.0", migrations("V1__a.sql", "SELECT 1", "V2__b.sql", "SELECT 2"));
        List<MigrationScript> scripts = PluginMigrations.fromClassLoader(loader);
        assertEquals(List.of("V1__a.sql", "V2__b.sql"), scripts.stream().map(MigrationScript::fileName).toList(),
                     "the kernel's own db/migration on the parent class path is not read");
        IllegalArgumentException callback = assertThrows(IllegalArgumentException.class, () -> PluginMigrations.fromClassLoader(
                fixture.jar("reader", "1.0.1", migrations("V1__a.sql", "SELECT 1", "afterMigrate.sql", "DROP POLICY x"))));
        assertTrue(callback.getMessage().contains("afterMigrate.sql"), callback.getMessage());
    }

    @Test
    void upgradeAppliesOnlyNewMigrationsAndMayChangeEveryTenantsRows() {
        PluginManifest v1 = storagePlugin("address-book", "1.0.0");
        InstallResult first = fixture.databases.install(v1, fixture.jar("address-book", "1.0.0", migrations("V1__contacts.sql", CONTACTS)));
        assertEquals(List.of("V1__contacts.sql"), first.applied());
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        fixture.databases.forCall(storageCall(v1, a)).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'Ada')", Storage.TENANT);
        fixture.databases.forCall(storageCall(v1, b)).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'Bob')", Storage.TENANT);

        PluginManifest v2 = storagePlugin("address-book", "2.0.0");
        InstallResult second = fixture.databases.upgrade(v2, fixture.jar("address-book", "2.0.0", migrations(
                "V1__contacts.sql", CONTACTS,
                "V2__email.sql", "ALTER TABLE contacts ADD COLUMN email text; UPDATE contacts SET email = lower(name) || '@example.com'")));
        assertEquals(List.of("V2__email.sql"), second.applied());
        assertEquals(Optional.of("2"), second.schemaVersion());
        assertEquals("ada@example.com", fixture.databases.forCall(storageCall(v2, a))
                .queryOne("SELECT email FROM contacts").orElseThrow().string("email").orElseThrow());
        assertEquals(Set.of("bob@example.com"), fixture.databases.forCall(storageCall(v2, b)).query("SELECT email FROM contacts")
                .stream().map(r -> r.string("email").orElseThrow()).collect(Collectors.toSet()));

        InstallResult again = fixture.databases.upgrade(v2, fixture.jar("address-book", "2.0.0", migrations(
                "V1__contacts.sql", CONTACTS, "V2__email.sql", "ALTER TABLE contacts ADD COLUMN email text; "
                                                               + "UPDATE contacts SET email = lower(name) || '@example.com'")));
        assertEquals(List.of(), again.applied());
        assertEquals(2L, fixture.adminCount("SELECT count(*) FROM plugin_address_book.contacts"));

        // A later version may drop migration files that were applied long ago.
        InstallResult squashed = fixture.databases.upgrade(storagePlugin("address-book", "3.0.0"), fixture.jar("address-book", "3.0.0",
                migrations("V3__phone.sql", "ALTER TABLE contacts ADD COLUMN phone text")));
        assertEquals(List.of("V3__phone.sql"), squashed.applied());
        assertEquals(Optional.of("3"), squashed.schemaVersion());
    }

    @Test
    void aChangedMigrationIsRefusedOnUpgrade() {
        PluginManifest v1 = storagePlugin("changed", "1.0.0");
        fixture.databases.install(v1, fixture.jar("changed", "1.0.0", migrations("V1__contacts.sql", CONTACTS)));
        PluginMigrationException e = assertThrows(PluginMigrationException.class, () -> fixture.databases.upgrade(
                storagePlugin("changed", "1.0.1"), fixture.jar("changed", "1.0.1", migrations(
                        "V1__contacts.sql", CONTACTS + "\nCREATE INDEX extra ON contacts (name);"))));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void dropDataRemovesSchemaRowsAndRolesWhileUninstallingKeepsThem() {
        PluginManifest plugin = fixture.installContacts("short-lived");
        UUID a = UUID.randomUUID();
        fixture.databases.forCall(storageCall(plugin, a)).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'x')", Storage.TENANT);
        fixture.databases.release("short-lived");
        assertEquals(1, fixture.databases.forCall(storageCall(plugin, a)).query("SELECT * FROM contacts").size(), "kept after release");

        fixture.databases.dropData("short-lived");
        assertFalse(fixture.databases.hasDatabase("short-lived"));
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_namespace WHERE nspname = 'plugin_short_lived'"));
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_roles WHERE rolname IN ('vcp_short_lived', 'vco_short_lived')"));
        PluginStorageException gone = assertThrows(PluginStorageException.class,
                                                   () -> fixture.databases.forCall(storageCall(plugin, a)).query("SELECT 1"));
        assertEquals("storage-not-installed", gone.type());

        fixture.installContacts("short-lived");
        assertEquals(List.of(), fixture.databases.forCall(storageCall(plugin, a)).query("SELECT * FROM contacts"), "reinstalled empty");
    }

    @Test
    void passwordsAreStoredSealed() throws Exception {
        try (var c = fixture.adminConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT runtime_password, owner_password FROM kernel.plugin_databases WHERE plugin_id = 'crm'")) {
            assertTrue(rs.next());
            byte[] runtime = rs.getBytes(1);
            assertTrue(runtime.length > 32 + 14, "a sealed box, not a bare password");
            assertFalse(new String(runtime, java.nio.charset.StandardCharsets.ISO_8859_1).matches("[A-Za-z0-9_-]{43}"));
        }
        List<String> stored = new ArrayList<>();
        try (var c = fixture.adminConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname IN ('vcp_crm', 'vco_crm')")) {
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
        }
        assertEquals(2, stored.size());
        assertTrue(stored.stream().allMatch(p -> p != null && p.startsWith("SCRAM-SHA-256$")), "the server keeps only SCRAM verifiers");
    }
}
