package io.voicecore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Small, distinct, valid plugin jars made at bench time with the SDK, shaped like a real plugin: each has its own id
 * and package, declares {@code storage}, serves {@code GET /ping} (answered from its own table, so a call goes through
 * the tenant binding and RLS) and ships a Flyway migration creating that table. All are compiled in one compiler run.
 */
final class GeneratedPlugins {
    private GeneratedPlugins() {
    }

    /** @return the id of the {@code index}th generated plugin, e.g. {@code bench-p007} */
    static String id(int index) {
        return String.format(Locale.ROOT, "bench-p%03d", index);
    }

    /**
     * Writes {@code count} plugin jars into {@code directory}, named by plugin id.
     *
     * @return the jars, in index order
     */
    static List<Path> write(Path directory, int count) throws IOException {
        Files.createDirectories(directory);
        if (count == 0) {
            return List.of();
        }
        Path work = Files.createTempDirectory("bench-plugin-sources");
        try {
            Path sources = Files.createDirectories(work.resolve("src"));
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path source = Files.createDirectories(sources.resolve(packageOf(i))).resolve("PingPlugin.java");
                Files.writeString(source, source(i));
                files.add(source);
            }
            compile(files, classes);
            List<Path> jars = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path jar = directory.resolve(id(i) + ".jar");
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                    put(out, "plugin.yaml", manifest(i).getBytes(StandardCharsets.UTF_8));
                    put(out, "db/migration/V1__pings.sql", MIGRATION.getBytes(StandardCharsets.UTF_8));
                    Path compiled = classes.resolve(packageOf(i));
                    try (Stream<Path> classFiles = Files.list(compiled)) {
                        for (Path classFile : classFiles.sorted().toList()) {
                            put(out, packageOf(i) + "/" + classFile.getFileName(), Files.readAllBytes(classFile));
                        }
                    }
                }
                jars.add(jar);
            }
            return jars;
        } finally {
            ChildKernel.deleteTree(work);
        }
    }

    private static String packageOf(int index) {
        return String.format(Locale.ROOT, "benchp%03d", index);
    }

    private static final String MIGRATION = """
            CREATE TABLE pings (
                id         bigint      NOT NULL PRIMARY KEY,
                tenant_id  uuid        NOT NULL,
                note       text        NOT NULL
            );
            """;

    private static String manifest(int index) {
        return """
                id: %s
                name: Bench plugin %d
                version: 1.0.0
                vendor: VoiceCore benchmarks
                description: A generated plugin with one route and one table, for start-up and tenant benchmarks.
                main: %s.PingPlugin
                kernel: ">=0.1.0 <1.0.0"
                permissions:
                  - name: storage
                    reason: Keeps its pings in its own table.
                routes:
                  - GET /ping
                """.formatted(id(index), index, packageOf(index));
    }

    private static String source(int index) {
        return """
                package %s;

                import io.voicecore.sdk.HttpMethod;
                import io.voicecore.sdk.Plugin;
                import io.voicecore.sdk.PluginContext;
                import io.voicecore.sdk.PluginSetup;
                import io.voicecore.sdk.Request;
                import io.voicecore.sdk.Response;
                import io.voicecore.sdk.json.Json;

                public final class PingPlugin implements Plugin {
                    @Override
                    public void setup(PluginSetup setup) {
                        setup.route(HttpMethod.GET, "/ping", this::ping);
                    }

                    private Response ping(Request request, PluginContext context) {
                        long rows = context.storage().query("SELECT count(*) AS n FROM pings").size();
                        return Response.ok(Json.object().put("plugin", "%s").put("rows", rows).build());
                    }
                }
                """.formatted(packageOf(index), id(index));
    }

    private static void compile(List<Path> sources, Path classes) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("the benchmark plugins are compiled at run time: run the benchmarks with a JDK, not a JRE");
        }
        StringBuilder errors = new StringBuilder();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            List<String> options = List.of("--release", "21", "-classpath", System.getProperty("java.class.path"), "-proc:none",
                                           "-d", classes.toString());
            boolean ok = compiler.getTask(new java.io.StringWriter() {
                @Override
                public void write(String text) {
                    errors.append(text);
                }
            }, files, null, options, null, units).call();
            if (!ok) {
                throw new IllegalStateException("the generated benchmark plugins did not compile: " + errors);
            }
        }
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }
}
