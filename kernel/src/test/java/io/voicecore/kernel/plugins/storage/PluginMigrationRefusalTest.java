package io.voicecore.kernel.plugins.storage;

import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.CONTACTS;
import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.migrations;
import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.storageCall;
import static io.voicecore.kernel.plugins.storage.PluginDatabaseFixture.storagePlugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.sdk.capability.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migrations run as the plugin's owner role and are checked before they commit: a migration that reaches
 * outside the plugin's schema, leaves a table without tenant_id, or sets up a way around row-level
 * security is refused with a precise message, and nothing of the install is applied.
 */
class PluginMigrationRefusalTest {
    private static final AtomicInteger PLUGINS = new AtomicInteger();
    static PluginDatabaseFixture fixture;

    @BeforeAll
    static void start() {
        fixture = PluginDatabaseFixture.start();
        fixture.installContacts("bystander");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    private static String nextId() {
        return "hostile-" + PLUGINS.incrementAndGet();
    }

    private static long tablesIn(String schema) {
        return fixture.adminCount("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "' AND tablename <> 'flyway_schema_history'");
    }

    static Stream<Arguments> hostileMigrations() {
        return Stream.of(
                Arguments.of("CREATE TABLE notes (id bigint, body text)", "without a tenant_id column"),
                Arguments.of("CREATE TABLE notes (tenant_id text NOT NULL)", "tenant_id of type text"),
                Arguments.of("CREATE TABLE notes (tenant_id uuid)", "nullable tenant_id"),
                Arguments.of("CREATE TABLE kernel.evil (tenant_id uuid NOT NULL)", "permission denied for schema kernel"),
                Arguments.of("DROP TABLE kernel.tenants", "permission denied for schema kernel"),
                Arguments.of("RESET ROLE;\nDROP TABLE kernel.tenants", "permission denied for schema kernel"),
                Arguments.of("SET ROLE postgres", "permission denied to set role"),
                Arguments.of("SET SESSION AUTHORIZATION postgres", "permission denied to set session authorization"),
                Arguments.of("CREATE SCHEMA evil", "permission denied for database"),
                Arguments.of("CREATE TABLE public.evil (tenant_id uuid NOT NULL)", "permission denied for schema public"),
                Arguments.of("DELETE FROM vc_guard.connection_tenant", "permission denied for table connection_tenant"),
                Arguments.of("SELECT * FROM plugin_bystander.contacts", "permission denied for schema plugin_bystander"),
                Arguments.of("CREATE POLICY everything ON contacts USING (true)", "policy everything"),
                Arguments.of("CREATE FUNCTION all_rows() RETURNS SETOF contacts LANGUAGE sql SECURITY DEFINER AS 'SELECT * FROM contacts'",
                             "SECURITY DEFINER function"),
                Arguments.of("CREATE MATERIALIZED VIEW snapshot AS SELECT * FROM contacts", "materialized view"),
                Arguments.of("GRANT SELECT ON contacts TO vcp_bystander", "grants privileges on relation ${schema}.contacts to vcp_bystander"),
                Arguments.of("GRANT SELECT (name) ON contacts TO vcp_bystander", "column ${schema}.contacts.name to vcp_bystander"),
                Arguments.of("GRANT USAGE ON SCHEMA ${schema} TO vcp_bystander", "schema ${schema} to vcp_bystander"),
                Arguments.of("GRANT ${owner} TO ${runtime}", "${owner}"),
                Arguments.of("CREATE TABLE broken (tenant_id uuid NOT NULL,)", "syntax error"));
    }

    @ParameterizedTest
    @MethodSource("hostileMigrations")
    void aHostileOrInvalidMigrationIsRefusedAndNothingIsApplied(String hostileSql, String expected) {
        String id = nextId();
        PluginDatabaseNames names = PluginDatabaseNames.of(id);
        String sql = hostileSql.replace("${schema}", names.schema()).replace("${owner}", names.ownerRole())
                .replace("${runtime}", names.runtimeRole());
        PluginManifest manifest = storagePlugin(id, "1.0.0");
        PluginMigrationException e = assertThrows(PluginMigrationException.class, () -> fixture.databases.install(manifest, fixture.jar(
                id, "1.0.0", migrations("V1__contacts.sql", CONTACTS, "V2__hostile.sql", sql))));
        String wanted = expected.replace("${schema}", names.schema()).replace("${owner}", names.ownerRole());
        assertTrue(e.getMessage().contains(wanted), "expected '" + wanted + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains("V2__hostile.sql"), e.getMessage());
        assertEquals(Optional.of("V2__hostile.sql"), e.migration());
        assertEquals(id, e.pluginId());
        assertEquals(0L, tablesIn(names.schema()), "V1 was rolled back with V2: " + e.getMessage());
        assertEquals(1L, fixture.adminCount("SELECT count(*) FROM pg_tables WHERE schemaname = 'kernel' AND tablename = 'tenants'"));
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_tables WHERE tablename = 'evil'"));
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid "
                                            + "JOIN pg_roles m ON m.oid = am.member WHERE m.rolname LIKE 'vcp_hostile%'"),
                     "no membership survives");
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM vc_guard.connection_tenant WHERE all_tenants"), "the migration binding is gone");
    }

