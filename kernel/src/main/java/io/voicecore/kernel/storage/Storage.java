package io.voicecore.kernel.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.voicecore.kernel.config.KernelConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Opens the system of record: the configured PostgreSQL, or an embedded one whose files live under
 * the data directory and survive restarts. Migrates the kernel schema with Flyway as the connecting
 * (owner) user, then hands out a {@link Database} whose pool runs as the unprivileged application role.
 */
public final class Storage implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Storage.class.getName());
    private static final String EMBEDDED_DATABASE = "voicecore";

    private final EmbeddedPostgres embedded;
    private final Database database;
    private final String description;
    private final DatabaseLogin adminLogin;

    private Storage(EmbeddedPostgres embedded, Database database, String description, DatabaseLogin adminLogin) {
        this.embedded = embedded;
        this.database = database;
        this.description = description;
        this.adminLogin = adminLogin;
    }

    public static Storage open(KernelConfig config) {
        if (config.dbUrl().isPresent()) {
            String url = config.dbUrl().get();
            String user = config.dbUser().orElse("");
            String password = config.dbPassword().orElse("");
            migrate(ownerDataSource(url, user, password));
            return new Storage(null, pool(config, url, user, password), "PostgreSQL at " + redact(url),
                               new DatabaseLogin(url, user, password));
        }
        EmbeddedPostgres embedded = startEmbedded(config.dataDir().resolve("postgres"));
        try {
            createDatabaseIfMissing(embedded.getPostgresDatabase());
            String url = embedded.getJdbcUrl("postgres", EMBEDDED_DATABASE);
            migrate(ownerDataSource(url, "postgres", ""));
            return new Storage(embedded, pool(config, url, "postgres", ""),
                               "embedded PostgreSQL in " + config.dataDir().resolve("postgres") + " on port " + embedded.getPort(),
                               new DatabaseLogin(url, "postgres", ""));
        } catch (RuntimeException e) {
            closeQuietly(embedded);
            throw e;
        }
    }

    public Database database() {
        return database;
    }

    public String description() {
        return description;
    }

    /** The administrative login the kernel migrated with; plugin databases use it to create roles and schemas. */
    public DatabaseLogin adminLogin() {
        return adminLogin;
    }

    /**
     * Applies the migrations of a part of the platform built on the kernel, as the owner, into a schema of its own
     * with its own history table, so its scripts and the kernel's never mix.
     *
     * @param location class-path folder of the scripts, read through {@code loader}
     */
    public void migrateSchema(String schema, String location, ClassLoader loader) {
        Flyway.configure(loader)
                .dataSource(ownerDataSource(adminLogin.jdbcUrl(), adminLogin.user(), adminLogin.password()))
                .schemas(schema)
                .locations("classpath:" + location)
                .load()
                .migrate();
    }

    @Override
    public void close() {
        database.close();
        if (embedded != null) {
            closeQuietly(embedded);
        }
    }

    private static EmbeddedPostgres startEmbedded(Path directory) {
        try {
            Files.createDirectories(directory);
            long start = System.nanoTime();
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "100")
                    .start();
            LOG.info(() -> "Embedded PostgreSQL started in " + (System.nanoTime() - start) / 1_000_000 + " ms on port " + pg.getPort());
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void createDatabaseIfMissing(DataSource admin) {
        try (Connection c = admin.getConnection();
             var check = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            check.setString(1, EMBEDDED_DATABASE);
            try (var rs = check.executeQuery()) {
                if (!rs.next()) {
                    try (var create = c.createStatement()) {
                        create.execute("CREATE DATABASE " + EMBEDDED_DATABASE);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the embedded database: " + e.getMessage(), e);
        }
    }

    private static DataSource ownerDataSource(String url, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        if (!user.isEmpty()) {
            ds.setUser(user);
        }
        if (!password.isEmpty()) {
            ds.setPassword(password);
        }
        return ds;
    }

    /**
     * Applies the kernel's migrations; they also create the application role and grant it its rights. Only the
     * kernel's own scripts are read, so that other {@code db/migration} folders on the class path (a plugin's
     * classes under test with the plugin test kit, a library of an embedding application) are never mistaken
     * for the kernel's.
     */
    static void migrate(DataSource owner) {
        Flyway.configure(new KernelMigrationsOnly(Storage.class.getClassLoader()))
                .dataSource(owner)
                .schemas("kernel")
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** Resolves {@code db/migration} only inside the kernel's own jar (or classes directory); everything else as usual. */
    private static final class KernelMigrationsOnly extends ClassLoader {
        private static final String MIGRATIONS = "db/migration";
        private final String kernelLocation;

        KernelMigrationsOnly(ClassLoader kernel) {
            super(kernel);
            this.kernelLocation = Storage.class.getProtectionDomain().getCodeSource().getLocation().toString();
        }

        @Override
        public URL getResource(String name) {
            if (!name.startsWith(MIGRATIONS)) {
                return super.getResource(name);
            }
            try {
                Enumeration<URL> found = getResources(name);
                return found.hasMoreElements() ? found.nextElement() : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            Enumeration<URL> all = super.getResources(name);
            if (!name.startsWith(MIGRATIONS)) {
                return all;
            }
            // A directory URL starts with the location, a jar URL is "jar:<location>!/...".
            return Collections.enumeration(Collections.list(all).stream()
                    .filter(url -> url.toString().startsWith(kernelLocation) || url.toString().startsWith("jar:" + kernelLocation + "!"))
                    .toList());
        }
    }

    private static Database pool(KernelConfig config, String url, String user, String password) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("voicecore");
        hikari.setJdbcUrl(url);
        if (!user.isEmpty()) {
            hikari.setUsername(user);
        }
        if (!password.isEmpty()) {
            hikari.setPassword(password);
        }
        hikari.setMaximumPoolSize(config.dbPoolSize());
        hikari.setMinimumIdle(Math.min(2, config.dbPoolSize()));
        hikari.setConnectionTimeout(5_000);
        // Helidon binds UUIDs and similar values as strings; let PostgreSQL infer their type from the column.
        hikari.addDataSourceProperty("stringtype", "unspecified");
        // Every application connection drops to the unprivileged role: RLS binds it, and it cannot alter the audit log.
        hikari.setConnectionInitSql("SET ROLE " + Database.APP_ROLE);
        return new Database(new HikariDataSource(hikari));
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warning("Embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
