package io.voicecore.kernel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.Kernel;
import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.plugins.egress.PrivateAddressAllowList;
import io.voicecore.kernel.http.Json;

/**
 * A real kernel on a free port, over its own database in the shared test PostgreSQL, talked to
 * over real HTTP. {@link #builder()} lets a test set any configuration key.
 */
public final class TestKernel implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * One master key for every test kernel of this JVM: each kernel gets a fresh data directory, and a
     * kernel restarted over an existing database must be able to open the secrets sealed there.
     */
    public static final String MASTER_KEY = randomMasterKey();

    private final Kernel kernel;
    private final String jdbcUrl;
    private final String adminToken;
    private final ByteArrayOutputStream console;

    private TestKernel(Kernel kernel, String jdbcUrl, String adminToken, ByteArrayOutputStream console) {
        this.kernel = kernel;
        this.jdbcUrl = jdbcUrl;
        this.adminToken = adminToken;
        this.console = console;
    }

    public static TestKernel start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a test kernel; every key of {@code ConfigLoader} may be set. */
    public static final class Builder {
        private final Map<String, String> settings = new HashMap<>();
        private String jdbcUrl;
        private Path embeddedData;
        private String adminToken = "test-admin-" + UUID.randomUUID();
        private List<KernelExtension> extensions;
        private java.time.Clock clock = java.time.Clock.systemUTC();

        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Reuses an existing database, e.g. to restart over the same data. */
        public Builder database(String url) {
            this.jdbcUrl = url;
            return this;
        }

        public Builder adminToken(String token) {
            this.adminToken = token;
            return this;
        }

        /** Uses no external database: the kernel starts its own embedded PostgreSQL under {@code data}. */
        public Builder embeddedDatabase(Path data) {
            this.embeddedData = data;
            return this;
        }

        /** Starts with exactly these extensions instead of those found on the class path. */
        public Builder extensions(List<KernelExtension> chosen) {
            this.extensions = List.copyOf(chosen);
            return this;
        }

        /** Runs the kernel on this clock (an extension under test gets the same one, so both see the same time). */
        public Builder clock(java.time.Clock chosen) {
            this.clock = chosen;
            return this;
        }

        /** Starts with no configured admin token, so the kernel generates one. */
        public Builder noAdminToken() {
            this.adminToken = null;
            return this;
        }

        public TestKernel start() {
            Map<String, String> values = new HashMap<>();
            values.put("port", "0");
            values.put("host", "127.0.0.1");
            values.put("db.pool-size", "4");
            values.put("master-key", MASTER_KEY);
            // Tests' stand-ins listen on the loopback interface; a test of the refusal sets the key itself.
            values.put("plugins.egress.allow-private", PrivateAddressAllowList.LOOPBACK);
            String url = null;
            if (embeddedData != null) {
                values.put("data", embeddedData.toString());
            } else {
                url = jdbcUrl != null ? jdbcUrl : TestPostgres.newDatabase();
                values.put("db.url", url);
                values.put("db.user", "postgres");
                values.put("data", tempDir("voicecore-test-data").toString());
            }
            if (adminToken != null) {
                values.put("admin-token", adminToken);
            }
            values.putAll(settings);
            KernelConfig config = ConfigLoader.load(Optional.empty(), Map.of(), values);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(console, true);
            Kernel kernel = Kernel.start(config, out, extensions == null ? KernelServices.discoverExtensions() : extensions, clock);
            return new TestKernel(kernel, url, adminToken, console);
        }
    }

    public Kernel kernel() {
        return kernel;
    }

    public int port() {
        return kernel.port();
    }

    public String adminToken() {
        return adminToken;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** What the kernel printed on its console (where a generated admin token is announced). */
    public String consoleOutput() {
        return console.toString();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** A superuser connection to this kernel's database, for inspecting or tampering with rows as an attacker with DB access would. */
    public Connection ownerConnection() {
        try {
            return DriverManager.getConnection(jdbcUrl, "postgres", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection as the application role, the one RLS binds, with no tenant selected yet. */
    public Connection appConnection() {
        try {
            Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
            try (var s = c.createStatement()) {
                s.execute("SET ROLE voicecore_app");
            }
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResult get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public HttpResult delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    public HttpResult post(String path, String token, Object json) {
        return send(path, "POST", token, "application/json", json instanceof String s ? s : Json.writeString(json));
    }

    public HttpResult put(String path, String token, Object json) {
        return send(path, "PUT", token, "application/json", json instanceof String s ? s : Json.writeString(json));
    }

    public HttpResult patch(String path, String token, Object json) {
        return send(path, "PATCH", token, "application/json", json instanceof String s ? s : Json.writeString(json));
    }

    /** Sends any method with a raw body and content type (null: no Content-Type header). */
    public HttpResult send(String path, String method, String token, String contentType, String body) {
        HttpRequest.Builder builder = request(path, token).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder.build());
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    public HttpResult send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new HttpResult(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a tenant as the platform admin and returns its id. */
    public String createTenant(String slug) {
        HttpResult result = post("/api/v1/tenants", adminToken, Map.of("name", "Tenant " + slug, "slug", slug));
        if (result.status() != 201) {
            throw new AssertionError("creating tenant " + slug + " failed: " + result);
        }
        return result.json().get("id").asText();
    }

    /** Creates an API key in the tenant as the platform admin and returns its secret. */
    public String createApiKey(String tenant, String role) {
        HttpResult result = post("/api/v1/tenants/" + tenant + "/api-keys", adminToken, Map.of("name", "key", "role", role));
        if (result.status() != 201) {
            throw new AssertionError("creating key in " + tenant + " failed: " + result);
        }
        return result.json().get("secret").asText();
    }

    /** Creates a user in the tenant as the platform admin and returns its id. */
    public String createUser(String tenant, String email, String password, String role) {
        HttpResult result = post("/api/v1/tenants/" + tenant + "/users", adminToken,
                                 Map.of("email", email, "password", password, "role", role));
        if (result.status() != 201) {
            throw new AssertionError("creating user " + email + " in " + tenant + " failed: " + result);
        }
        return result.json().get("id").asText();
    }

    /** Logs in with email and password only and returns the session token. */
    public String login(String tenant, String email, String password) {
        HttpResult result = post("/api/v1/auth/login", null, Map.of("tenant", tenant, "email", email, "password", password));
        if (result.status() != 200) {
            throw new AssertionError("login of " + email + " in " + tenant + " failed: " + result);
        }
        return result.json().get("token").asText();
    }

    @Override
    public void close() {
        kernel.close();
    }

    private static String randomMasterKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
