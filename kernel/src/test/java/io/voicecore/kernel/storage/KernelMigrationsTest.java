package io.voicecore.kernel.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.kernel.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * The kernel migrates only its own scripts: a plugin's {@code db/migration/V1__*.sql} on the class path (as
 * when a plugin's classes are tested with the plugin test kit) is neither run nor taken for a duplicate V1.
 */
class KernelMigrationsTest {

    @Test
    void anotherMigrationFolderOnTheClassPathIsIgnored() throws Exception {
        Path foreign = TestKernel.tempDir("foreign-migrations");
        Files.createDirectories(foreign.resolve("db/migration"));
        Files.writeString(foreign.resolve("db/migration/V1__guests.sql"), "CREATE TABLE kernel.not_the_kernels (id int);");
        Files.writeString(foreign.resolve("db/migration/V99__more.sql"), "CREATE TABLE kernel.not_the_kernels_either (id int);");
        String url = TestPostgres.newDatabase();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader withForeign = new URLClassLoader(new URL[] {foreign.toUri().toURL()}, previous)) {
            // Flyway scans the context class loader unless told otherwise.
            thread.setContextClassLoader(withForeign);
            try (Storage storage = Storage.open(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                    "db.url", url, "db.user", "postgres", "db.pool-size", "2",
                    "data", TestKernel.tempDir("voicecore-migrations").toString())))) {
                assertEquals(true, storage.database().ping());
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FILTER (WHERE table_name LIKE 'not_the_kernels%'), count(*) FILTER (WHERE table_name = 'tenants') "
                     + "FROM information_schema.tables WHERE table_schema = 'kernel'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no foreign script ran");
            assertEquals(1, rs.getInt(2), "the kernel's own did");
        }
    }
}
