package io.voicecore.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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

import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * A plugin jar made at bench time: one main class compiled in memory against the SDK on this JVM's class path,
 * its {@code plugin.yaml} and resources (migrations). Scenarios that need a plugin shaped for the measurement (a
 * publisher of many events per call, a subscriber that reports when it runs) build it here rather than shipping one.
 */
final class GeneratedPluginJar {
    private final String id;
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private String mainSource;

    private GeneratedPluginJar(String id) {
        this.id = id;
    }

    /** A plugin with this id; its main class is {@code bench.<id with underscores>.Main}. */
    static GeneratedPluginJar withId(String id) {
        return new GeneratedPluginJar(id);
    }

    String mainClass() {
        return "bench." + id.replace('-', '_') + ".Main";
    }

    /**
     * The manifest: id, version 1.0.0, main class and kernel range are filled in, {@code rest} (permissions, routes,
     * events, limits) is appended as written.
     */
    GeneratedPluginJar manifest(String rest) {
        String yaml = "id: " + id + "\nname: " + id + "\nversion: 1.0.0\nvendor: VoiceCore benchmarks\n"
                      + "description: generated for a benchmark\nmain: " + mainClass() + "\nkernel: \">=0.1.0 <1.0.0\"\n" + rest;
        return resource("plugin.yaml", yaml);
    }

    /** The body of {@code setup(PluginSetup setup)}; the SDK packages and java.util are imported. */
    GeneratedPluginJar setup(String body) {
        String pkg = mainClass().substring(0, mainClass().lastIndexOf('.'));
        mainSource = """
                package %s;
                import io.voicecore.sdk.*;
                import io.voicecore.sdk.json.Json;
                import io.voicecore.sdk.capability.*;
                import java.util.*;
                public class Main implements Plugin {
                    @Override
                    public void setup(PluginSetup setup) {
                        %s
                    }
                }
                """.formatted(pkg, body);
        return this;
    }

    GeneratedPluginJar resource(String path, String text) {
        resources.put(path, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Compiles and writes {@code <id>.jar} into {@code directory}. */
    Path writeTo(Path directory) throws IOException {
        Map<String, byte[]> classes = compile();
        Path jar = directory.resolve(id + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, byte[]> entry : resources.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey().replace('.', '/') + ".class"));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    private Map<String, byte[]> compile() {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("the benchmarks need a JDK (javac) to build their plugins; this is a JRE");
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + mainClass().replace('.', '/') + ".java"),
                                                       JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return mainSource;
            }
        };
        var manager = new ForwardingJavaFileManager<>(compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
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
        List<String> options = new ArrayList<>(List.of("--release", "21", "-proc:none", "-classpath", System.getProperty("java.class.path")));
        if (!compiler.getTask(null, manager, diagnostics, options, null, List.of(unit)).call()) {
            StringBuilder errors = new StringBuilder("the generated plugin " + id + " does not compile:");
            diagnostics.getDiagnostics().forEach(d -> errors.append('\n').append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)));
            throw new IllegalStateException(errors.toString());
        }
        return out;
    }
}
