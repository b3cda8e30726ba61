package io.voicecore.sandbox.tooling;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.voicecore.marketplace.signing.CertificateRefusal;
import io.voicecore.marketplace.signing.SignedJarCheck;
import io.voicecore.marketplace.signing.SignedJarRefusal;
import io.voicecore.marketplace.signing.SigningCertificate;

/**
 * {@code plugin keygen} and {@code plugin sign}: the JDK's {@code keytool} and {@code jarsigner}, run as the
 * marketplace's signing docs say (an Ed25519 key, a self-signed certificate, {@code jarsigner} with its default
 * algorithms), then checked with the marketplace's own {@link SigningCertificate} and {@link SignedJarCheck}.
 */
final class JdkSigning {
    private JdkSigning() {
    }

    /** Makes a publisher key and its certificate, writes the certificate next to the keystore and prints it. */
    static int keygen(Path keystoreGiven, String alias, Optional<String> storepass, String dname, PrintStream out) {
        // Absolute: the tools run in the keystore's folder.
        Path keystore = keystoreGiven.toAbsolutePath().normalize();
        if (Files.exists(keystore)) {
            throw ToolFailure.usage("plugin keygen: " + keystore + " already exists; choose a new --keystore (keys are made once,"
                                    + " then kept)");
        }
        String password = storepass.orElseGet(() -> askPassword("keygen", "Password for the new keystore " + keystore + ": "));
        if (password.length() < 6) {
            throw ToolFailure.usage("plugin keygen: the keystore password must have at least 6 characters (keytool's rule)");
        }
        String keytool = Processes.jdkTool("keytool");
        Processes.Result made = Processes.capture(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "Ed25519", "-validity", "730",
                                                         "-dname", dname, "-keystore", keystore.toString(), "-storetype", "PKCS12",
                                                         "-storepass", password), workDir(keystore), null);
        if (made.exitStatus() != 0) {
            throw ToolFailure.refused("plugin keygen: keytool could not make the key: " + oneLine(made.output()));
        }
        Processes.Result exported = Processes.capture(List.of(keytool, "-exportcert", "-rfc", "-alias", alias, "-keystore",
                                                             keystore.toString(), "-storepass", password), workDir(keystore), null);
        if (exported.exitStatus() != 0) {
            throw ToolFailure.refused("plugin keygen: keytool could not export the certificate: " + oneLine(exported.output()));
        }
        String pem = exported.output().substring(Math.max(0, exported.output().indexOf("-----BEGIN CERTIFICATE-----"))).strip() + "\n";
        SigningCertificate certificate = SigningCertificate.parse(pem, Clock.systemUTC());
        Path pemFile = pemNextTo(keystore);
        try {
            Files.writeString(pemFile, pem);
        } catch (IOException e) {
            throw ToolFailure.refused("plugin keygen: cannot write " + pemFile + ": " + e.getMessage());
        }
        out.println("Made an Ed25519 publisher key '" + alias + "' in " + keystore + " (keep it, and its password, to yourself).");
        out.println("Its certificate, SHA-256 fingerprint " + certificate.fingerprint() + ", is in " + pemFile + ".");
        out.println("Register it with the marketplace once (POST /api/v1/marketplace/publishers/{publisher}/signing-keys,"
                    + " Content-Type application/x-pem-file):");
        out.print(pem);
        return 0;
    }

    /** Signs the jar in place with jarsigner and checks the signature as the marketplace will. */
    static int sign(Path jarGiven, Path keystoreGiven, String alias, Optional<String> storepass, PrintStream out) {
        // Absolute: jarsigner runs in the jar's folder.
        Path jar = jarGiven.toAbsolutePath().normalize();
        Path keystore = keystoreGiven.toAbsolutePath().normalize();
        if (!Files.isRegularFile(keystore)) {
            throw ToolFailure.usage("plugin sign: no keystore " + keystore + " (make one with ./voicecore plugin keygen)");
        }
        String password = storepass.orElseGet(() -> askPassword("sign", "Password of " + keystore + ": "));
        List<String> command = new ArrayList<>(List.of(Processes.jdkTool("jarsigner"), "-keystore", keystore.toString(),
                                                       "-storepass", password, jar.toString(), alias));
        Processes.Result signed = Processes.capture(command, workDir(jar), null);
        if (signed.exitStatus() != 0) {
            throw ToolFailure.refused("plugin sign: jarsigner refused: " + oneLine(signed.output()));
        }
        try {
            SigningCertificate signer = SigningCertificate.ofSigner(SignedJarCheck.intactSigner(Files.readAllBytes(jar)));
            out.println("Signed " + jar + " with '" + alias + "': " + signer.subject() + ", SHA-256 fingerprint " + signer.fingerprint()
                        + " (" + signer.keyAlgorithm().name() + ").");
            out.println("jarsigner's warnings about a self-signed certificate and no timestamp are expected: the marketplace"
                        + " trusts the certificate you registered. Do not change the jar from now on.");
            return 0;
        } catch (SignedJarRefusal | CertificateRefusal refusal) {
            throw ToolFailure.refused("plugin sign: the marketplace would refuse the signed jar: " + refusal.getMessage());
        } catch (IOException e) {
            throw ToolFailure.refused("plugin sign: cannot read the signed jar: " + e.getMessage());
        }
    }

    /** {@code keys/publisher.p12} gives {@code keys/publisher.pem}. */
    static Path pemNextTo(Path keystore) {
        String name = keystore.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return keystore.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".pem");
    }

    private static Path workDir(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }

    private static String askPassword(String command, String prompt) {
        Console console = System.console();
        if (console == null) {
            throw ToolFailure.usage("plugin " + command + ": --storepass is needed when not run from a terminal");
        }
        char[] typed = console.readPassword(prompt);
        if (typed == null || typed.length == 0) {
            throw ToolFailure.usage("plugin " + command + ": no password given");
        }
        return new String(typed);
    }

    /** A tool's output as one line, for a message. */
    static String oneLine(String output) {
        return String.join(" ", output.strip().lines().map(String::strip).filter(line -> !line.isEmpty()).toList());
    }
}
