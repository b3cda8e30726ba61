package io.voicecore.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.Kernel;
import io.voicecore.kernel.KernelExtension;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import io.voicecore.standins.openai.OpenAiStandIn;
import io.voicecore.standins.stripe.StripeStandIn;
import io.voicecore.standins.stripe.StripeStandInSettings;

/**
 * A throw-away platform around one plugin under development: a kernel on a temporary data folder (embedded PostgreSQL,
 * deleted on {@link #close()}), the marketplace, the OpenAI and Stripe stand-ins in-process on free loopback ports, one
 * sandbox tenant with the core plugins and the developer's plugin enabled and every permission granted, generated data,
 * hot reload of each new build, and the inspector ({@link SandboxExtension}).
 *
 * <p>Hot reload installs each build through the kernel's own install path ({@code POST /api/v1/plugins}: verifier,
 * loader, migrations, moving the tenant to the new version, the old version serving until then); a build the verifier
 * refuses is reported and the running version keeps serving.
 */
public final class Sandbox implements AutoCloseable {
    /** How often {@code target/} is looked at for a new build. */
    static final long WATCH_MILLIS = 250;
    static final String OPENAI_KEY = "sk-sandbox";
    static final String STRIPE_KEY = "sk_test_sandbox";
    /** The voice plugin's Twilio auth token, with which the Twilio stand-in signs the webhooks of the calls it places. */
    static final String TWILIO_AUTH_TOKEN = "sandbox-twilio-auth-token";
    /** The core plugins in the order they are enabled: a plugin after the ones whose services it uses. */
    private static final List<String> ENABLE_FIRST = List.of("ai-gateway", "crm", "receptionist", "voice");

    /** What the sandbox runs. */
    public record Options(Path pluginProject, Path corePlugins, int port, long seed, int contacts, boolean onlineAi) {
        public Options {
            if (contacts < 0) {
                throw new IllegalArgumentException("contacts must not be negative");
            }
        }

        /**
         * Port 0 (a free one), seed 42, 240 contacts, the AI gateway offline.
         *
         * @param corePlugins the folder of the core plugins' jars, {@code plugins/} of a built checkout
         */
        public static Options of(Path pluginProject, Path corePlugins) {
            return new Options(pluginProject, corePlugins, 0, 42, 240, false);
        }

        public Options withPort(int newPort) {
            return new Options(pluginProject, corePlugins, newPort, seed, contacts, onlineAi);
        }

        public Options withSeed(long newSeed) {
            return new Options(pluginProject, corePlugins, port, newSeed, contacts, onlineAi);
        }

        public Options withContacts(int newContacts) {
            return new Options(pluginProject, corePlugins, port, seed, newContacts, onlineAi);
        }
    }

    /** One attempt to reload a build: installed (with its version) or refused (with the verifier's report). */
    public record Reload(boolean installed, String version, long millis, String detail, List<String> violations) {
    }

    private final Options options;
    private final PrintStream out;
    private final Path dataDir;
    private final String adminToken;
    private final List<Reload> reloads = new CopyOnWriteArrayList<>();
    private OpenAiStandIn openAi;
    private StripeStandIn stripe;
    private Kernel kernel;
    private SandboxHttp http;
    private volatile UUID tenantId;
    private String tenantKey;
    private String pluginId;
    private volatile String activeVersion;
    private List<String> pluginRoutes = List.of();
    private boolean voice;
    private DevJar.Found current;
    /** A new jar seen once, installed when the next look finds it unchanged. */
    private DevJar.Found pending;
    private int installs;
    private DataGenerator.Summary generated;
    private ScheduledExecutorService watcher;

    private Sandbox(Options options, PrintStream out) throws IOException {
        this.options = options;
        this.out = out;
        this.dataDir = Files.createTempDirectory("voicecore-sandbox-");
        byte[] token = new byte[24];
        new SecureRandom().nextBytes(token);
        this.adminToken = "sandbox-" + HexFormat.of().formatHex(token);
    }

