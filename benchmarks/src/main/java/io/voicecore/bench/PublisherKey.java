package io.voicecore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A marketplace publisher's signing key and the jars it signs, made as docs/marketplace.md's walkthrough makes them:
 * {@code keytool -genkeypair -keyalg Ed25519} into a PKCS12 keystore, {@code keytool -exportcert -rfc} for the
 * certificate the publisher registers, and {@code jarsigner} to sign a plugin jar in place. The JDK's own tools, run
 * as processes.
 */
final class PublisherKey {
    private static final String PASSWORD = "bench-password";

    private final String alias;
    private final Path keystore;
    private final String pem;

    private PublisherKey(String alias, Path keystore, String pem) {
        this.alias = alias;
        this.keystore = keystore;
        this.pem = pem;
    }

    /**
     * Makes a key valid from now for 30 days in {@code folder}.
     *
     * @param alias names the signature files in a signed jar too: at most 8 letters, digits, '-' or '_'
     */
    static PublisherKey create(Path folder, String alias) throws IOException, InterruptedException {
        Path keystore = folder.resolve(alias + ".p12");
        Path pemFile = folder.resolve(alias + ".pem");
        run("keytool", "-genkeypair", "-alias", alias, "-keyalg", "Ed25519", "-validity", "30",
            "-dname", "CN=" + alias + " Plugins, O=VoiceCore benchmarks, C=ES", "-keystore", keystore.toString(),
            "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        run("keytool", "-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(), "-storepass", PASSWORD,
            "-file", pemFile.toString());
        return new PublisherKey(alias, keystore, Files.readString(pemFile));
    }

    /** The certificate in PEM, as {@code POST .../signing-keys} registers it. */
    String pem() {
        return pem;
    }

    /** Signs {@code jar} in place with {@code jarsigner}; sign last, since any later change makes the jar tampered. */
    void sign(Path jar) throws IOException, InterruptedException {
        run("jarsigner", "-keystore", keystore.toString(), "-storepass", PASSWORD, jar.toString(), alias);
    }

    /** Runs a tool of this JVM's JDK in English and fails with its output if it fails. */
    private static void run(String tool, String... arguments) throws IOException, InterruptedException {
        Path binary = Path.of(System.getProperty("java.home"), "bin", tool);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("the benchmarks need a JDK (" + tool + ") to sign their plugins; this is a JRE");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-J-Duser.language=en", "-J-Duser.country=US",
                                                       "-J-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command).replace(PASSWORD, "***") + " failed:\n" + output);
        }
    }
}
