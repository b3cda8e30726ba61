package io.voicecore.marketplace.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;

import io.voicecore.marketplace.signing.SignedJarRefusal.Reason;

/**
 * What the JDK's own jar verification finds in a jar: for each entry that must be signed, the certificates of the
 * signers the JDK accepted for it. It reads the jar as class loaders do: a {@link JarFile} opened with verification
 * on, each entry read to its end (which is when the JDK compares the entry with its signed digest), then
 * {@link JarEntry#getCodeSigners()}. Each entry is also read plainly, without verification, so that what is accepted
 * reads the same to any reader.
 *
 * @param signers for each entry that must be signed, in jar order, the end certificate of each signer the JDK
 *     accepted for it; an empty list if none
 * @param signatureFiles the signature files and signature blocks of {@code META-INF}, whether the JDK accepted them
 *     or not
 * @param missing entries the signed manifest lists with a digest that the jar does not have
 */
record SignedEntries(Map<String, List<X509Certificate>> signers, List<String> signatureFiles, List<String> missing) {
    /** Block files of the signature schemes the JDK reads; {@code SIG-*} is the name jarsigner reserves for others. */
    private static final List<String> BLOCK_EXTENSIONS = List.of(".SF", ".RSA", ".DSA", ".EC");
    private static final String META_INF = "META-INF/";

