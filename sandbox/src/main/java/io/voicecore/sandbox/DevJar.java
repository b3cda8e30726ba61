package io.voicecore.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The developer's plugin jar: the newest jar in the project's {@code target} folder whose {@code plugin.yaml} declares a
 * plugin (sources, javadoc and test jars have none), and the copy the sandbox installs. The kernel installs each version
 * once and only moves up, so each build is installed as {@code <version>-dev.<n>} (the manifest's version with a
 * pre-release suffix, {@code n} counting the sandbox's installs): a rebuild upgrades the tenant through the kernel's
 * ordinary upgrade path, and the project's own files are never changed.
 */
final class DevJar {
    private static final Pattern VERSION_LINE = Pattern.compile("(?m)^version:[ \\t]*['\"]?([^'\"#\\s]+)['\"]?[ \\t]*(#.*)?$");
    private static final Pattern ID_LINE = Pattern.compile("(?m)^id:[ \\t]*['\"]?([^'\"#\\s]+)");

    /** A jar found: where, when it was written, its size, its plugin id and version. */
    record Found(Path path, FileTime modified, long size, String pluginId, String version) {
        /** Whether {@code other} is another build than this one. */
        boolean differsFrom(Found other) {
            return !path.equals(other.path) || !modified.equals(other.modified) || size != other.size;
        }
    }

    private DevJar() {
    }

    /** The newest plugin jar in {@code <project>/target}, if any. */
    static Optional<Found> newest(Path project) {
        Path target = project.resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(target)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(DevJar::modified).reversed()).toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        for (Path jar : jars) {
            Optional<Found> found = inspect(jar);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The jar's plugin id and version, when its {@code plugin.yaml} declares both; empty for any other jar or one being written. */
    static Optional<Found> inspect(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("plugin.yaml");
            if (entry == null) {
                return Optional.empty();
            }
            String yaml;
            try (InputStream in = zip.getInputStream(entry)) {
                yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher id = ID_LINE.matcher(yaml);
            Matcher version = VERSION_LINE.matcher(yaml);
            if (!id.find() || !version.find() || !yaml.contains("main:")) {
                return Optional.empty();
            }
            return Optional.of(new Found(jar, modified(jar), Files.size(jar), id.group(1), version.group(1)));
        } catch (IOException e) {
            return Optional.empty(); // not a jar, or still being written: the next look sees it whole
        }
    }

    /**
     * The jar's bytes with its manifest version replaced by {@code version}; every other entry is copied as it is.
     */
    static byte[] withVersion(Path jar, String version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar)); ZipOutputStream out = new ZipOutputStream(bytes)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                if (entry.getName().equals("plugin.yaml")) {
                    String yaml = new String(content, StandardCharsets.UTF_8);
                    content = VERSION_LINE.matcher(yaml).replaceFirst(Matcher.quoteReplacement("version: " + version))
                            .getBytes(StandardCharsets.UTF_8);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                if (entry.getLastModifiedTime() != null) {
                    copy.setLastModifiedTime(entry.getLastModifiedTime());
                }
                out.putNextEntry(copy);
                out.write(content);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** {@code 1.2.0-dev.3} for {@code 1.2.0} (or {@code 1.2.0-rc.1}, whose pre-release is replaced) and install number 3. */
    static String devVersion(String version, int number) {
        String core = version.split("[-+]", 2)[0];
        return core + "-dev." + number;
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