    @Test
    void aMissingTenantColumnIsReportedWithTheTableAndTheFile() {
        PluginMigrationException e = assertThrows(PluginMigrationException.class, () -> fixture.databases.install(
                storagePlugin("no-tenant", "1.0.0"), fixture.jar("no-tenant", "1.0.0", migrations(
                        "V1__contacts.sql", CONTACTS, "V2__notes.sql", "CREATE TABLE notes (id bigint PRIMARY KEY, body text)"))));
        assertTrue(e.getMessage().startsWith("Migration V2__notes.sql of plugin 'no-tenant' leaves the table plugin_no_tenant.notes "
                                             + "without a tenant_id column."), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing of this install was applied"), e.getMessage());
    }

    @Test
    void aFailingUpgradeLeavesTheSchemaAtTheOldVersion() {
        PluginManifest v1 = storagePlugin("upgrade-fails", "1.0.0");
        fixture.databases.install(v1, fixture.jar("upgrade-fails", "1.0.0", migrations("V1__contacts.sql", CONTACTS)));
        UUID tenant = UUID.randomUUID();
        fixture.databases.forCall(storageCall(v1, tenant)).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'Ada')", Storage.TENANT);

        PluginMigrationException e = assertThrows(PluginMigrationException.class, () -> fixture.databases.upgrade(
                storagePlugin("upgrade-fails", "2.0.0"), fixture.jar("upgrade-fails", "2.0.0", migrations(
                        "V1__contacts.sql", CONTACTS,
                        "V2__rename.sql", "UPDATE contacts SET name = 'changed'",
                        "V3__bad.sql", "ALTER TABLE contacts DROP COLUMN tenant_id"))));
        assertTrue(e.getMessage().contains("V3__bad.sql"), e.getMessage());
        assertEquals("Ada", fixture.databases.forCall(storageCall(v1, tenant)).queryOne("SELECT name FROM contacts")
                .orElseThrow().string("name").orElseThrow(), "V2's change was rolled back with V3");
        assertEquals(1L, fixture.adminCount("SELECT count(*) FROM plugin_upgrade_fails.flyway_schema_history WHERE success"));
    }