    /**
     * Starts everything and returns once the tenant, its plugins and its data are ready and hot reload watches.
     *
     * @throws SandboxException when the plugin project has no built plugin jar, or the plugin cannot be installed
     */
    public static Sandbox start(Options options, PrintStream out) {
        Path project = options.pluginProject().toAbsolutePath().normalize();
        DevJar.Found jar = DevJar.newest(project).orElseThrow(() -> new SandboxException(
                "no plugin jar in " + project.resolve("target") + ": build the plugin first (mvn package in " + project + ")"));
        if (options.contacts() > 0) {
            for (String needed : List.of("crm", "ai-gateway", "receptionist")) {
                if (!hasJar(options.corePlugins(), needed)) {
                    throw new SandboxException("the core plugin '" + needed + "' is not in " + options.corePlugins()
                                               + ": build VoiceCore first (./voicecore build), or start with --contacts 0 for no data");
                }
            }
        }
        Sandbox sandbox;
        try {
            sandbox = new Sandbox(options, out);
        } catch (IOException e) {
            throw new SandboxException("cannot create a temporary data folder: " + e.getMessage());
        }
        try {
            sandbox.run(jar);
            return sandbox;
        } catch (RuntimeException | Error e) {
            sandbox.close();
            throw e;
        }
    }

