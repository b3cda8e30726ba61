package io.voicecore.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.audit.AuditRoutes;
import io.voicecore.kernel.audit.DeniedRequestAuditor;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.DirectProblemHandler;
import io.voicecore.kernel.http.RateLimiter;
import io.voicecore.kernel.http.RequestFilter;
import io.voicecore.kernel.identity.AdminToken;
import io.voicecore.kernel.identity.ApiKeyRoutes;
import io.voicecore.kernel.identity.ApiKeyService;
import io.voicecore.kernel.identity.AttemptLimiter;
import io.voicecore.kernel.identity.AuthRoutes;
import io.voicecore.kernel.identity.KernelAuthenticator;
import io.voicecore.kernel.identity.LoginService;
import io.voicecore.kernel.identity.MfaRoutes;
import io.voicecore.kernel.identity.MfaService;
import io.voicecore.kernel.identity.PasswordHasher;
import io.voicecore.kernel.identity.SessionService;
import io.voicecore.kernel.identity.Totp;
import io.voicecore.kernel.identity.UserRepository;
import io.voicecore.kernel.identity.UserRoutes;
import io.voicecore.kernel.identity.UserService;
import io.voicecore.kernel.observe.ObserveRoutes;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.RedisSharedState;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Storage;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.kernel.tenancy.TenantRoutes;

/**
 * The running platform: storage, shared state, identity and the HTTP server, wired by hand in one
 * place so a reader can follow every dependency. {@link #close()} stops in reverse order.
 */
public final class Kernel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Kernel.class.getName());

    private final Storage storage;
    private final SharedState state;
    private final WebServer server;
    private final List<ApiRoutes.Route> routes;

    private Kernel(Storage storage, SharedState state, WebServer server, List<ApiRoutes.Route> routes) {
        this.storage = storage;
        this.state = state;
        this.server = server;
        this.routes = routes;
    }

    /**
     * Starts everything.
     *
     * @param console where a newly generated admin token is shown once (never the log)
     */
    public static Kernel start(KernelConfig config, PrintStream console) {
        Clock clock = Clock.systemUTC();
        // First, so that an unusable master key fails the start before anything else is opened.
        SecretBox secrets = SecretBox.establish(config.masterKey(), config.dataDir());
        Storage storage = Storage.open(config);
        SharedState state = null;
        try {
            state = config.redisUrl().<SharedState>map(url -> new RedisSharedState(url, config.redisKeyPrefix()))
                    .orElseGet(InProcessSharedState::new);
            var database = storage.database();
            AdminToken adminToken = AdminToken.establish(database, config.adminToken(), token -> announce(console, token));

            AuditLog audit = new AuditLog(clock);
            TenantRepository tenants = new TenantRepository();
            TenantResolver resolver = new TenantResolver(database, tenants);
            ApiKeyService apiKeys = new ApiKeyService(database, audit, state, clock);
            SessionService sessions = new SessionService(database, SessionService.establishSigningKey(database, secrets), state,
                                                         clock, config.sessionTtl());
            UserRepository users = new UserRepository();
            PasswordHasher passwords = new PasswordHasher();
            UserService userAccounts = new UserService(database, users, passwords, sessions, audit, clock);
            MfaService mfa = new MfaService(database, users, tenants, sessions, secrets, audit,
                                            guessLimiter(state, "mfa", clock), Totp.DEFAULT, clock);
            LoginService logins = new LoginService(database, tenants, users, passwords, mfa, sessions,
                                                   guessLimiter(state, "login", clock), audit);
            RequestMetrics metrics = new RequestMetrics();
            RateLimiter rateLimiter = new RateLimiter(state, config.rateLimitPerMinute(), 60, clock);

            HttpRouting.Builder routing = HttpRouting.builder();
            routing.addFilter(new RequestFilter(metrics));
            new ObserveRoutes(database, state, metrics).register(routing);
            routing.get("/openapi", (req, res) -> {
                res.header(HeaderNames.CONTENT_TYPE, "application/vnd.oai.openapi;charset=utf-8");
                res.send(openApiDocument());
            });
            ApiRoutes api = new ApiRoutes(routing, new KernelAuthenticator(adminToken, apiKeys, sessions), rateLimiter,
                                          config.maxBodyBytes(), new DeniedRequestAuditor(database, audit));
            new TenantRoutes(database, tenants, resolver, audit, clock).register(api);
            new ApiKeyRoutes(apiKeys, resolver).register(api);
            new AuditRoutes(database, tenants, resolver).register(api);
            new UserRoutes(userAccounts, resolver).register(api);
            new AuthRoutes(logins).register(api);
            new MfaRoutes(mfa).register(api);
            api.finish();

            WebServer server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false)
                    .shutdownGracePeriod(config.shutdownGrace())
                    // Our own limit (ApiRequest) answers first with a precise problem; this is the hard stop.
                    .maxPayloadSize(config.maxBodyBytes() * 4)
                    .directHandlers(handlers -> {
                        DirectProblemHandler problems = new DirectProblemHandler();
                        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                            handlers.addHandler(type, problems);
                        }
                    })
                    .routing(routing)
                    .build()
                    .start();
            LOG.info("VoiceCore listening on http://" + config.host() + ":" + server.port() + " with " + storage.description()
                     + " and " + state.kind() + " shared state");
            return new Kernel(storage, state, server, api.routes());
        } catch (RuntimeException | Error e) {
            if (state != null) {
                state.close();
            }
            storage.close();
            throw e;
        }
    }

    /** The port the server actually listens on (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    /** Every API route, for checking the OpenAPI document against what is served. */
    public List<ApiRoutes.Route> routes() {
        return routes;
    }

    /** Lets in-flight requests finish (up to the grace period), then closes the pool and the database. */
    @Override
    public void close() {
        LOG.info("VoiceCore stopping");
        try {
            server.stop();
        } finally {
            state.close();
            storage.close();
        }
        LOG.info("VoiceCore stopped");
    }

    static byte[] openApiDocument() {
        try (InputStream in = Kernel.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the kernel jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("openapi.yaml could not be read", e);
        }
    }

    /** More than ten wrong passwords or codes for one subject within 15 minutes pause its attempts. */
    private static AttemptLimiter guessLimiter(SharedState state, String namespace, Clock clock) {
        return new AttemptLimiter(state, namespace, 10, Duration.ofMinutes(15), clock);
    }

    private static void announce(PrintStream console, String token) {
        console.println();
        console.println("==================================================================");
        console.println(" No VOICECORE_ADMIN_TOKEN was configured, so one was generated.");
        console.println(" Platform admin token (shown only this once, stored only as a hash):");
        console.println();
        console.println("   " + token);
        console.println();
        console.println(" Use it as 'Authorization: Bearer <token>'.");
        console.println("==================================================================");
        console.println();
        console.flush();
    }
}