    @Test
    void isolationSwitchedOffByAMigrationIsPutBack() {
        PluginManifest v1 = storagePlugin("switch-off", "1.0.0");
        fixture.databases.install(v1, fixture.jar("switch-off", "1.0.0", migrations("V1__contacts.sql", CONTACTS)));
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        fixture.databases.forCall(storageCall(v1, a)).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'a')", Storage.TENANT);
        fixture.databases.forCall(storageCall(v1, b)).update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'b')", Storage.TENANT);
        fixture.databases.upgrade(storagePlugin("switch-off", "2.0.0"), fixture.jar("switch-off", "2.0.0", migrations(
                "V1__contacts.sql", CONTACTS,
                "V2__off.sql", """
                        ALTER TABLE contacts NO FORCE ROW LEVEL SECURITY;
                        ALTER TABLE contacts DISABLE ROW LEVEL SECURITY;
                        DROP POLICY tenant_isolation ON contacts;
                        GRANT ALL ON contacts TO PUBLIC;
                        REVOKE ALL ON contacts FROM vcp_switch_off;
                        GRANT TRUNCATE ON contacts TO vcp_switch_off""")));
        assertEquals(1L, fixture.adminCount("SELECT count(*) FROM pg_class WHERE oid = 'plugin_switch_off.contacts'::regclass "
                                            + "AND relrowsecurity AND relforcerowsecurity"));
        Storage storage = fixture.databases.forCall(storageCall(v1, a));
        assertEquals(List.of("a"), storage.query("SELECT name FROM contacts").stream().map(r -> r.string("name").orElseThrow()).toList());
        PluginStorageException truncate = assertThrows(PluginStorageException.class, () -> storage.update("TRUNCATE contacts"));
        assertEquals("42501", truncate.sqlState());
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_class c, aclexplode(c.relacl) g "
                                            + "WHERE c.oid = 'plugin_switch_off.contacts'::regclass AND g.grantee = 0"));
    }

    @Test
    void viewsTriggersAndSeedRowsWorkUnderIsolation() {
        PluginManifest manifest = storagePlugin("rich-schema", "1.0.0");
        UUID seeded = UUID.randomUUID();
        fixture.databases.install(manifest, fixture.jar("rich-schema", "1.0.0", migrations(
                "V1__contacts.sql", CONTACTS + """
                        ALTER TABLE contacts ADD COLUMN updated_at timestamptz;
                        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
                        CREATE TRIGGER contacts_touch BEFORE INSERT OR UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION touch();
                        CREATE VIEW named AS SELECT tenant_id, upper(name) AS shout FROM contacts;
                        """,
                "V2__seed.sql", "INSERT INTO contacts (tenant_id, name) VALUES ('" + seeded + "', 'seeded')")));
        UUID other = UUID.randomUUID();
        Storage mine = fixture.databases.forCall(storageCall(manifest, seeded));
        Storage theirs = fixture.databases.forCall(storageCall(manifest, other));
        theirs.update("INSERT INTO contacts (tenant_id, name) VALUES (?, 'other')", Storage.TENANT);
        assertEquals(Set.of("SEEDED"), mine.query("SELECT shout FROM named").stream()
                .map(r -> r.string("shout").orElseThrow()).collect(Collectors.toSet()), "the view runs as the owner, still one tenant");
        assertEquals(Set.of("OTHER"), theirs.query("SELECT shout FROM named").stream()
                .map(r -> r.string("shout").orElseThrow()).collect(Collectors.toSet()));
        assertTrue(theirs.queryOne("SELECT updated_at FROM contacts").orElseThrow().instant("updated_at").isPresent(), "the trigger ran");
    }

    @Test
    void migrationsNeedTheStoragePermission() {
        PluginManifest noStorage = PluginDatabaseFixture.manifest("no-storage", "1.0.0");
        PluginMigrationException e = assertThrows(PluginMigrationException.class, () -> fixture.databases.install(
                noStorage, fixture.jar("no-storage", "1.0.0", migrations("V1__contacts.sql", CONTACTS))));
        assertTrue(e.getMessage().contains("does not declare the permission 'storage'"), e.getMessage());
        InstallResult nothing = fixture.databases.install(noStorage, fixture.jar("no-storage", "1.0.0", migrations()));
        assertEquals(Optional.empty(), nothing.schema());
        assertEquals(0L, fixture.adminCount("SELECT count(*) FROM pg_namespace WHERE nspname = 'plugin_no_storage'"));
    }

    @Test
    void migrationFileNamesMustBeVersioned() {
        PluginMigrationException e = assertThrows(PluginMigrationException.class, () -> fixture.databases.install(
                storagePlugin("bad-names", "1.0.0"), fixture.jar("bad-names", "1.0.0", migrations(
                        "V1__contacts.sql", CONTACTS, "R__refresh.sql", "SELECT 1"))));
        assertTrue(e.getMessage().contains("db/migration/R__refresh.sql is not a versioned migration"), e.getMessage());
    }
}
