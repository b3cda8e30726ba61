package io.voicecore.kernel.plugins.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * A library the kernel ships and vets for plugins (a plugin names it under {@code libraries} in its
 * manifest instead of packing it into its jar). The kernel carries the library's jars on its own class
 * path, but never uses them from there: each plugin version gets its own {@link LibraryClassLoader} that
 * defines the library's classes again, instrumented, so no static state is shared between plugins and
 * the library's code obeys the calling plugin's deadline and quota. See docs/design-notes/platform-libraries.md.
 */
public final class PlatformLibrary {
    /**
     * The known libraries, by name: one class per jar of the library, which finds the jar on the kernel's
     * class path. Only what the library needs to run over the egress capability is shipped (openai-java
     * without its OkHttp transport: plugins plug in an {@code HttpClient} that calls {@code HttpEgress}).
     */
    private static final Map<String, List<String>> JAR_MARKERS = Map.of(
            "openai-java", List.of(
                    "com.openai.client.OpenAIClient",
                    "com.fasterxml.jackson.databind.ObjectMapper",
                    "com.fasterxml.jackson.core.JsonFactory",
                    "com.fasterxml.jackson.annotation.JsonProperty",
                    "com.fasterxml.jackson.datatype.jdk8.Jdk8Module",
                    "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule",
                    "com.fasterxml.jackson.module.kotlin.KotlinModule",
                    "kotlin.Unit",
                    "kotlin.reflect.full.KClasses",
                    "com.github.victools.jsonschema.generator.SchemaGenerator",
                    "com.github.victools.jsonschema.module.jackson.JacksonModule",
                    "com.github.victools.jsonschema.module.swagger2.Swagger2Module",
                    "com.fasterxml.classmate.TypeResolver",
                    "io.swagger.v3.oas.annotations.media.Schema",
                    "com.google.errorprone.annotations.CanIgnoreReturnValue",
                    "org.jetbrains.annotations.NotNull"));

    private static final Map<String, PlatformLibrary> LOCATED = new ConcurrentHashMap<>();

    private final String name;
    private final List<JarFile> jars;
    private final List<Path> paths;
    private final Set<String> packages;

    private PlatformLibrary(String name, List<Path> paths) throws IOException {
        this.name = name;
        this.paths = List.copyOf(paths);
        List<JarFile> opened = new ArrayList<>();
        Set<String> found = new TreeSet<>();
        for (Path path : paths) {
            // Multi-release aware, so the entries of the running JDK's version are read (as the class path would).
            JarFile jar = new JarFile(path.toFile(), false, ZipFile.OPEN_READ, Runtime.version());
            opened.add(jar);
            jar.versionedStream().map(JarEntry::getName)
                    .filter(entry -> entry.endsWith(".class") && !entry.endsWith("module-info.class") && entry.contains("/"))
                    .forEach(entry -> found.add(entry.substring(0, entry.lastIndexOf('/')).replace('/', '.')));
        }
        this.jars = List.copyOf(opened);
        this.packages = Collections.unmodifiableSet(found);
    }

    /** The names of the libraries plugins may use. */
    public static Set<String> knownNames() {
        return new TreeSet<>(JAR_MARKERS.keySet());
    }

    /**
     * The library of that name, its jars located once per kernel.
     *
     * @throws IllegalArgumentException if no such library is known
     * @throws IllegalStateException    if one of its jars is missing from the kernel's class path
     */
    public static PlatformLibrary named(String name) {
        List<String> markers = JAR_MARKERS.get(name);
        if (markers == null) {
            throw new IllegalArgumentException("no platform library '" + name + "'; known: " + knownNames());
        }
        return LOCATED.computeIfAbsent(name, n -> {
            Map<Path, Boolean> paths = new LinkedHashMap<>();
            for (String marker : markers) {
                paths.put(jarOf(marker), true);
            }
            try {
                return new PlatformLibrary(n, List.copyOf(paths.keySet()));
            } catch (IOException e) {
                throw new UncheckedIOException("platform library '" + n + "' cannot be read", e);
            }
        });
    }

    /** A library made of the given jars, not one plugins can name (for testing the loader and the guard). */
    static PlatformLibrary ofJars(String name, List<Path> jars) {
        try {
            return new PlatformLibrary(name, jars);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path jarOf(String markerClass) {
        String resource = markerClass.replace('.', '/') + ".class";
        URL url = PlatformLibrary.class.getClassLoader().getResource(resource);
        if (url == null || !url.getProtocol().equals("jar")) {
            throw new IllegalStateException("the platform library jar holding " + markerClass + " is not on the kernel's class path");
        }
        String spec = url.getPath();
        try {
            return Path.of(new URI(spec.substring(0, spec.indexOf("!/"))));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unexpected class path entry " + url, e);
        }
    }

    String name() {
        return name;
    }

    /** The packages of the library's classes: what a plugin using it may reference. */
    public Set<String> packages() {
        return packages;
    }

    List<Path> jarPaths() {
        return paths;
    }

    /** The bytes of a class of the library, by binary name. */
    Optional<byte[]> classBytes(String className) {
        String entryName = className.replace('.', '/') + ".class";
        for (JarFile jar : jars) {
            JarEntry entry = jar.getJarEntry(entryName);
            if (entry != null) {
                try (InputStream in = jar.getInputStream(entry)) {
                    return Optional.of(in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + entryName + " of platform library '" + name + "'", e);
                }
            }
        }
        return Optional.empty();
    }

    /** A resource of the library (e.g. Kotlin's built-in metadata), as a URL into its jar. */
    Optional<URL> resource(String resourceName) {
        for (int i = 0; i < jars.size(); i++) {
            if (jars.get(i).getJarEntry(resourceName) != null) {
                try {
                    return Optional.of(URI.create("jar:" + paths.get(i).toUri() + "!/" + resourceName).toURL());
                } catch (MalformedURLException | IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
