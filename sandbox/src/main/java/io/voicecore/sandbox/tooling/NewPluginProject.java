package io.voicecore.sandbox.tooling;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import javax.lang.model.SourceVersion;

import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.plugins.manifest.ManifestParser;

/**
 * {@code plugin new NAME}: writes a standalone Maven project for a plugin named NAME (its id), from the templates next
 * to this class. The project has no parent and no path back into the VoiceCore checkout: it takes the SDK and the test
 * kit as Maven artifacts of this checkout's version and pins the Maven plugins this checkout's build uses, so it builds
 * with what is already in the local repository.
 */
final class NewPluginProject {
    private static final String TEMPLATES = "template/";

    private final String id;
    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * @param name the plugin id, e.g. {@code demo} or {@code call-notes}
     * @throws ToolFailure if it is not a usable plugin id
     */
    NewPluginProject(String name) {
        checkName(name);
        this.id = name;
        String packageName = "com.example." + name.replace("-", "");
        values.put("id", name);
        values.put("title", title(name));
        values.put("package", packageName);
        values.put("packagePath", packageName.replace('.', '/'));
        values.put("class", className(name));
        Properties versions = Versions.load();
        versions.stringPropertyNames().forEach(key -> values.put(key, versions.getProperty(key)));
    }

    /** The version of the SDK and test kit the project uses. */
    static String voicecoreVersion() {
        return Versions.load().getProperty("voicecore.version");
    }

    String id() {
        return id;
    }

    /** Writes the project into {@code parent/NAME}, which must not exist or be empty; answers that folder. */
    Path writeInto(Path parent) {
        Path dir = parent.resolve(id).toAbsolutePath().normalize();
        if (Files.exists(dir) && !(Files.isDirectory(dir) && isEmpty(dir))) {
            throw ToolFailure.usage("plugin new: " + dir + " already exists and is not empty; choose another --dir or name");
        }
        String packagePath = values.get("packagePath");
        String className = values.get("class");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml");
        files.put("README.md", "README.md");
        files.put(".gitignore", "gitignore");
        files.put("src/main/resources/plugin.yaml", "plugin.yaml");
        files.put("src/main/resources/db/migration/V1__notes.sql", "V1__notes.sql");
        files.put("src/main/java/" + packagePath + "/" + className + ".java", "Plugin.java");
        files.put("src/test/java/" + packagePath + "/" + className + "Test.java", "PluginTest.java");
        files.put("src/test/resources/logging.properties", "logging.properties");
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = dir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, fill(template(file.getValue())));
            }
        } catch (IOException e) {
            throw ToolFailure.refused("plugin new: cannot write " + dir + ": " + e.getMessage());
        }
        return dir;
    }

    /** A plugin id the kernel accepts, that also makes a Java package name. */
    static void checkName(String name) {
        if (!ManifestParser.ID.matcher(name).matches()) {
            throw ToolFailure.usage("plugin new: '" + name + "' is not a plugin id: use 2 to 40 of a-z, 0-9 and '-', starting with a"
                                    + " letter, e.g. call-notes");
        }
        if (ApiRoutes.RESERVED_TENANT_SEGMENTS.contains(name)) {
            throw ToolFailure.usage("plugin new: '" + name + "' is reserved by the kernel's API; choose another name");
        }
        if (name.endsWith("-") || name.contains("--")) {
            throw ToolFailure.usage("plugin new: '" + name + "' has a '-' at its end or two in a row; use single '-' between words");
        }
        if (!SourceVersion.isName("com.example." + name.replace("-", ""))) {
            throw ToolFailure.usage("plugin new: '" + name + "' is a Java keyword and cannot name the plugin's package; choose another name");
        }
    }

    /** {@code call-notes} becomes {@code CallNotesPlugin}. */
    static String className(String name) {
        StringBuilder out = new StringBuilder();
        for (String word : name.split("-")) {
            out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        String base = out.toString();
        return base.endsWith("Plugin") ? base : base + "Plugin";
    }

    /** {@code call-notes} becomes {@code Call notes}. */
    static String title(String name) {
        String words = name.replace('-', ' ');
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    private String fill(String template) {
        String text = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("{{" + value.getKey() + "}}", value.getValue());
        }
        if (text.contains("{{")) {
            throw new IllegalStateException("a template placeholder has no value: " + text.substring(text.indexOf("{{")).lines().findFirst().orElse(""));
        }
        return text;
    }

    private static String template(String name) {
        try (InputStream in = NewPluginProject.class.getResourceAsStream(TEMPLATES + name)) {
            if (in == null) {
                throw new IllegalStateException("the template " + name + " is missing from the tool's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** The versions the build wrote into {@code versions.properties}. */
    private static final class Versions {
        static Properties load() {
            Properties versions = new Properties();
            try (InputStream in = NewPluginProject.class.getResourceAsStream("versions.properties")) {
                if (in == null) {
                    throw new IllegalStateException("versions.properties is missing from the tool's jar");
                }
                versions.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return versions;
        }
    }
}
