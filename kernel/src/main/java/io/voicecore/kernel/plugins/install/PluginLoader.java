package io.voicecore.kernel.plugins.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.sandbox.IsolatedPluginClassLoader;
import io.voicecore.kernel.plugins.script.ScriptPlugin;
import io.voicecore.kernel.plugins.script.ScriptSandbox;
import io.voicecore.kernel.plugins.sandbox.LibraryClassLoader;
import io.voicecore.kernel.plugins.sandbox.PlatformLibrary;
import io.voicecore.kernel.plugins.sandbox.PluginCallFailure;
import io.voicecore.kernel.plugins.sandbox.PluginInvoker;
import io.voicecore.sdk.Plugin;

/**
 * Turns a verified jar into a running {@link LoadedVersion}: writes it to the plugin cache, gives it an
 * {@link IsolatedPluginClassLoader}, instantiates its main class and runs its {@code setup} under the
 * same containment as any call, so a plugin that throws or hangs while starting is refused, not fatal.
 *
 * <p>The {@link PluginCatalog} loads every installed version through one; a trial run of a jar that is not installed
 * ({@code runtime.PluginTrials}) loads and stops it through its own, so nothing of it reaches the catalog.
 */
public final class PluginLoader {
    /** The pseudo-tenant under which constructors, setup and stop run (they serve no tenant). */
    static final UUID SETUP_TENANT = new UUID(0, 0);

    private final Path cacheDir;
    private final PluginInvoker invoker;
    private final PluginInvoker.Limits setupLimits;
    private final Optional<ScriptSandbox> scripts;

    /**
     * @param cacheDir    where jars are written for their class loaders
     * @param invoker     runs construction, {@code setup} and {@code stop} under containment
     * @param setupLimits the limits of those calls
     */
    public PluginLoader(Path cacheDir, PluginInvoker invoker, PluginInvoker.Limits setupLimits) {
        this(cacheDir, invoker, setupLimits, Optional.empty());
    }

    /**
     * @param scripts the sandbox script plugins ({@code runtime: javascript}) run in; without one they are refused
     */
    public PluginLoader(Path cacheDir, PluginInvoker invoker, PluginInvoker.Limits setupLimits, Optional<ScriptSandbox> scripts) {
        this.cacheDir = cacheDir;
        this.invoker = invoker;
        this.setupLimits = setupLimits;
        this.scripts = scripts;
    }

