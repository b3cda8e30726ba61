package io.voicecore.kernel;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.audit.AuditRoutes;
import io.voicecore.kernel.audit.DeniedRequestAuditor;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Authenticator;
import io.voicecore.kernel.http.ProblemMapper;
import io.voicecore.kernel.http.RateLimiter;
import io.voicecore.kernel.http.RefusalAuditor;
import io.voicecore.kernel.http.WhiteLabel;
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
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.script.ScriptSandbox;
import io.voicecore.kernel.plugins.script.TenantScripts;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginObserver;
import io.voicecore.kernel.plugins.branding.BrandingSource;
import io.voicecore.kernel.plugins.config.PluginConfigs;
import io.voicecore.kernel.plugins.egress.EgressGateway;
import io.voicecore.kernel.plugins.events.EventBus;
import io.voicecore.kernel.plugins.events.EventDispatcher;
import io.voicecore.kernel.plugins.events.EventRoutes;
import io.voicecore.kernel.plugins.events.JobScheduler;
import io.voicecore.kernel.plugins.install.JarPluginInspector;
import io.voicecore.kernel.plugins.install.PluginCatalog;
import io.voicecore.kernel.plugins.install.PluginDirectories;
import io.voicecore.kernel.plugins.install.VerificationSeals;
import io.voicecore.kernel.plugins.manifest.ManifestParser;
import io.voicecore.kernel.plugins.runtime.CapabilityFactory;
import io.voicecore.kernel.plugins.runtime.EventCalls;
import io.voicecore.kernel.plugins.runtime.ObservedCapabilities;
import io.voicecore.kernel.plugins.runtime.PluginCalls;
import io.voicecore.kernel.plugins.runtime.PluginRuntime;
import io.voicecore.kernel.plugins.runtime.PluginTrials;
import io.voicecore.kernel.plugins.runtime.RouteCalls;
import io.voicecore.kernel.plugins.runtime.TenantEnablement;
import io.voicecore.kernel.plugins.sandbox.PluginInvoker;
import io.voicecore.kernel.plugins.secrets.PluginSecrets;
import io.voicecore.kernel.plugins.storage.PluginDatabases;
import io.voicecore.kernel.plugins.store.PluginStore;
import io.voicecore.kernel.plugins.streams.PluginStreamEndpoint;
import io.voicecore.kernel.plugins.streams.PluginStreams;
import io.voicecore.kernel.plugins.streams.StreamTickets;
import io.voicecore.kernel.plugins.usage.UsageMeter;
import io.voicecore.kernel.plugins.usage.UsageRoutes;
import io.voicecore.kernel.plugins.verify.PluginVerifier;
import io.voicecore.kernel.plugins.web.PluginProblems;
import io.voicecore.kernel.plugins.web.PluginRoutes;
import io.voicecore.kernel.plugins.web.PluginSettingsRoutes;
import io.voicecore.kernel.retention.RetentionJob;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.state.RedisSharedState;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.Storage;
import io.voicecore.kernel.tenancy.TenantDirectory;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.kernel.tenancy.admin.TenantRoutes;
import io.voicecore.kernel.tenancy.admin.TenantService;
import io.voicecore.sdk.Branding;
import io.voicecore.sdk.Licence;
import io.voicecore.sdk.capability.Events;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.capability.PluginConfig;
import io.voicecore.sdk.capability.Secrets;
import io.voicecore.sdk.capability.Usage;

/**
 * Everything the kernel runs except its HTTP server, wired by hand in one place so a reader can follow
 * every dependency: storage, shared state, identity, audit, and the plugin runtime with its capabilities,
 * event bus and scheduler. The server ({@link Kernel}) and the plugin test kit both build on it.
 *
 * <p>Why it is long: it is the one place where every service is built and handed what it needs, so a reader sees the
 * whole wiring, start-up order and shutdown order together instead of following it through factories.
 */