    /**
     * Reads every entry of the jar, with verification on and plainly.
     *
     * @throws SignedJarRefusal {@code MALFORMED} if the bytes are not a jar both readers read alike, have an entry name
     *     twice or exceed the limits; {@code TAMPERED} if the JDK finds an entry that does not match its signed digest
     */
    static SignedEntries read(byte[] jar, int maxEntries, long maxExpandedBytes) {
        Path file = null;
        try {
            // JarFile verifies from the central directory, as class loaders read it; it needs a file.
            file = Files.createTempFile("voicecore-submission-", ".jar");
            Files.write(file, jar);
            return read(file, maxEntries, maxExpandedBytes);
        } catch (IOException e) {
            // The temporary file, not the jar: the fault is the server's.
            throw new UncheckedIOException("cannot stage the jar for its signature check", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // Left in the temporary directory; the check's answer stands.
                }
            }
        }
    }

    private static SignedEntries read(Path file, int maxEntries, long maxExpandedBytes) {
        Map<String, List<X509Certificate>> signers = new LinkedHashMap<>();
        List<String> signatureFiles = new ArrayList<>();
        long expanded = 0;
        String current = null;
        try (JarFile jarFile = new JarFile(file.toFile(), true); ZipFile plain = new ZipFile(file.toFile())) {
            Set<String> names = distinctNames(jarFile, maxEntries);
            Enumeration<JarEntry> entries = jarFile.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                current = entry.getName();
                expanded += readAlike(jarFile, plain, entry, maxExpandedBytes - expanded);
                if (entry.isDirectory() || current.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                if (isSignatureFile(current)) {
                    signatureFiles.add(current);
                    continue;
                }
                signers.put(current, signersOf(entry));
            }
            current = null;
            return new SignedEntries(Collections.unmodifiableMap(signers), List.copyOf(signatureFiles),
                    missingFrom(jarFile.getManifest(), names));
        } catch (SignedJarRefusal e) {
            throw e;
        } catch (SecurityException e) {
            // The JDK throws it while reading an entry that does not match its digest in the signed manifest.
            String where = current == null ? "The jar's manifest" : "Entry " + current;
            throw new SignedJarRefusal(Reason.TAMPERED, current, where + " does not match what was signed (" + e.getMessage()
                    + "): the jar was changed after signing. Sign the final jar again, as the last step of the build.", e);
        } catch (IOException | RuntimeException e) {
            // RuntimeException too: the jar is hostile input, and the JDK's readers are not all documented to throw
            // only IOException on it.
            String where = current == null ? "" : " at entry " + current;
            throw new SignedJarRefusal(Reason.MALFORMED, current, "The file is not a readable jar" + where + " ("
                    + e.getMessage() + "); upload the jar as the build wrote it.", e);
        }
    }

    /** The names of the entries, refused if there are too many or one appears twice. */
    private static Set<String> distinctNames(JarFile jarFile, int maxEntries) {
        Set<String> names = new HashSet<>();
        Enumeration<JarEntry> entries = jarFile.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (!names.add(name)) {
                // Which of the two a reader gets is up to the reader: neither can be said to be the signed one.
                throw SignedJarRefusal.atEntry(Reason.MALFORMED, name, "The jar has two entries named " + name
                        + "; build it again with a standard jar tool.");
            }
            if (names.size() > maxEntries) {
                throw SignedJarRefusal.of(Reason.MALFORMED, "The jar has more than " + maxEntries + " entries, more than a"
                        + " plugin may have.");
            }
        }
        return names;
    }

    /**
     * Reads the entry to its end twice: verified, which makes the JDK check it against its signed digest, and plain,
     * as a reader that does not verify sees it. The verified read stops at the size the entry declares, so only the
     * plain one finds damage after that point; a jar that two readers read differently is refused.
     *
     * @return the number of bytes of the entry
     */
    private static long readAlike(JarFile jarFile, ZipFile plain, JarEntry entry, long allowed) throws IOException {
        long verified;
        try (InputStream in = jarFile.getInputStream(entry)) {
            verified = count(in, allowed);
        }
        if (verified > allowed) {
            throw SignedJarRefusal.atEntry(Reason.MALFORMED, entry.getName(), "The jar expands to more bytes than the"
                    + " marketplace checks (reached at entry " + entry.getName() + ").");
        }
        long read;
        try (InputStream in = plain.getInputStream(entry)) {
            read = count(in, verified);
        } catch (IOException e) {
            throw new SignedJarRefusal(Reason.MALFORMED, entry.getName(), "Entry " + entry.getName() + " cannot be read"
                    + " to its end (" + e.getMessage() + "): its data or sizes in the jar are damaged. Upload the jar as"
                    + " the build wrote it.", e);
        }
        if (read != verified) {
            throw SignedJarRefusal.atEntry(Reason.MALFORMED, entry.getName(), "Entry " + entry.getName() + " holds "
                    + (read > verified ? "more" : "fewer") + " bytes than its declared size: its sizes in the jar are"
                    + " damaged. Upload the jar as the build wrote it.");
        }
        return verified;
    }

    /** The number of bytes up to the end of the stream, or {@code limit + 1} once there are more than the limit. */
    private static long count(InputStream in, long limit) throws IOException {
        long count = 0;
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0 && count <= limit; n = in.read(buffer)) {
            count += n;
        }
        return Math.min(count, limit + 1);
    }

    private static List<X509Certificate> signersOf(JarEntry entry) {
        CodeSigner[] codeSigners = entry.getCodeSigners();
        if (codeSigners == null) {
            return List.of();
        }
        List<X509Certificate> certificates = new ArrayList<>(codeSigners.length);
        for (CodeSigner signer : codeSigners) {
            // The path starts with the signer's own certificate; any further ones are its issuers.
            List<? extends Certificate> path = signer.getSignerCertPath().getCertificates();
            if (!path.isEmpty() && path.getFirst() instanceof X509Certificate certificate) {
                certificates.add(certificate);
            }
        }
        return List.copyOf(certificates);
    }

    /**
     * Whether the entry is part of a signature rather than content to sign: a signature file or block directly in
     * {@code META-INF}, as the JDK tells them apart. Other files of {@code META-INF}, such as {@code services}, are
     * content and must be signed.
     */
    static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith(META_INF) || upper.indexOf('/', META_INF.length()) >= 0) {
            return false;
        }
        String file = upper.substring(META_INF.length());
        return file.startsWith("SIG-") || BLOCK_EXTENSIONS.stream().anyMatch(file::endsWith);
    }

    /** Entries the manifest holds a digest for that are not in the jar: the JDK itself does not look for them. */
    private static List<String> missingFrom(Manifest manifest, Set<String> names) {
        if (manifest == null) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        manifest.getEntries().forEach((name, attributes) -> {
            if (!names.contains(name) && hasDigest(attributes)) {
                missing.add(name);
            }
        });
        return List.copyOf(missing);
    }

    private static boolean hasDigest(Attributes attributes) {
        return attributes.keySet().stream().anyMatch(key -> key.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST"));
    }
}