    /**
     * Loads and sets up a verified jar.
     *
     * @param manifest         its parsed manifest
     * @param jar              its bytes
     * @param sha256           their sha256, hex
     * @param exportedPackages the service packages of the plugins it requires, each with the provider's class loader
     * @throws PluginLoadException when the main class is missing or wrong, or construction or setup fails
     */
    public LoadedVersion load(PluginManifest manifest, byte[] jar, String sha256, Map<String, ClassLoader> exportedPackages) {
        // The inspection of an upload refused a document the kernel cannot serve; one refused only by a stricter kernel
        // since is left out, not the version.
        Path file = write(manifest, jar, sha256);
        Map<String, ClassLoader> visiblePackages = new java.util.HashMap<>(exportedPackages);
        if (!manifest.libraries().isEmpty()) {
            LibraryClassLoader libraries = new LibraryClassLoader(manifest.id(), manifest.version(),
                    manifest.libraries().stream().map(PlatformLibrary::named).toList());
            libraries.packages().forEach(p -> visiblePackages.putIfAbsent(p, libraries));
        }
        IsolatedPluginClassLoader loader = new IsolatedPluginClassLoader(manifest.id(), manifest.version(), file, visiblePackages);
        try {
            PluginSetupRecorder setup = new PluginSetupRecorder(manifest);
            Plugin plugin = manifest.isScript() ? scriptPlugin(manifest, jar, loader)
                    : invoker.invoke(SETUP_TENANT, manifest, loader, setupLimits, "construction", () -> {
                Class<?> main = Class.forName(manifest.main(), true, loader);
                if (!Plugin.class.isAssignableFrom(main)) {
                    throw new PluginLoadException("main class " + manifest.main() + " does not implement io.voicecore.sdk.Plugin");
                }
                return (Plugin) main.getDeclaredConstructor().newInstance();
            }, failure -> { });
            invoker.invoke(SETUP_TENANT, manifest, loader, setupLimits, "setup()", () -> {
                plugin.setup(setup);
                return null;
            }, failure -> { });
            setup.close();
            return new LoadedVersion(manifest, sha256, loader, plugin, setup, apiDocument(manifest, jar));
        } catch (PluginCallFailure failure) {
            close(loader);
            Throwable cause = failure.getCause();
            String reason = cause instanceof PluginLoadException load ? load.getMessage()
                    : cause instanceof ClassNotFoundException ? "main class " + manifest.main() + " is not in the jar"
                    : cause instanceof NoSuchMethodException ? "main class " + manifest.main() + " has no public no-argument constructor"
                    : cause instanceof IllegalStateException state ? state.getMessage()
                    : failure.getMessage() + (cause == null ? "" : " " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            throw new PluginLoadException("plugin " + manifest.id() + " " + manifest.version() + " could not start: " + reason);
        } catch (RuntimeException | Error e) {
            close(loader);
            throw e instanceof PluginLoadException ple ? ple
                    : new PluginLoadException("plugin " + manifest.id() + " " + manifest.version() + " could not start: " + e.getMessage());
        }
    }

    /**
     * A script plugin's adapter, its script compiled once (in the sandbox, for no tenant) so one that does not load is
     * refused now rather than on its first call.
     */
    private Plugin scriptPlugin(PluginManifest manifest, byte[] jar, ClassLoader loader) {
        ScriptSandbox sandbox = scripts.orElseThrow(() -> new PluginLoadException("script plugins (runtime: javascript)"
                                                                                  + " are not run here"));
        String source;
        try (var in = loader.getResourceAsStream(manifest.main())) {
            if (in == null) {
                throw new PluginLoadException("the script " + manifest.main() + " named in plugin.yaml is not in the jar");
            }
            source = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PluginLoadException("the script " + manifest.main() + " cannot be read: " + e.getMessage());
        }
        ScriptPlugin plugin = new ScriptPlugin(manifest, source, sandbox);
        try {
            plugin.check();
        } catch (io.voicecore.sdk.capability.ScriptException e) {
            throw new PluginLoadException(e.getMessage() + (e.line().isPresent() ? " (line " + e.line().getAsInt() + ")" : ""));
        }
        return plugin;
    }

    /**
     * Stops a version that no call holds, now, under the same containment as its setup: its {@code stop()} runs with the
     * setup limits, then its class loader is closed, whatever {@code stop()} did. Does nothing for a version already
     * stopped.
     *
     * @throws PluginCallFailure when {@code stop()} threw, or did not return within the deadline (the guard ends it)
     */
    public void stop(LoadedVersion version) {
        PluginManifest manifest = version.manifest();
        version.stopNow(plugin -> invoker.invoke(SETUP_TENANT, manifest, version.classLoader(), setupLimits, "stop()", () -> {
            plugin.stop();
            return null;
        }, failure -> { }));
    }

    private Path write(PluginManifest manifest, byte[] jar, String sha256) {
        try {
            Files.createDirectories(cacheDir);
            Path target = cacheDir.resolve(manifest.id() + "-" + manifest.version() + "-" + sha256.substring(0, 12) + ".jar");
            // A file left by an earlier start is used only if it holds exactly these (verified) bytes.
            if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), jar)) {
                Path temp = Files.createTempFile(cacheDir, manifest.id(), ".part");
                Files.write(temp, jar);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write plugin jar to " + cacheDir, e);
        }
    }

    private static void close(IsolatedPluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing was loaded from it that outlives this failure
        }
    }

    /** The version's OpenAPI document; one this kernel refuses is logged and left out of {@code /openapi}. */
    private static java.util.Optional<PluginApiDocument> apiDocument(PluginManifest manifest, byte[] jar) {
        try {
            return PluginApiDocument.read(manifest, jar);
        } catch (PluginRejectedException e) {
            java.util.logging.Logger.getLogger(PluginLoader.class.getName()).warning(
                    () -> e.getMessage() + " Its routes are served, but left out of /openapi.");
            return java.util.Optional.empty();
        }
    }
}