public final class KernelServices implements AutoCloseable {
    static final Duration CACHE_MAX_AGE = Duration.ofSeconds(30);
    private final KernelConfig config;
    private final Clock clock;
    private final Storage storage;
    private final SharedState state;
    private final AuditLog audit;
    private final TenantRepository tenants;
    private final TenantResolver resolver;
    private final TenantDirectory directory;
    private final TenantService tenantService;
    private final List<NearCache> caches = new java.util.ArrayList<>();
    private final ApiKeyService apiKeys;
    private final SessionService sessions;
    private final UserService userAccounts;
    private final MfaService mfa;
    private final LoginService logins;
    private final AdminToken adminToken;
    private final RequestMetrics metrics;
    private final UsageMeter usage;
    private final PluginConfigs pluginConfigs;
    private final PluginSecrets pluginSecrets;
    private final EgressGateway egress;
    private final PluginDatabases pluginDatabases;
    private final EventBus events;
    private final PluginRuntime plugins;
    private final EventDispatcher dispatcher;
    private final JobScheduler scheduler;
    private final RetentionJob retention;
    private final PluginDirectories pluginDirectories;
    private final PluginStreams streams;
    private final PluginStreamEndpoint streamEndpoint;
    private final PluginTrials pluginTrials;
    private final ScriptSandbox scripts;
    private final StartupPhases phases = new StartupPhases();
    private final List<KernelExtension> extensions;
    private final SecretBox secretBox;
    private final PluginObserver observer;
    private volatile WhiteLabel whiteLabel = WhiteLabel.NONE;
    private volatile BrandingSource brandingSource = BrandingSource.PLATFORM;

    private KernelServices(KernelConfig config, PrintStream console, Clock clock, Storage storage, SharedState state,
                           List<KernelExtension> extensions) {
        this.config = config;
        this.extensions = List.copyOf(extensions);
        this.clock = clock;
        this.storage = storage;
        this.state = state;
        // First, so that an unusable master key fails the start before anything else is used.
        SecretBox secrets = SecretBox.establish(config.masterKey(), config.masterKeyPrevious(), config.dataDir());
        this.secretBox = secrets;
        Database database = storage.database();
        this.adminToken = AdminToken.establish(database, config.adminToken(), token -> Kernel.announce(console, token));
        this.audit = new AuditLog(clock);
        this.tenants = new TenantRepository();
        this.directory = new TenantDirectory(database, tenants, cache("tenants", 100_000));
        this.resolver = new TenantResolver(database, tenants, directory);
        this.tenantService = new TenantService(database, tenants, directory, audit, clock);
        this.apiKeys = new ApiKeyService(database, audit, state, directory, cache("api-keys", 100_000), clock);
        this.sessions = new SessionService(database, SessionService.establishSigningKey(database, secrets), state, clock,
                                           config.sessionTtl());
        UserRepository users = new UserRepository();
        PasswordHasher passwords = new PasswordHasher();
        this.userAccounts = new UserService(database, users, passwords, sessions, audit, clock);
        this.mfa = new MfaService(database, users, tenants, sessions, secrets, audit, guessLimiter("mfa"), Totp.DEFAULT, clock);
        this.logins = new LoginService(database, tenants, users, passwords, mfa, sessions, guessLimiter("login"), audit);
        this.metrics = new RequestMetrics();

        this.usage = new UsageMeter(database, clock, metrics);
        this.pluginConfigs = new PluginConfigs(database, audit, cache("plugin-config", 500_000), clock);
        this.pluginSecrets = new PluginSecrets(database, secrets, audit, cache("plugin-secrets", 500_000), clock);
        this.egress = new EgressGateway(database, audit, usage, pluginConfigs, metrics, config);
        this.pluginDatabases = new PluginDatabases(storage.adminLogin(), secrets, config.pluginStoragePoolSize(), config.pluginStoragePoolSizes());
        this.events = new EventBus(database, state, clock);
        ManifestParser manifests = new ManifestParser();
        PluginRuntime.Settings runtime = PluginRuntime.Settings.defaults().withBodyLimits(config.maxBodyBytes(),
                config.pluginMaxStreamBytes(), config.pluginMaxStreamTimeout()).withLicenceHold(config.eventLicenceHold());
        PluginStore store = new PluginStore();
        PluginInvoker invoker = new PluginInvoker(256);
        this.observer = observer(extensions);
        this.scripts = new ScriptSandbox(config.scripts());
        CapabilityFactory capabilities = observer == PluginObserver.NONE ? capabilities()
                : new ObservedCapabilities(capabilities(), observer);
        PluginCatalog catalog = new PluginCatalog(database, store, new JarPluginInspector(manifests, new PluginVerifier(manifests)),
                new VerificationSeals(secrets), config.dataDir().resolve("plugin-cache"), invoker,
                new PluginInvoker.Limits(Duration.ofSeconds(10), 4, runtime.allocationQuotaBytes()), capabilities, audit, state,
                Optional.of(scripts));
        TenantEnablement enablement = new TenantEnablement(database, store, catalog, audit, state,
                cache("plugin-enablement", 500_000), clock, runtime.quarantinePolicy());
        PluginCalls calls = new PluginCalls(enablement, invoker, capabilities, runtime, observer);
        this.plugins = new PluginRuntime(catalog, enablement, calls, new RouteCalls(calls), new EventCalls(catalog, enablement, calls));
        EventDispatcher.Settings delivery = EventDispatcher.Settings.defaults().withMaxAttempts(config.eventMaxAttempts())
                .withClaimTimeout(config.eventClaimTimeout());
        this.dispatcher = new EventDispatcher(database, plugins.events(), state,
                                              delivery.withBackoff(config.eventRetryBackoff(), delivery.maxBackoff()));
        // A licence attached on any node delivers the events held while the licence refused, without waiting out the hold.
        enablement.watchLicences(dispatcher::resume);
        this.scheduler = new JobScheduler(database, plugins.events(), clock, JobScheduler.Settings.defaults());
        this.retention = new RetentionJob(database, config.retention(), clock);
        this.pluginDirectories = new PluginDirectories(catalog);
        this.streams = new PluginStreams(plugins, metrics, new PluginStreams.Settings(config.streamMaxPerTenant(), config.streamMaxFrameBytes(),
                config.streamMaxMessagesPerSecond(), config.streamAllowedOrigins(), Duration.ofSeconds(1)), authenticator());
        this.streamEndpoint = new PluginStreamEndpoint(streams, new StreamTickets(state, resolver, clock, authenticator()), resolver);
        this.pluginTrials = new PluginTrials(config.dataDir().resolve("plugin-trials"), PluginTrials.Settings.defaults(),
                                            Optional.of(scripts));
    }

