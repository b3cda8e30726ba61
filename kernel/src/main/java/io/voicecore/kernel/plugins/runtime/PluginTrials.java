package io.voicecore.kernel.plugins.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.crypto.Sha256;
import io.voicecore.kernel.plugins.PluginCall;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.install.LoadedVersion;
import io.voicecore.kernel.plugins.install.PluginLoadException;
import io.voicecore.kernel.plugins.install.PluginLoader;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.sandbox.PluginInvoker;
import io.voicecore.sdk.Caller;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Response;

/**
 * Trial runs of plugin jars that are not installed, e.g. a marketplace submission under review: a jar is loaded and
 * set up, its routes called and it is stopped, with the kernel's own loader and class-loader isolation and under
 * {@link PluginInvoker} containment (deadline, allocation quota), while nothing of it reaches the rest of the kernel.
 * A trial is not in the {@code PluginCatalog} (no other node hears of it, no tenant can enable it), gets no database
 * schema, runs on threads of its own (a plugin that hangs cannot take the kernel's call threads), and its calls are
 * for a random tenant id that no tenant has. Its capabilities give the manifest's configuration defaults and refuse
 * everything else ({@code storage}, egress, events, secrets, usage, services) as a refused permission is refused;
 * each call reports which it was refused.
 *
 * <p>Jars must have passed the verifier first: the trial contains what the plugin does, it does not judge its
 * bytecode. Plugins that require other plugins' services are loaded without them.
 */
public final class PluginTrials implements AutoCloseable {
    private static final OutputStream DISCARD = OutputStream.nullOutputStream();
    /**
     * The tenant under which the invoker counts trial calls in flight: it keeps a counter per tenant and plugin, and
     * trials' tenant ids are random, so counting under them would keep a counter for every trial ever run.
     */
    private static final UUID COUNTED_AS = new UUID(0, 1);
    private static final String FOLDER_PREFIX = "trial-";

    /**
     * How trials are contained.
     *
     * @param setupDeadline        how long construction and {@code setup}, and then {@code stop}, may take
     * @param callDeadline         the longest a route call may take (a manifest's shorter {@code limits.timeoutMillis} applies)
     * @param allocationQuotaBytes what each of these calls may allocate
     * @param maxThreads           how many trial calls may run at once, over all trials
     */
    public record Settings(Duration setupDeadline, Duration callDeadline, long allocationQuotaBytes, int maxThreads) {
        /** 5 s to start or stop, 5 s per call, 64 MiB per call, 4 threads. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(5), 64L << 20, 4);
        }
    }

    /**
     * What one call of a route did: exactly one of {@code response} and {@code failure} is present.
     *
     * @param response    what the plugin answered
     * @param failure     what was thrown instead, as a served route throws it: a problem the plugin answered
     *                    ({@code io.voicecore.sdk.PluginProblem}, e.g. a refused capability), a refusal of the request
     *                    ({@code PluginRefusal}) or a contained failure ({@link PluginCallFailure}: an exception, the
     *                    deadline, the allocation quota)
     * @param unavailable the permissions of the capabilities the call asked for that a trial does not give
     */
    public record Call(Optional<Response> response, Optional<RuntimeException> failure, Set<String> unavailable) {
        public Call {
            if (response.isPresent() == failure.isPresent()) {
                throw new IllegalArgumentException("a call has either a response or a failure");
            }
            unavailable = Set.copyOf(unavailable);
        }
    }

    private final Path workDir;
    private final Settings settings;
    private final PluginInvoker invoker;
    private final java.util.Optional<io.voicecore.kernel.plugins.script.ScriptSandbox> scripts;
    private final PluginRuntime.Settings runtime = PluginRuntime.Settings.defaults();

    /**
     * @param workDir  where trial jars are written for their class loaders (each trial in a folder of its own, deleted
     *                 when it stops); such folders left by an earlier process are deleted now
     * @param settings the containment of trials
     */
    public PluginTrials(Path workDir, Settings settings) {
        this(workDir, settings, java.util.Optional.empty());
    }

    /**
     * @param scripts the sandbox trials of script plugins run in (none: script plugins cannot be tried)
     */
    public PluginTrials(Path workDir, Settings settings, java.util.Optional<io.voicecore.kernel.plugins.script.ScriptSandbox> scripts) {
        this.scripts = scripts;
        this.workDir = workDir;
        this.settings = settings;
        this.invoker = new PluginInvoker(settings.maxThreads());
        deleteLeftovers(workDir);
    }

