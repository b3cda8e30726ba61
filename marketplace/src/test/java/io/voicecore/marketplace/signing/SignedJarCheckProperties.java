package io.voicecore.marketplace.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.voicecore.marketplace.signing.SignedJarFixture.Key;
import io.voicecore.marketplace.signing.SignedJarRefusal.Reason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever happens to the bytes of a signed jar, the check never lets a change through. */
class SignedJarCheckProperties {
    private static Path folder;
    private static SigningCertificate registered;
    private static byte[] signed;
    private static Map<String, String> signedContents;

    @BeforeContainer
    static void signOnce() throws IOException {
        folder = Files.createTempDirectory("signed-jar-properties-");
        SignedJarFixture fixture = new SignedJarFixture(folder);
        Key acme = fixture.key("acme", "Ed25519");
        registered = acme.certificate();
        signed = fixture.sign(SignedJarFixture.pluginJar(), acme);
        signedContents = loadedContents(signed);
    }

    @AfterContainer
    static void deleteFolder() throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @Property(tries = 500)
    void aChangedByteIsRefusedOrChangesNothingALoaderReads(@ForAll("positions") int position,
                                                           @ForAll @IntRange(min = 1, max = 255) int mask) {
        byte[] changed = signed.clone();
        changed[position] ^= (byte) mask;

        SigningCertificate signer;
        try {
            signer = SignedJarCheck.check(changed, List.of(registered));
        } catch (SignedJarRefusal refused) {
            Statistics.label("outcome").collect(refused.reason());
            return;
        }
        Statistics.label("outcome").collect("accepted");
        // Accepted: the byte was one no loader reads (a timestamp, a directory's name), and every entry is as signed.
        assertEquals(registered, signer);
        assertEquals(signedContents, loadedContents(changed));
    }

    @Property(tries = 200)
    void aTruncatedJarIsRefusedAsMalformed(@ForAll("positions") int length) {
        byte[] truncated = Arrays.copyOf(signed, length);

        try {
            SignedJarCheck.check(truncated, List.of(registered));
        } catch (SignedJarRefusal refused) {
            assertEquals(Reason.MALFORMED, refused.reason(), refused.getMessage());
            return;
        }
        throw new AssertionError("a jar cut at byte " + length + " was accepted");
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, signed.length - 1);
    }

    /**
     * What a class loader reads from the jar, entry by entry. Signature files and directories are left out: neither is
     * loaded, and neither needs a signature.
     */
    private static Map<String, String> loadedContents(byte[] jar) {
        Map<String, String> contents = new TreeMap<>();
        SignedJarFixture.contentsAsLoaded(jar, folder).forEach((name, bytes) -> {
            if (!SignedEntries.isSignatureFile(name) && !name.endsWith("/")) {
                contents.put(name, new String(bytes, StandardCharsets.ISO_8859_1));
            }
        });
        return contents;
    }
}