    /**
     * A cache of rows the request path reads on every call. Entries live at most {@link #CACHE_MAX_AGE}: how long
     * a node that missed an invalidation (a broken Redis subscription) can serve a changed row.
     */
    private NearCache cache(String name, int maxEntries) {
        NearCache cache = new NearCache(name, state, CACHE_MAX_AGE, maxEntries, clock);
        caches.add(cache);
        return cache;
    }

    /** Opens storage and shared state, builds every service and loads the installed plugins, with the extensions on the class path. */
    public static KernelServices start(KernelConfig config, PrintStream console) {
        return start(config, console, discoverExtensions());
    }

    /** The extensions on the class path ({@code META-INF/services/io.voicecore.kernel.KernelExtension}). */
    public static List<KernelExtension> discoverExtensions() {
        return java.util.ServiceLoader.load(KernelExtension.class).stream().map(java.util.ServiceLoader.Provider::get).toList();
    }

    /**
     * Opens storage and shared state, migrates and starts the given extensions' schemas, builds every service, starts the
     * extensions, and loads the installed plugins.
     */
    public static KernelServices start(KernelConfig config, PrintStream console, List<KernelExtension> extensions) {
        return start(config, console, extensions, Clock.systemUTC());
    }

    /** Like {@link #start(KernelConfig, PrintStream, List)}, on the given clock. */
    public static KernelServices start(KernelConfig config, PrintStream console, List<KernelExtension> extensions, Clock clock) {
        long started = System.nanoTime();
        long cpuStarted = StartupPhases.processCpuNanos();
        Storage storage = Storage.open(config);
        long databaseReady = System.nanoTime();
        long cpuDatabaseReady = StartupPhases.processCpuNanos();
        SharedState state = null;
        try {
            state = config.redisUrl().<SharedState>map(url -> new RedisSharedState(url, config.redisKeyPrefix()))
                    .orElseGet(InProcessSharedState::new);
            Kernel.migrateExtensions(storage, extensions);
            KernelServices services = new KernelServices(config, console, clock, storage, state, extensions);
            StartupPhases phases = services.phases;
            phases.record("database", databaseReady - started, cpuDelta(cpuStarted, cpuDatabaseReady));
            List<KernelExtension> running = new java.util.ArrayList<>();
            try {
                for (KernelExtension extension : extensions) {
                    extension.start(services);
                    running.add(extension);
                }
            } catch (RuntimeException | Error e) {
                running.reversed().forEach(KernelServices::closeQuietly);
                throw e;
            }
            long mark = System.nanoTime();
            long cpuMark = StartupPhases.processCpuNanos();
            phases.record("services", mark - databaseReady, cpuDelta(cpuDatabaseReady, cpuMark));
            services.plugins.catalog().loadInstalled();
            long cpu = StartupPhases.processCpuNanos();
            phases.record("plugins-loaded", System.nanoTime() - mark, cpuDelta(cpuMark, cpu));
            mark = System.nanoTime();
            cpuMark = cpu;
            services.pluginDirectories.installFrom(List.of(config.pluginsDir(), config.dataDir().resolve("plugins")));
            cpu = StartupPhases.processCpuNanos();
            phases.record("plugins-installed", System.nanoTime() - mark, cpuDelta(cpuMark, cpu));
            mark = System.nanoTime();
            cpuMark = cpu;
            services.dispatcher.start();
            services.scheduler.start();
            services.retention.start();
            phases.record("background", System.nanoTime() - mark, cpuDelta(cpuMark, StartupPhases.processCpuNanos()));
            return services;
        } catch (RuntimeException | Error e) {
            if (state != null) {
                state.close();
            }
            storage.close();
            throw e;
        }
    }

