package io.voicecore.kernel.plugins.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Reads a plugin's migrations from {@code db/migration/} of the plugin's own jar or directory.
 *
 * <p>Only the class loader's OWN locations are read, never its parents': asking a class loader for
 * {@code db/migration} resources would also find the kernel's migrations through the parent and apply
 * them to the plugin's schema. Every {@code .sql} file there must be a versioned migration
 * ({@code V<version>__<description>.sql}); anything else (repeatable migrations, Flyway callback scripts
 * such as {@code afterMigrate.sql}, which would run outside the kernel's checks) is refused.
 */
public final class PluginMigrations {
    static final String DIRECTORY = "db/migration/";
    private static final long MAX_SCRIPT_BYTES = 1 << 20;

    private PluginMigrations() {
    }

    /**
     * The migrations in the class loader's own jars and directories, ordered by file name.
     *
     * @throws IllegalArgumentException when the loader is not a {@link URLClassLoader} or a file is not usable
     */
    public static List<MigrationScript> fromClassLoader(ClassLoader loader) {
        if (!(loader instanceof URLClassLoader urls)) {
            throw new IllegalArgumentException("plugin migrations are read from the jar of a URLClassLoader; "
                                               + (loader == null ? "no class loader" : loader.getClass().getName())
                                               + " was given (pass the scripts with PluginDatabases.install(manifest, scripts) instead)");
        }
        TreeMap<String, MigrationScript> scripts = new TreeMap<>();
        for (URL url : urls.getURLs()) {
            for (MigrationScript script : fromLocation(url)) {
                MigrationScript earlier = scripts.put(script.fileName(), script);
                if (earlier != null) {
                    throw new IllegalArgumentException("the plugin contains two migration files named " + script.fileName());
                }
            }
        }
        return List.copyOf(scripts.values());
    }

    /** The migrations in one plugin jar, ordered by file name. */
    public static List<MigrationScript> fromJar(Path jar) {
        List<MigrationScript> scripts = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(DIRECTORY))
                    .sorted(Comparator.comparing(JarEntry::getName)).toList()) {
                fileName(entry.getName()).ifPresent(name -> {
                    try (InputStream in = file.getInputStream(entry)) {
                        scripts.add(new MigrationScript(name, text(entry.getName(), in)));
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not read " + entry.getName() + " from " + jar + ": " + e.getMessage(), e);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the plugin jar " + jar + ": " + e.getMessage(), e);
        }
        return List.copyOf(scripts);
    }

    private static List<MigrationScript> fromLocation(URL url) {
        if (!"file".equals(url.getProtocol())) {
            throw new IllegalArgumentException("plugin migrations can only be read from local jars and directories, not " + url);
        }
        Path path;
        try {
            path = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the plugin location " + url + " is not a valid file URL", e);
        }
        if (Files.isDirectory(path)) {
            return fromDirectory(path);
        }
        return Files.isRegularFile(path) ? fromJar(path) : List.of();
    }

    private static List<MigrationScript> fromDirectory(Path root) {
        Path directory = root.resolve(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<MigrationScript> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                Optional<String> name = fileName(relative);
                if (name.isPresent()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        scripts.add(new MigrationScript(name.get(), text(relative, in)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the migrations in " + directory + ": " + e.getMessage(), e);
        }
        return scripts;
    }

    /** The file name of a {@code .sql} entry below {@code db/migration/}; other files (a README) are not migrations. */
    private static Optional<String> fileName(String entry) {
        if (!entry.endsWith(".sql")) {
            return Optional.empty();
        }
        String name = entry.substring(entry.lastIndexOf('/') + 1);
        if (!MigrationScript.VERSIONED.matcher(name).matches()) {
            throw new IllegalArgumentException(entry + " is not a versioned migration: name it V<version>__<description>.sql, "
                                               + "e.g. V1__contacts.sql (repeatable migrations and Flyway callback scripts are not supported)");
        }
        return Optional.of(name);
    }

    private static String text(String entry, InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_SCRIPT_BYTES + 1);
        if (bytes.length > MAX_SCRIPT_BYTES) {
            throw new IllegalArgumentException(entry + " is larger than " + MAX_SCRIPT_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(entry + " is not UTF-8 text");
        }
    }
}
