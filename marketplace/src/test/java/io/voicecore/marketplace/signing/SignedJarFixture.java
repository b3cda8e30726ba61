package io.voicecore.marketplace.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Real signing keys, built in a temporary folder with the JDK's own {@code keytool} (run as a process): each key in a
 * PKCS12 keystore, its certificate exported as PEM. Each case is a few lines:
 *
 * <pre>{@code
 * SignedJarFixture fixture = new SignedJarFixture(folder);
 * SignedJarFixture.Key acme = fixture.key("acme", "Ed25519");
 * SigningCertificate certificate = acme.certificate();
 * }</pre>
 */
final class SignedJarFixture {
    static final String PASSWORD = "fixture-password";

    private final Path folder;

    /** A publisher's key: its PKCS12 keystore and the certificate {@code keytool -exportcert -rfc} wrote. */
    record Key(String alias, Path keystore, Path pemFile, String pem) {
        /** The certificate as the marketplace registers it, valid now. */
        SigningCertificate certificate() {
            return SigningCertificate.parse(pem, Clock.systemUTC());
        }
    }

    SignedJarFixture(Path folder) {
        this.folder = folder;
    }

    /**
     * Makes a key with {@code keytool -genkeypair} and exports its certificate with {@code keytool -exportcert -rfc}.
     * The alias names the signature files too, so it is at most 8 letters, digits, '-' or '_'.
     */
    Key key(String alias, String keyAlgorithm) {
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
    Map<String, Key> keys(Map<String, String> algorithmsByAlias) {
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
