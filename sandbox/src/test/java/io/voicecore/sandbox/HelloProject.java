package io.voicecore.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.voicecore.kernel.testing.PluginJar;

/**
 * A copy of {@code examples/hello-plugin} in a temporary folder, with its jar in {@code target/} built as Maven would
 * (sources compiled, resources added) by {@link PluginJar}, so a test can change the source and "rebuild" in a second.
 */
final class HelloProject {
    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path EXAMPLE = REPOSITORY.resolve("examples/hello-plugin");
    private static final String MAIN = "io.voicecore.examples.hello.HelloPlugin";

    final Path dir;

    private HelloProject(Path dir) {
        this.dir = dir;
    }

    static HelloProject copy() throws IOException {
        Path dir = Files.createTempDirectory("sandbox-hello-");
        HelloProject project = new HelloProject(dir);
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(EXAMPLE.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Files.copy(EXAMPLE.resolve("pom.xml"), dir.resolve("pom.xml"));
        return project;
    }

    /** The plugin's main source as it is in the project. */
    String source() {
        return read(dir.resolve("src/main/java/" + MAIN.replace('.', '/') + ".java"));
    }

    /**
     * Builds {@code target/hello-plugin-1.0.0.jar} from the project's files, the main source changed by {@code edit};
     * the jar is written next to it and moved in at once, as a build replaces it.
     */
    Path build(UnaryOperator<String> edit) {
        return build(edit, UnaryOperator.identity());
    }

    /** Like {@link #build(UnaryOperator)}, with the {@code plugin.yaml} changed by {@code manifestEdit} too. */
    Path build(UnaryOperator<String> edit, UnaryOperator<String> manifestEdit) {
        PluginJar jar = PluginJar.named("hello").source(MAIN, edit.apply(source()))
                .manifest(manifestEdit.apply(read(dir.resolve("src/main/resources/plugin.yaml"))));
        for (String migration : List.of("db/migration/V1__guests.sql")) {
            jar.resource(migration, read(dir.resolve("src/main/resources/" + migration)));
        }
        try {
            Path target = Files.createDirectories(dir.resolve("target"));
            Path written = Files.write(target.resolve("hello-plugin-1.0.0.jar.tmp"), jar.bytes());
            Path built = target.resolve("hello-plugin-1.0.0.jar");
            Files.move(written, built, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return built;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The core plugins' jars, as each module built them, in a folder of their own (what {@code plugins/} is in a checkout). */
    static Path corePlugins() throws IOException {
        Path folder = Files.createTempDirectory("sandbox-core-plugins-");
        for (String module : List.of("crm", "ai-gateway", "receptionist")) {
            Path target = REPOSITORY.resolve("core-plugins/" + module + "/target");
            try (Stream<Path> jars = Files.list(target)) {
                Path jar = jars.filter(p -> p.getFileName().toString().matches(module + "-plugin-.*\\.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("core-plugins/" + module + " is not built; run mvn package"));
                Files.copy(jar, folder.resolve(jar.getFileName()));
            }
        }
        return folder;
    }

    /** Deletes a temporary folder the tests made, with everything in it. */
    static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