    /** CPU used between two readings, or -1 when the JVM does not tell. */
    private static long cpuDelta(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    /** The one extension's observer of plugin calls, {@link PluginObserver#NONE} when no extension gives one. */
    private static PluginObserver observer(List<KernelExtension> extensions) {
        List<PluginObserver> given = extensions.stream().map(KernelExtension::pluginObserver)
                .filter(observer -> observer != PluginObserver.NONE).toList();
        if (given.size() > 1) {
            throw new IllegalStateException("More than one extension observes plugin calls: " + extensions.stream()
                    .filter(e -> e.pluginObserver() != PluginObserver.NONE).map(KernelExtension::name).toList());
        }
        return given.isEmpty() ? PluginObserver.NONE : given.getFirst();
    }

    /** What observes plugin calls: {@link PluginObserver#NONE} unless an extension gave one. */
    public PluginObserver pluginObserver() {
        return observer;
    }

    /** The capabilities of plugin calls, each from its own component. */
    private CapabilityFactory capabilities() {
        return new CapabilityFactory() {
            @Override
            public io.voicecore.sdk.capability.Storage storage(PluginCall call) {
                return pluginDatabases.forCall(call);
            }

            @Override
            public HttpEgress http(PluginCall call) {
                return egress.forCall(call);
            }

            @Override
            public Events events(PluginCall call) {
                return events.forCall(call);
            }

            @Override
            public Secrets secrets(PluginCall call) {
                return pluginSecrets.forCall(call);
            }

            @Override
            public Usage usage(PluginCall call, Optional<Licence> licence) {
                return usage.forCall(call, licence);
            }

            @Override
            public PluginConfig config(PluginCall call) {
                return pluginConfigs.forCall(call);
            }

            @Override
            public io.voicecore.sdk.capability.Scripts scripts(PluginCall call) {
                return new TenantScripts(scripts, call);
            }

            @Override
            public Branding branding(PluginCall call) {
                return brandingSource.forTenant(call.tenantId());
            }

            @Override
            public void release(String pluginId) {
                pluginDatabases.release(pluginId);
                scripts.release(pluginId);
            }

            @Override
            public void prepare(PluginManifest manifest, ClassLoader pluginResources) {
                if (manifest.declares(PluginManifest.Permission.STORAGE)) {
                    pluginDatabases.install(manifest, pluginResources);
                    events.registerPublications(manifest);
                }
            }
        };
    }

    private AttemptLimiter guessLimiter(String namespace) {
        return new AttemptLimiter(state, namespace, 10, Duration.ofMinutes(15), clock);
    }

    /** Registers every API route; plugin routes go first (they pass the kernel's own segments on). */
    public void registerRoutes(ApiRoutes api) {
        Database database = storage.database();
        PluginRoutes pluginRoutes = new PluginRoutes(plugins, pluginDirectories, resolver, config.pluginMaxJarBytes(), clock);
        pluginRoutes.registerPluginRoutes(api);
        new TenantRoutes(database, tenants, resolver, directory, audit, tenantService).register(api);
        new ApiKeyRoutes(apiKeys, resolver).register(api);
        new AuditRoutes(database, tenants, resolver).register(api);
        new UserRoutes(userAccounts, resolver).register(api);
        new AuthRoutes(logins).register(api);
        new MfaRoutes(mfa).register(api);
        new UsageRoutes(usage, resolver, clock).register(api);
        new EventRoutes(database, audit, events, resolver).register(api);
        new PluginSettingsRoutes(plugins, pluginConfigs, pluginSecrets, resolver, egress).register(api);
        pluginRoutes.register(api);
        streamEndpoint.register(api);
        extensions.forEach(extension -> extension.registerRoutes(api));
    }

    public Authenticator authenticator() {
        return new KernelAuthenticator(adminToken, apiKeys, sessions);
    }

    /** The node's request limiter; it keeps local buckets, so the server asks for it once. */
    /**
     * Plugs in whose name each request's host stands for (an extension that serves other brands' domains calls it in
     * its {@code start}); until then every host is the platform's.
     */
    public void useWhiteLabel(WhiteLabel label) {
        this.whiteLabel = java.util.Objects.requireNonNull(label);
    }

    /** Plugs in the source of tenants' brandings that plugins read; until then every tenant has the platform's. */
    public void useBrandingSource(BrandingSource source) {
        this.brandingSource = java.util.Objects.requireNonNull(source);
    }

    /** The white label in force, consulted for every request's host. */
    public WhiteLabel whiteLabel() {
        return whiteLabel;
    }

    public RateLimiter rateLimiter() {
        return new RateLimiter(state, config.rateLimitPerMinute(), 60, clock);
    }

    /** How the plugin core's exceptions become problems: the one mapping, applied by the API's routes. */
    public ProblemMapper problemMapper() {
        List<ProblemMapper> mappers = new java.util.ArrayList<>();
        mappers.add(PluginProblems::problemFor);
        extensions.forEach(extension -> mappers.add(extension.problems()));
        return (failure, requestId) -> mappers.stream().map(m -> m.problemFor(failure, requestId))
                .flatMap(java.util.Optional::stream).findFirst();
    }

    /** The extensions this kernel runs, in start order. */
    public List<KernelExtension> extensions() {
        return extensions;
    }

    /** The tenants' directory (cached tenant rows) and the resolver of a path's tenant reference. */
    public TenantResolver tenantResolver() {
        return resolver;
    }

    /** API keys: the marketplace issues publisher and reviewer keys through it. */
    public ApiKeyService apiKeys() {
        return apiKeys;
    }

    public Clock clock() {
        return clock;
    }

    /** Seals small secrets at rest under the platform's master key. */
    public SecretBox secretBox() {
        return secretBox;
    }

    /** The kernel's storage: its database, and the owner login that migrations and plugin schemas use. */
    public Storage storage() {
        return storage;
    }

    public RefusalAuditor refusalAuditor() {
        return new DeniedRequestAuditor(storage.database(), audit);
    }

    /** How long each phase of {@link #start} took, for the start-up log line. */
    public StartupPhases startupPhases() {
        return phases;
    }

    public KernelConfig config() {
        return config;
    }

    public Database database() {
        return storage.database();
    }

    public String storageDescription() {
        return storage.description();
    }

    public SharedState state() {
        return state;
    }

    public RequestMetrics metrics() {
        return metrics;
    }

    public AuditLog audit() {
        return audit;
    }

    /** Creating, suspending and deleting tenants as the tenant admin API does. */
    public TenantService tenantService() {
        return tenantService;
    }

    /** Session tokens, for extensions that issue a session to a user of a tenant. */
    public SessionService sessions() {
        return sessions;
    }

    /** User accounts of tenants. */
    public UserService users() {
        return userAccounts;
    }

    public TenantRepository tenants() {
        return tenants;
    }

    /**
     * The plugin runtime; {@code plugins().enablement().useLicenceGate(gate)} plugs in the gate that judges tenants'
     * licences (the kernel serves every plugin unlicensed until then).
     */
    public PluginRuntime plugins() {
        return plugins;
    }

    /** Plugins' real-time streams, whatever carries them. */
    public PluginStreams streams() {
        return streams;
    }

    /** Plugin streams over WebSocket, for the server. */
    public PluginStreamEndpoint streamEndpoint() {
        return streamEndpoint;
    }

    public PluginConfigs pluginConfigs() {
        return pluginConfigs;
    }

    public PluginSecrets pluginSecrets() {
        return pluginSecrets;
    }

    public UsageMeter usage() {
        return usage;
    }

    public EventBus events() {
        return events;
    }

    /** The deletion of old history; {@code retention().hold(...)} keeps raw usage records that billing still needs. */
    public RetentionJob retention() {
        return retention;
    }

    /**
     * Trial runs of plugin jars that are not installed (the marketplace's review starts and calls a submission
     * through it): loaded privately, on threads of their own, apart from the catalog, every tenant and the database.
     */
    public PluginTrials pluginTrials() {
        return pluginTrials;
    }

    /** Closes open streams, stops background work, then plugins and their databases, shared state and storage, in that order. */
    @Override
    public void close() {
        extensions.reversed().forEach(KernelServices::closeQuietly);
        closeAll(streams::close, pluginTrials::close, retention::close, scheduler::close, dispatcher::close, plugins::close, egress::close,
                 pluginDatabases::close, scripts::close,
                 () -> caches.forEach(NearCache::close), state::close,
                 storage::close);
    }

    private static void closeQuietly(KernelExtension extension) {
        try {
            extension.close();
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(KernelServices.class.getName())
                    .log(java.util.logging.Level.WARNING, "The extension " + extension.name() + " did not stop cleanly", e);
        }
    }

    private static void closeAll(Runnable... steps) {
        RuntimeException first = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
