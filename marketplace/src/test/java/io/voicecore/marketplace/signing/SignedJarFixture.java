package io.voicecore.marketplace.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import jdk.security.jarsigner.JarSigner;

/**
 * Real signing keys and signed plugin jars, built in a temporary folder with the JDK's own tools: {@code keytool}
 * (run as a process) makes each key in a PKCS12 keystore and exports its certificate as PEM; {@link JarSigner}, the
 * API behind {@code jarsigner}, or the {@code jarsigner} tool itself signs. Each case is a few lines:
 *
 * <pre>{@code
 * SignedJarFixture fixture = new SignedJarFixture(folder);
 * SignedJarFixture.Key acme = fixture.key("acme", "Ed25519");
 * byte[] signed = fixture.sign(SignedJarFixture.pluginJar(), acme);
 * byte[] tampered = SignedJarFixture.replace(signed, SignedJarFixture.GREETER, "changed".getBytes());
 * }</pre>
 */
public final class SignedJarFixture {
    public static final String PASSWORD = "fixture-password";
    static final String GREETER = "com/acme/greeter/Greeter.class";
    static final String REPLY = "com/acme/greeter/Greeter$Reply.class";
    static final String PLUGIN_YAML = "plugin.yaml";

    private final Path folder;

    /** A publisher's key: its PKCS12 keystore and the certificate {@code keytool -exportcert -rfc} wrote. */
    public record Key(String alias, Path keystore, Path pemFile, String pem) {
        /** The certificate as the marketplace registers it, valid now. */
        public SigningCertificate certificate() {
            return SigningCertificate.parse(pem, Clock.systemUTC());
        }
    }

    public SignedJarFixture(Path folder) {
        this.folder = folder;
    }