    private static boolean hasJar(Path folder, String pluginId) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).anyMatch(name -> name.startsWith(pluginId + "-") && name.endsWith(".jar"));
        } catch (IOException e) {
            return false;
        }
    }

    private void run(DevJar.Found jar) {
        pluginId = jar.pluginId();
        openAi = OpenAiStandIn.start(0, Set.of(OPENAI_KEY));
        stripe = StripeStandIn.start(0, StripeStandInSettings.defaults().withKeys(STRIPE_KEY));
        CallRecorder recorder = new CallRecorder(pluginId::equals, 2000);
        List<KernelExtension> extensions = new ArrayList<>();
        extensions.add(new MarketplaceExtension(MarketplaceSettings.fromEnvironment(Map.of(
                "VOICECORE_STRIPE_BASE_URL", stripe.baseUrl(),
                "VOICECORE_STRIPE_SECRET_KEY", STRIPE_KEY,
                "VOICECORE_STRIPE_WEBHOOK_SECRET", "whsec_sandbox",
                "VOICECORE_MARKETPLACE_SCHEDULED_JOBS", "false"))));
        extensions.add(new SandboxExtension(recorder, () -> Optional.ofNullable(tenantId)));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("host", "127.0.0.1");
        settings.put("port", String.valueOf(options.port()));
        settings.put("data", dataDir.toString());
        settings.put("admin-token", adminToken);
        settings.put("log.format", "text");
        settings.put("plugins.dir", options.corePlugins().toString());
        // The stand-ins listen on the loopback address; the platform refuses plugins' egress there unless allowed.
        settings.put("plugins.egress.allow-private", "127.0.0.1/32");
        settings.put("retention.enabled", "false");
        KernelConfig config = ConfigLoader.load(Optional.empty(), Map.of(), settings);
        kernel = Kernel.start(config, new PrintStream(OutputStream.nullOutputStream()), extensions);
        http = new SandboxHttp(baseUrl());

        JsonNode tenant = http.post("/api/v1/tenants", adminToken, Map.of("name", "Sandbox", "slug", "sandbox")).expect(201).json();
        tenantId = UUID.fromString(tenant.get("id").asText());
        tenantKey = http.post("/api/v1/tenants/" + tenantId + "/api-keys", adminToken, Map.of("name", "sandbox", "role", "tenant-admin"))
                .expect(201).json().get("secret").asText();
        enableCorePlugins();

        Reload first = install(jar);
        if (!first.installed()) {
            throw new SandboxException("plugin '" + pluginId + "' was refused: " + first.detail()
                                       + (first.violations().isEmpty() ? "" : "\n  " + String.join("\n  ", first.violations())));
        }
        current = jar;
        if (options.contacts() > 0) {
            // Hundreds of requests: their access log lines would bury everything the developer wants to see.
            java.util.logging.Logger access = java.util.logging.Logger.getLogger("io.voicecore.access");
            java.util.logging.Level level = access.getLevel();
            access.setLevel(java.util.logging.Level.WARNING);
            try {
                generated = new DataGenerator(http, tenantId.toString(), tenantKey).generate(options.seed(), options.contacts());
            } finally {
                access.setLevel(level);
            }
        }
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sandbox-hot-reload");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Enables every installed plugin but the developer's for the sandbox tenant, every declared permission granted. */
    private void enableCorePlugins() {
        List<String> installed = new ArrayList<>();
        http.get("/api/v1/plugins", adminToken).expect(200).json().get("items").forEach(p -> installed.add(p.get("id").asText()));
        installed.sort(Comparator.comparingInt(id -> ENABLE_FIRST.contains(id) ? ENABLE_FIRST.indexOf(id) : ENABLE_FIRST.size()));
        for (String id : installed) {
            if (id.equals(pluginId)) {
                continue;
            }
            enable(id);
            if (id.equals("voice")) {
                http.put("/api/v1/tenants/" + tenantId + "/plugins/voice/secrets/twilio.auth-token", adminToken,
                         Map.of("value", TWILIO_AUTH_TOKEN)).expect(200, 204);
                voice = true;
            }
            if (id.equals("ai-gateway")) {
                // Completions go to the OpenAI stand-in; without the key (--online-ai) the gateway stays in its offline mode.
                http.put("/api/v1/tenants/" + tenantId + "/plugins/ai-gateway/config", adminToken,
                         Map.of("baseUrl", openAi.baseUrl(), "maxRetries", 0)).expect(200);
                if (options.onlineAi()) {
                    http.put("/api/v1/tenants/" + tenantId + "/plugins/ai-gateway/secrets/openai.api-key", adminToken,
                             Map.of("value", OPENAI_KEY)).expect(200, 204);
                }
            }
        }
    }

    private void enable(String id) {
        JsonNode plugin = http.get("/api/v1/plugins/" + id, adminToken).expect(200).json();
        List<String> permissions = new ArrayList<>();
        plugin.get("permissions").forEach(p -> permissions.add(p.get("name").asText()));
        http.put("/api/v1/tenants/" + tenantId + "/plugins/" + id, adminToken, Map.of("grantedPermissions", permissions)).expect(200);
    }

    /** Installs a build as the next dev version and moves the tenant onto it; a refusal leaves the running version alone. */
    private synchronized Reload install(DevJar.Found jar) {
        long started = System.nanoTime();
        String version = DevJar.devVersion(jar.version(), installs + 1);
        byte[] bytes;
        try {
            bytes = DevJar.withVersion(jar.path(), version);
        } catch (IOException e) {
            return record(new Reload(false, version, millis(started), "the jar could not be read: " + e.getMessage(), List.of()));
        }
        if (!jar.pluginId().equals(pluginId)) {
            return record(new Reload(false, version, millis(started), "the new jar is plugin '" + jar.pluginId()
                    + "', not '" + pluginId + "'; restart the sandbox to switch plugins", List.of()));
        }
        SandboxHttp.Answer answer = http.postJar("/api/v1/plugins", adminToken, bytes);
        if (answer.status() != 201) {
            JsonNode problem = answer.json();
            List<String> violations = new ArrayList<>();
            for (String field : List.of("violations", "errors", "report")) {
                JsonNode list = problem.get(field);
                if (list != null && list.isArray()) {
                    list.forEach(v -> violations.add(v.isTextual() ? v.asText() : describe(v)));
                }
            }
            String detail = problem.path("detail").asText(answer.body());
            // The verifier's detail lists the violations again after its first line; they are shown one a line instead.
            return record(new Reload(false, version, millis(started), violations.isEmpty() ? detail : detail.lines().findFirst().orElse(detail),
                                     violations));
        }
        installs++;
        JsonNode installed = answer.json();
        pluginRoutes = new ArrayList<>();
        installed.get("routes").forEach(r -> pluginRoutes.add(r.asText()));
        // A first install, or a build that declares a permission more, needs the tenant's consent: the sandbox gives it.
        if (installed.path("tenantsMoved").asInt() == 0) {
            enable(pluginId);
        }
        activeVersion = version;
        return record(new Reload(true, version, millis(started), "installed", List.of()));
    }

    /** {@code HelloPlugin.greeting calls java/io/File.exists()Z: file system: ...} for a verifier's violation. */
    private static String describe(JsonNode violation) {
        if (violation.hasNonNull("class") && violation.hasNonNull("api")) {
            String method = violation.path("method").asText("");
            int descriptor = method.indexOf('(');
            return violation.get("class").asText() + (method.isEmpty() ? "" : "." + (descriptor < 0 ? method : method.substring(0, descriptor)))
                   + " calls " + violation.get("api").asText() + (violation.hasNonNull("reason") ? ": " + violation.get("reason").asText() : "");
        }
        List<String> parts = new ArrayList<>();
        violation.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + (e.getValue().isTextual() ? e.getValue().asText() : e.getValue())));
        return String.join(", ", parts);
    }

    private Reload record(Reload reload) {
        reloads.add(reload);
        return reload;
    }

    /** Looks for a new build and reloads it; a jar still being written is taken on a later look. Runs on one thread. */
    private void watch() {
        try {
            Optional<DevJar.Found> newest = DevJar.newest(options.pluginProject());
            if (newest.isEmpty() || !newest.get().differsFrom(current)) {
                return;
            }
            DevJar.Found jar = newest.get();
            // Maven writes the jar in place: take it once two looks in a row saw the same size and time.
            if (pending == null || jar.differsFrom(pending)) {
                pending = jar;
                return;
            }
            pending = null;
            current = jar;
            Reload reload = install(jar);
            if (reload.installed()) {
                out.printf("sandbox: reloaded %s %s from %s in %d ms%n", pluginId, reload.version(), jar.path().getFileName(), reload.millis());
            } else {
                out.printf("sandbox: %s from %s was refused (%d ms); %s %s keeps running: %s%n", pluginId, jar.path().getFileName(),
                           reload.millis(), pluginId, activeVersion, reload.detail());
                reload.violations().forEach(v -> out.println("  - " + v));
            }
            out.flush();
        } catch (RuntimeException e) {
            out.println("sandbox: hot reload failed: " + e.getMessage());
        }
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Prints where everything is, for the developer. */
    public void describe(PrintStream to) {
        String tenantBase = baseUrl() + "/api/v1/tenants/" + tenantId;
        to.println();
        to.println("VoiceCore sandbox for plugin '" + pluginId + "' " + activeVersion + " (data in " + dataDir + ", deleted on exit)");
        to.println("  base URL          " + baseUrl() + "   (health: " + baseUrl() + "/observe/health)");
        to.println("  tenant id         " + tenantId + "   (slug: sandbox)");
        to.println("  tenant admin key  " + tenantKey);
        to.println("  admin token       " + adminToken);
        to.println("  plugin routes");
        for (String route : pluginRoutes) {
            String[] methodAndPath = route.split(" ", 2);
            to.println("    " + methodAndPath[0] + " " + tenantBase + "/" + pluginId + methodAndPath[1]);
        }
        to.println("  stand-ins         OpenAI " + openAi.baseUrl() + " (key " + OPENAI_KEY + ")   Stripe " + stripe.baseUrl()
                   + " (key " + STRIPE_KEY + ")");
        if (voice) {
            to.println("                    Twilio (a scripted phone call): ./voicecore standin twilio call --webhook " + tenantBase
                       + "/voice/twilio/incoming --auth-token " + TWILIO_AUTH_TOKEN + " --say 'I would like an appointment'");
        }
        to.println("  inspector         " + baseUrl() + "/api/v1/sandbox/calls   profile: " + baseUrl() + "/api/v1/sandbox/profile");
        if (generated != null) {
            to.printf("  generated data    %d contacts (%d countries), %d deals in %d stages, %d conversations in %d languages, in %d ms (seed %d)%n",
                      generated.contacts(), generated.countries(), generated.deals(), generated.stages(), generated.conversations(),
                      generated.languages(), generated.millis(), options.seed());
        }
        to.println("  hot reload        watching " + options.pluginProject().resolve("target") + " (run mvn package)");
        to.println("Example: curl -H 'Authorization: Bearer " + tenantKey + "' " + baseUrl() + "/api/v1/sandbox/calls");
        to.flush();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + kernel.port();
    }

    public UUID tenantId() {
        return tenantId;
    }

    public String tenantKey() {
        return tenantKey;
    }

    public String adminToken() {
        return adminToken;
    }

    public String pluginId() {
        return pluginId;
    }

    /** The dev version the tenant runs, e.g. {@code 1.0.0-dev.2}. */
    public String activeVersion() {
        return activeVersion;
    }

    /** Every install attempt, oldest first. */
    public List<Reload> reloads() {
        return List.copyOf(reloads);
    }

    public Optional<DataGenerator.Summary> generated() {
        return Optional.ofNullable(generated);
    }

    public String openAiUrl() {
        return openAi.baseUrl();
    }

    public String stripeUrl() {
        return stripe.baseUrl();
    }

    /** Stops hot reload, the kernel and the stand-ins, and deletes the data folder (the embedded database with it). */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        try {
            if (kernel != null) {
                kernel.close();
            }
        } finally {
            if (openAi != null) {
                openAi.close();
            }
            if (stripe != null) {
                stripe.close();
            }
            deleteQuietly(dataDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temporary folder
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}
