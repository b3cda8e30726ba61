package io.voicecore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * {@code voicecore migrate}: the kernel's schema and each extension's are migrated and the command returns, serving
 * nothing; run again it changes nothing. A deployment runs it once before its nodes are replaced.
 */
class MigrateCommandTest {

    @Test
    void migratesTheKernelAndEveryExtensionThenReturns() throws Exception {
        String url = TestPostgres.newDatabase();
        KernelConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "db.url", url, "db.user", "postgres", "db.pool-size", "1",
                "data", TestKernel.tempDir("voicecore-migrate").toString()));

        String migrated = Kernel.migrate(config, List.of(new KernelExtensionTest.Greetings()));

        assertTrue(migrated.startsWith("PostgreSQL at "), migrated);
        List<Integer> expected = List.of(kernelScripts(), 1);
        assertEquals(expected, appliedMigrations(url), "every kernel migration, then the extension's one");
        Kernel.migrate(config, List.of(new KernelExtensionTest.Greetings()));
        assertEquals(expected, appliedMigrations(url), "a second run applies nothing more");
    }

    @Test
    void theCommandLineNamesMigrateFirst() {
        String data = TestKernel.tempDir("voicecore-migrate-args").toString();
        assertEquals(Main.Command.MIGRATE, Main.command(new String[] {"migrate", "--data", data}));
        assertEquals(Main.Command.START, Main.command(new String[] {"start", "--data", data}));
        assertEquals(Main.Command.START, Main.command(new String[] {}));
        assertEquals(Path.of(data), Main.parse(new String[] {"migrate", "--data", data}).dataDir());
        IllegalArgumentException misplaced = assertThrows(IllegalArgumentException.class,
                () -> Main.parse(new String[] {"--data", data, "migrate"}));
        assertTrue(misplaced.getMessage().contains("'migrate' must come first"), misplaced.getMessage());
    }

    private static int kernelScripts() throws Exception {
        try (var scripts = Files.list(Path.of("src/main/resources/db/migration"))) {
            return (int) scripts.filter(script -> script.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
    }

    /** How many versioned migrations succeeded in the kernel's history, then in the extension's. */
    private static List<Integer> appliedMigrations(String url) throws Exception {
        String applied = " WHERE success AND version IS NOT NULL)";
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT (SELECT count(*) FROM kernel.flyway_schema_history" + applied
                     + ", (SELECT count(*) FROM greetings.flyway_schema_history" + applied)) {
            rs.next();
            return List.of(rs.getInt(1), rs.getInt(2));
        }
    }
}
