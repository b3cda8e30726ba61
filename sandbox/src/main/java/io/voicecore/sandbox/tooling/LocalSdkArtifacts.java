package io.voicecore.sandbox.tooling;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the artifacts a new plugin project builds against (the parent pom, the SDK, the kernel and the test kit, which
 * is what the test kit's pom needs) into the local Maven repository, from this checkout, when they are missing there
 * or older than the ones this checkout built. The jars the launcher's build wrote are installed as they are
 * ({@code mvn install:install-file}); without them the modules are built and installed ({@code mvn install -pl
 * plugin-testkit -am}). Maven runs offline first, and online only if that fails.
 */
final class LocalSdkArtifacts {
    private static final Pattern REPO_OPTION = Pattern.compile("-Dmaven\\.repo\\.local=(\"[^\"]+\"|\\S+)");
    private static final Pattern SETTINGS_REPO = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");

    /** One artifact of the checkout: its module folder (empty for the parent) and how its jar is named there. */
    private record Module(String artifactId, String folder, boolean pomOnly) {
    }

    private static final List<Module> NEEDED = List.of(new Module("voicecore-parent", "", true),
                                                       new Module("voicecore-plugin-sdk", "plugin-sdk", false),
                                                       new Module("voicecore-kernel", "kernel", false),
                                                       new Module("voicecore-plugin-testkit", "plugin-testkit", false));

    private final Path root;
    private final String version;
    private final Path repository;
    private final PrintStream out;

    LocalSdkArtifacts(Path root, String version, Path repository, PrintStream out) {
        this.root = root;
        this.version = version;
        this.repository = repository;
        this.out = out;
    }

    /**
     * The local repository Maven uses here: {@code -Dmaven.repo.local} given to this JVM or in {@code MAVEN_OPTS}, else
     * {@code localRepository} of {@code ~/.m2/settings.xml}, else {@code ~/.m2/repository}.
     */
    static Path localRepository(Map<String, String> environment) {
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Matcher option = REPO_OPTION.matcher(environment.getOrDefault("MAVEN_OPTS", ""));
        if (option.find()) {
            return Path.of(option.group(1).replace("\"", ""));
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        try {
            Path settings = m2.resolve("settings.xml");
            if (Files.isRegularFile(settings)) {
                Matcher configured = SETTINGS_REPO.matcher(Files.readString(settings));
                if (configured.find()) {
                    return Path.of(configured.group(1).replace("${user.home}", System.getProperty("user.home")));
                }
            }
        } catch (IOException unreadable) {
            // Maven would not read it either; its default applies
        }
        return m2.resolve("repository");
    }

    Path repository() {
        return repository;
    }

    /** Installs what is missing or stale; answers whether anything was installed. */
    boolean ensureInstalled() {
        List<Module> stale = NEEDED.stream().filter(this::needsInstall).toList();
        if (stale.isEmpty()) {
            return false;
        }
        out.println("Installing the VoiceCore SDK and plugin test kit " + version + " from " + root + " into the local Maven"
                    + " repository " + repository + " (" + String.join(", ", stale.stream().map(Module::artifactId).toList())
                    + " missing or older than this checkout's build):");
        if (NEEDED.stream().allMatch(module -> built(module).isPresent())) {
            for (Module module : NEEDED) {
                Path pom = pom(module);
                Path file = module.pomOnly() ? pom : built(module).orElseThrow();
                mavenOfflineFirst(List.of("-N", "install:install-file", "-Dfile=" + file, "-DpomFile=" + pom));
            }
        } else {
            mavenOfflineFirst(List.of("install", "-DskipTests", "-pl", "plugin-testkit", "-am"));
        }
        List<String> stillMissing = NEEDED.stream().filter(module -> !Files.isRegularFile(installed(module)))
                .map(Module::artifactId).toList();
        if (!stillMissing.isEmpty()) {
            throw ToolFailure.refused("plugin new: Maven ran but " + String.join(", ", stillMissing) + " is still not in " + repository);
        }
        return true;
    }

    private boolean needsInstall(Module module) {
        Path installed = installed(module);
        if (!Files.isRegularFile(installed)) {
            return true;
        }
        Optional<Path> built = module.pomOnly() ? Optional.of(pom(module)) : built(module);
        try {
            return built.isPresent() && Files.getLastModifiedTime(built.get()).compareTo(Files.getLastModifiedTime(installed)) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    private Path installed(Module module) {
        return repository.resolve("io/voicecore").resolve(module.artifactId()).resolve(version)
                .resolve(module.artifactId() + "-" + version + (module.pomOnly() ? ".pom" : ".jar"));
    }

    private Path pom(Module module) {
        return (module.folder().isEmpty() ? root : root.resolve(module.folder())).resolve("pom.xml");
    }

    /** The jar the checkout's build wrote for a module, under its versioned or its fixed name. */
    private Optional<Path> built(Module module) {
        if (module.pomOnly()) {
            return Optional.of(pom(module));
        }
        Path target = root.resolve(module.folder()).resolve("target");
        return List.of(module.artifactId() + "-" + version + ".jar", module.artifactId() + ".jar").stream()
                .map(target::resolve).filter(Files::isRegularFile).findFirst();
    }

    private void mavenOfflineFirst(List<String> goals) {
        List<String> offline = new ArrayList<>(List.of("-q", "-B", "-o", "-Dmaven.repo.local=" + repository));
        offline.addAll(goals);
        if (maven(offline) == 0) {
            return;
        }
        out.println("  offline failed; trying again online");
        List<String> online = new ArrayList<>(offline);
        online.remove("-o");
        if (maven(online) != 0) {
            throw ToolFailure.refused("plugin new: installing the SDK and test kit failed (mvn " + String.join(" ", goals)
                                      + " in " + root + "); run it there to see why");
        }
    }

    private int maven(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Processes.executable("mvn", "Maven (mvn) is needed to install the SDK and to build plugins; install Maven 3.8+"));
        command.addAll(args);
        out.println("  " + String.join(" ", command));
        // Maven's own chatter is shown only when it fails.
        Processes.Result result = Processes.capture(command, root, null);
        if (result.exitStatus() != 0) {
            out.print(result.output());
        }
        return result.exitStatus();
    }
}