    /**
     * Loads a verified jar and runs its construction and {@code setup}, contained, for a new random tenant id.
     *
     * @param manifest its parsed {@code plugin.yaml}
     * @param jar      its bytes
     * @return the running trial; stop it with {@link Trial#stop()} or {@link Trial#close()}
     * @throws PluginLoadException when the plugin did not start: its main class is missing or wrong, or construction or
     *                             {@code setup} threw, exceeded its allocation quota or did not return within the deadline
     */
    public Trial start(PluginManifest manifest, byte[] jar) {
        Path folder;
        try {
            Files.createDirectories(workDir);
            folder = Files.createTempDirectory(workDir, FOLDER_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for a plugin trial in " + workDir, e);
        }
        PluginLoader loader = new PluginLoader(folder, invoker, setupLimits(), scripts);
        try {
            return new Trial(loader, loader.load(manifest, jar, Sha256.hex(jar), Map.of()), folder);
        } catch (RuntimeException | Error e) {
            deleteTree(folder);
            throw e;
        }
    }

    /** Threads running trial code now: none once every trial call returned and the guard ended what overran. */
    public int activeThreads() {
        return invoker.activeThreads();
    }

    @Override
    public void close() {
        invoker.close();
    }

    private PluginInvoker.Limits setupLimits() {
        return new PluginInvoker.Limits(settings.setupDeadline(), settings.maxThreads(), settings.allocationQuotaBytes());
    }

    /** One plugin jar loaded for a trial, until it is stopped. */
    public final class Trial implements AutoCloseable {
        private final PluginLoader loader;
        private final LoadedVersion version;
        private final Path folder;
        private final UUID tenantId = UUID.randomUUID();
        private final Caller caller = new Caller("trial-" + tenantId, Role.TENANT_ADMIN.wireName());

        private Trial(PluginLoader loader, LoadedVersion version, Path folder) {
            this.loader = loader;
            this.version = version;
            this.folder = folder;
        }

        /** The random id of the throw-away tenant its calls are made for. */
        public UUID tenantId() {
            return tenantId;
        }

        public PluginManifest manifest() {
            return version.manifest();
        }

        /**
         * Calls a route as the throw-away tenant's admin would, contained: the deadline is the manifest's
         * {@code limits.timeoutMillis} (or a streaming route's own) but at most the trial's call deadline.
         *
         * @param body the request body, sent as JSON; empty for none
         */
        public Call call(HttpMethod method, String path, byte[] body) {
            TrialCapabilities capabilities = new TrialCapabilities();
            PluginManifest manifest = version.manifest();
            String requestId = "trial-" + UUID.randomUUID();
            PluginCall call = new PluginCall(tenantId, manifest, manifest.permissionNames(), Optional.of(caller), requestId);
            RuntimePluginContext context = new RuntimePluginContext(call, capabilities, capabilities::services, Optional.empty());
            RouteRequest request = new RouteRequest(method, path, Map.of(), body.length == 0 ? Map.of()
                    : Map.of("content-type", "application/json", "content-length", String.valueOf(body.length)), caller,
                    body.length == 0 ? Optional.empty() : Optional.of(new ByteArrayInputStream(body)));
            RouteCalls.StreamExchange exchange = new RouteCalls.StreamExchange();
            try {
                PluginCalls.Prepared<Response> prepared = RouteCalls.plan(runtime, version, context, request, template -> { },
                                                                          (status, type, headers) -> DISCARD, exchange);
                Duration asked = prepared.timeout().orElse(Duration.ofMillis(manifest.limits().timeoutMillis()));
                PluginInvoker.Limits limits = new PluginInvoker.Limits(asked.compareTo(settings.callDeadline()) < 0 ? asked
                        : settings.callDeadline(), settings.maxThreads(), settings.allocationQuotaBytes(),
                        runtime.allocationPerStreamedByte());
                Response response = invoker.invoke(COUNTED_AS, manifest, version.classLoader(), limits, "route " + method + " " + path,
                                                   prepared.work(), failure -> { });
                return new Call(Optional.of(response), Optional.empty(), capabilities.unavailable());
            } catch (RuntimeException failure) {
                return new Call(Optional.empty(), Optional.of(failure), capabilities.unavailable());
            } finally {
                exchange.end();
            }
        }

        /**
         * Stops the plugin, contained like its start, closes its class loader and deletes its folder. Does nothing when
         * it was stopped before.
         *
         * @throws PluginCallFailure when its {@code stop()} threw or did not return within the deadline
         */
        public void stop() {
            try {
                loader.stop(version);
            } finally {
                deleteTree(folder);
            }
        }

        /** Stops the plugin as {@link #stop()} does, but does not throw when its {@code stop()} failed. */
        @Override
        public void close() {
            try {
                stop();
            } catch (PluginCallFailure ignored) {
                // the failure was logged; the trial is over either way
            }
        }
    }

    /** Deletes the trial folders an earlier process left (it stopped before its trials did). */
    private static void deleteLeftovers(Path workDir) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (Stream<Path> folders = Files.list(workDir)) {
            folders.filter(folder -> folder.getFileName().toString().startsWith(FOLDER_PREFIX)).forEach(PluginTrials::deleteTree);
        } catch (IOException e) {
            // left for the next start
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a file left behind is removed with the folder at the next start
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
