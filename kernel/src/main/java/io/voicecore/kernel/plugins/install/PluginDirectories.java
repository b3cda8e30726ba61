package io.voicecore.kernel.plugins.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.plugins.PluginRefusal;

/**
 * Installs the plugin jars shipped with the distribution ({@code plugins/}) and dropped into the data
 * directory ({@code <data>/plugins/}) at start-up, through the same inspection as an upload. A jar that is
 * refused or fails to start is recorded and shown by the API; it never stops the kernel.
 */
public final class PluginDirectories {
    private static final Logger LOG = Logger.getLogger(PluginDirectories.class.getName());
    private static final Principal KERNEL = new Principal("kernel", Role.PLATFORM_ADMIN, Optional.empty(), "kernel", false);

    /** A jar that could not be installed, and why. */
    public record Failure(String file, String reason) {
    }

    private final PluginCatalog catalog;
    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    public PluginDirectories(PluginCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Installs every jar in the directories that is newer than what is installed; missing directories are
     * skipped. A jar refused only because a plugin it requires is not installed yet is tried again after
     * the others, so providers and consumers may come in any order.
     */
    public void installFrom(List<Path> directories) {
        List<Path> pending = new ArrayList<>();
        for (Path directory : directories) {
            if (Files.isDirectory(directory)) {
                pending.addAll(jars(directory));
            }
        }
        Map<Path, String> waitingFor = new LinkedHashMap<>();
        boolean progress;
        do {
            progress = false;
            waitingFor.clear();
            for (Path jar : pending) {
                try {
                    PluginCatalog.Installed installed = catalog.install(Files.readAllBytes(jar), KERNEL);
                    progress = true;
                    LOG.info(() -> "Installed " + installed.manifest().id() + " " + installed.manifest().version() + " from " + jar);
                } catch (PluginRefusal alreadyInstalled) {
                    LOG.fine(() -> jar + " is already installed: " + alreadyInstalled.getMessage());
                } catch (PluginRejectedException rejected) {
                    if (rejected.kind().equals("compatibility")) {
                        waitingFor.put(jar, rejected.getMessage() + " " + rejected.findings());
                    } else {
                        record(jar, rejected.getMessage() + " " + rejected.findings());
                    }
                } catch (IOException | RuntimeException e) {
                    record(jar, String.valueOf(e.getMessage()));
                }
            }
            pending = new ArrayList<>(waitingFor.keySet());
        } while (progress && !pending.isEmpty());
        waitingFor.forEach(this::record);
    }

    private void record(Path jar, String reason) {
        failures.add(new Failure(jar.toString(), reason));
        LOG.log(Level.SEVERE, "Plugin jar " + jar + " was not installed: " + reason);
    }

    /** Jars that could not be installed at start-up. */
    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    private static List<Path> jars(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return new ArrayList<>(files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot list plugin directory " + directory, e);
            return List.of();
        }
    }
}
