package io.voicecore.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicecore.kernel.Kernel;
import io.voicecore.kernel.config.ConfigLoader;

/**
 * A kernel started in this JVM for a scenario, as {@code ./voicecore start} runs it (HTTP server, embedded
 * PostgreSQL in a temporary data directory, the given plugin jars installed at start-up) but without kernel
 * extensions (the marketplace) unless a scenario names one, and the HTTP calls a scenario needs to set up tenants.
 * {@link #startProcess} starts it in a JVM of its own instead ({@link ChildKernel}), for a scenario whose load
 * generator would otherwise share the kernel's heap and collector. Closing stops it and deletes its files.
 */
final class BenchKernel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kernel in this JVM; null when it runs in a process of its own. */
    private final Kernel kernel;
    /** The kernel's process; null when it runs in this JVM. */
    private final ChildKernel.Running process;
    private final Path data;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private int tenants;

    private BenchKernel(Kernel kernel, ChildKernel.Running process, Path data, String adminToken) {
        this.kernel = kernel;
        this.process = process;
        this.data = data;
        this.adminToken = adminToken;
    }

    /** Starts a kernel that installs {@code pluginJars} at start-up. */
    static BenchKernel start(List<Path> pluginJars) throws IOException {
        return start(pluginJars, List.of());
    }

    /** Starts a kernel with kernel extensions, for a scenario that measures one of them (e.g. the marketplace's ledger). */
    static BenchKernel start(List<Path> pluginJars, List<io.voicecore.kernel.KernelExtension> extensions) throws IOException {
        Path data = Files.createTempDirectory("voicecore-bench");
        Path shipped = Files.createDirectories(data.resolve("shipped-plugins"));
        for (Path jar : pluginJars) {
            Files.copy(jar, shipped.resolve(jar.getFileName()));
        }
        String adminToken = "vca_" + random();
        Map<String, String> settings = Map.of(
                "port", "0",
                "host", "127.0.0.1",
                "data", data.toString(),
                "admin-token", adminToken,
                "master-key", random(),
                "plugins.dir", shipped.toString(),
                "rate-limit.per-minute", "1000000",
                "log.format", "text",
                // The stand-ins the scenarios call listen on the loopback interface.
                "plugins.egress.allow-private", "127.0.0.0/8,::1/128");
        try {
            // No kernel extension unless asked for, although the marketplace is on this class path (licensed-route uses
            // its licence classes): every scenario measures the kernel alone, and one that needs an extension names it.
            Kernel kernel = Kernel.start(ConfigLoader.load(Optional.empty(), Map.of(), settings), new PrintStream(OutputStream.nullOutputStream()),
                                         extensions);
            return new BenchKernel(kernel, null, data, adminToken);
        } catch (RuntimeException e) {
            ChildKernel.deleteTree(data);
            throw e;
        }
    }

    /**
     * Starts a kernel in a JVM of its own exactly as {@code ./voicecore start} does, installing the jars in
     * {@code pluginsDir} at start-up, with the benchmark's rate limit (every request comes from one address).
     *
     * @param root the repository, whose kernel build is started
     */
    static BenchKernel startProcess(Path root, Path pluginsDir) throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("voicecore-bench");
        String adminToken = "vca_" + random();
        try {
            ChildKernel.Running process = ChildKernel.start(root, data, pluginsDir, adminToken, random(),
                                                            Map.of("rate-limit.per-minute", "1000000",
                                                                   "plugins.egress.allow-private", "127.0.0.0/8,::1/128"));
            return new BenchKernel(null, process, data, adminToken);
        } catch (IOException | InterruptedException | RuntimeException e) {
            ChildKernel.deleteTree(data);
            throw e;
        }
    }

    /** Where the kernel's database is, e.g. "embedded PostgreSQL in DIR on port N". */
    String storageDescription() {
        return services().storageDescription();
    }

    int port() {
        return kernel != null ? kernel.port() : process.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** The running kernel's services, for scenarios that set up state in bulk beneath the API (in this JVM only). */
    io.voicecore.kernel.KernelServices services() {
        if (kernel == null) {
            throw new IllegalStateException("the kernel runs in a process of its own; its services are not in this JVM");
        }
        return kernel.services();
    }

    /** The kernel process's id, or this JVM's when it runs here: what to profile or watch with top. */
    long pid() {
        return process != null ? process.process().pid() : ProcessHandle.current().pid();
    }

    /** A request as the platform administrator. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + adminToken);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a JSON body and returns the parsed answer, which must have the expected status. */
    JsonNode json(String method, String path, Object body, int expected) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpResponse<String> response = send(request(path).header("Content-Type", "application/json").method(method, publisher).build());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    /**
     * A new tenant with the plugin enabled (every declared permission granted) and configured.
     *
     * @return the tenant's slug
     */
    String tenantWith(String pluginId, Map<String, Object> config) throws IOException, InterruptedException {
        String slug = tenant();
        enable(slug, pluginId, config);
        return slug;
    }

    /** @return the slug of a new tenant with no plugin enabled */
    String tenant() throws IOException, InterruptedException {
        String slug = "bench-" + (++tenants);
        json("POST", "/api/v1/tenants", Map.of("name", "Benchmark " + tenants, "slug", slug), 201);
        return slug;
    }

    /** Enables a plugin for a tenant, granting every permission it declares, and configures it (unless empty). */
    void enable(String slug, String pluginId, Map<String, Object> config) throws IOException, InterruptedException {
        List<String> permissions = new ArrayList<>();
        json("GET", "/api/v1/plugins/" + pluginId, null, 200).get("permissions").forEach(p -> permissions.add(p.get("name").asText()));
        json("PUT", "/api/v1/tenants/" + slug + "/plugins/" + pluginId, Map.of("grantedPermissions", permissions), 200);
        if (!config.isEmpty()) {
            json("PUT", "/api/v1/tenants/" + slug + "/plugins/" + pluginId + "/config", config, 200);
        }
    }

    @Override
    public void close() {
        try {
            if (kernel != null) {
                kernel.close();
            } else {
                process.close();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ChildKernel.deleteTree(data);
        }
    }

    private static String random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
