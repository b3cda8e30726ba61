package io.voicecore.kernel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds a real plugin jar for a test: Java sources compiled in memory against the SDK (and whatever
 * else is on the test classpath, so hostile plugins can reference kernel classes), plus
 * {@code plugin.yaml} and any resources such as migrations. Each hostile case is a few lines:
 *
 * <pre>{@code
 * Path jar = PluginJar.named("reads-files")
 *     .manifest("""
 *         id: reads-files
 *         ...""")
 *     .source("evil.ReadsFiles", """
 *         package evil; ...""")
 *     .build();
 * }</pre>
 */
public final class PluginJar {
    private final String name;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final List<String> compileOnly = new ArrayList<>();

    private PluginJar(String name) {
        this.name = name;
    }

    public static PluginJar named(String name) {
        return new PluginJar(name);
    }

    /** The {@code plugin.yaml} text. */
    public PluginJar manifest(String yaml) {
        return resource("plugin.yaml", yaml);
    }

    /** A Java source file for the class with this fully qualified name. */
    public PluginJar source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /**
     * A source compiled with the plugin but left out of the jar: a service interface that another plugin
     * exports, which this plugin uses at run time from that plugin.
     */
    public PluginJar compileOnly(String className, String code) {
        sources.put(className, code);
        compileOnly.add(className);
        return this;
    }

    /** A resource file in the jar, e.g. {@code db/migration/V1__contacts.sql}. */
    public PluginJar resource(String path, String text) {
        resources.put(path, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Compiles and writes the jar into a new temporary directory; fails the test on compile errors. */
    public Path build() {
        try {
            Path jar = Files.createTempDirectory("plugin-jar").resolve(name + ".jar");
            Files.write(jar, bytes());
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles and returns the jar's bytes. */
    public byte[] bytes() {
        Map<String, byte[]> classes = compile();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(buffer)) {
            for (Map.Entry<String, byte[]> entry : resources.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
            for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                String outer = entry.getKey().contains("$") ? entry.getKey().substring(0, entry.getKey().indexOf('$')) : entry.getKey();
                if (compileOnly.contains(outer)) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(entry.getKey().replace('.', '/') + ".class"));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private Map<String, byte[]> compile() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (sources.isEmpty()) {
            return out;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((className, code) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        }));
        StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        var manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return new ByteArrayOutputStream() {
                            @Override
                            public void close() {
                                out.put(className, toByteArray());
                            }
                        };
                    }
                };
            }
        };
        List<String> options = List.of("--release", "21", "-classpath", System.getProperty("java.class.path"), "-proc:none");
        boolean ok = compiler.getTask(null, manager, diagnostics, options, null, units).call();
        if (!ok) {
            StringBuilder errors = new StringBuilder("plugin " + name + " does not compile:");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                errors.append('\n').append(d.getSource() == null ? "" : d.getSource().getName()).append(':')
                        .append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT));
            }
            throw new AssertionError(errors.toString());
        }
        return out;
    }
}