    /**
     * Makes a key with {@code keytool -genkeypair} and exports its certificate with {@code keytool -exportcert -rfc}.
     * The alias names the signature files too, so it is at most 8 letters, digits, '-' or '_'.
     */
    public Key key(String alias, String keyAlgorithm) {
        Path keystore = folder.resolve(alias + ".p12");
        Path pemFile = folder.resolve(alias + ".pem");
        List<String> generate = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", keyAlgorithm,
                "-validity", "365", "-dname", "CN=" + alias + " Plugins, O=Fixture, C=ES",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        boolean rsa = keyAlgorithm.equals("RSA");
        if (rsa) {
            // 2048 bits rather than keytool's 3072: a quicker prime search, and still a size the JDK accepts.
            generate.addAll(List.of("-keysize", "2048"));
        }
        // A prime search is where the optimising compiler pays off; for everything else a quick start is faster.
        run(jdkTool("keytool"), !rsa, generate.toArray(String[]::new));
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", pemFile.toString());
        try {
            return new Key(alias, keystore, pemFile, Files.readString(pemFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Several keys at once, alias to key algorithm: each keytool run is a JVM start, so they run side by side. */
    public Map<String, Key> keys(Map<String, String> algorithmsByAlias) {
        Map<String, Future<Key>> pending = new LinkedHashMap<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(2)) {
            algorithmsByAlias.forEach((alias, algorithm) -> pending.put(alias, executor.submit(() -> key(alias, algorithm))));
            Map<String, Key> keys = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Key>> entry : pending.entrySet()) {
                keys.put(entry.getKey(), entry.getValue().get());
            }
            return keys;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("keytool failed", e.getCause());
        }
    }

    /** Runs the JDK's keytool in English (its output is parsed) and returns what it printed. */
    static String keytool(String... arguments) {
        return run(jdkTool("keytool"), true, arguments);
    }

    /** Signs with {@link JarSigner} and the algorithms it chooses for the key, as {@code jarsigner} does by default. */
    public byte[] sign(byte[] jar, Key key) {
        return sign(jar, key, null);
    }

    /** Signs with {@link JarSigner}, with the given digest algorithm (e.g. {@code SHA-1}) if not null. */
    byte[] sign(byte[] jar, Key key, String digestAlgorithm) {
        try {
            KeyStore keystore = KeyStore.getInstance(key.keystore().toFile(), PASSWORD.toCharArray());
            KeyStore.PrivateKeyEntry privateKey = (KeyStore.PrivateKeyEntry) keystore.getEntry(key.alias(),
                    new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
            // Signature files are named after the signer, as jarsigner names them after the alias.
            JarSigner.Builder builder = new JarSigner.Builder(privateKey).signerName(key.alias().toUpperCase(Locale.ROOT));
            if (digestAlgorithm != null) {
                builder.digestAlgorithm(digestAlgorithm);
            }
            Path unsigned = Files.createTempFile(folder, "unsigned-", ".jar");
            Files.write(unsigned, jar);
            ByteArrayOutputStream signed = new ByteArrayOutputStream();
            try (ZipFile zip = new ZipFile(unsigned.toFile())) {
                builder.build().sign(zip, signed);
            }
            return signed.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs in place with the {@code jarsigner} tool, the command the publisher documentation gives. */
    public byte[] signWithJarsigner(byte[] jar, Key key) {
        try {
            Path file = Files.createTempFile(folder, "plugin-", ".jar");
            Files.write(file, jar);
            run(jdkTool("jarsigner"), true, "-keystore", key.keystore().toString(), "-storepass", PASSWORD, file.toString(),
                    key.alias());
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plugin-like jar: a manifest, {@code plugin.yaml}, its package directories and two class entries. */
    static byte[] pluginJar() {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            put(jar, PLUGIN_YAML, "id: greeter\nversion: 1.0.0\nmain: com.acme.greeter.Greeter\n".getBytes(StandardCharsets.UTF_8));
            for (String directory : List.of("com/", "com/acme/", "com/acme/greeter/")) {
                jar.putNextEntry(new JarEntry(directory));
                jar.closeEntry();
            }
            put(jar, GREETER, classBytes(GREETER));
            put(jar, REPLY, classBytes(REPLY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Bytes for a class entry: the class-file magic and the name. Signatures do not care what a class says. */
    static byte[] classBytes(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 65});
        bytes.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }

    /** The jar with one entry's content replaced, everything else as it was: a change after signing. */
    public static byte[] replace(byte[] jar, String name, byte[] content) {
        Map<String, byte[]> entries = entries(jar);
        if (entries.replace(name, content) == null) {
            throw new IllegalArgumentException("no entry " + name);
        }
        return write(entries);
    }

    /** The jar with one more entry at its end. */
    public static byte[] add(byte[] jar, String name, byte[] content) {
        Map<String, byte[]> entries = entries(jar);
        entries.put(name, content);
        return write(entries);
    }

    /** The jar without one entry. */
    static byte[] remove(byte[] jar, String name) {
        Map<String, byte[]> entries = entries(jar);
        entries.remove(name);
        return write(entries);
    }

    /**
     * The name and content of every entry as a class loader sees them (from the central directory, no verification);
     * directories have empty content.
     */
    static Map<String, byte[]> contentsAsLoaded(byte[] jar, Path folder) {
        try {
            Path file = Files.createTempFile(folder, "loaded-", ".jar");
            Files.write(file, jar);
            Map<String, byte[]> contents = new LinkedHashMap<>();
            try (JarFile jarFile = new JarFile(file.toFile(), false)) {
                for (JarEntry entry : Collections.list(jarFile.entries())) {
                    contents.put(entry.getName(), jarFile.getInputStream(entry).readAllBytes());
                }
            } finally {
                Files.delete(file);
            }
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> entries(byte[] jar) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static byte[] write(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                put(out, entry.getKey(), entry.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content);
        out.closeEntry();
    }

    private static Path jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name);
    }

    /** Runs a JDK tool in English and returns its output; fails the test if the tool fails. */
    private static String run(Path tool, boolean quickStart, String... arguments) {
        List<String> command = new ArrayList<>(List.of(tool.toString(), "-J-Duser.language=en", "-J-Duser.country=US"));
        if (quickStart) {
            command.add("-J-XX:TieredStopAtLevel=1");
        }
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
