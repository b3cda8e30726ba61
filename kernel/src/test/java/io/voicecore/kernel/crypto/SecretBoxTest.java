package io.voicecore.kernel.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import io.voicecore.kernel.config.ConfigException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void roundTripsAndWritesTheDocumentedFormat() {
        SecretBox box = SecretBox.ofKey(randomKey());
        byte[] secret = "a TOTP seed".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = box.seal(secret, "totp-seed:1");
        assertEquals(1 + 1 + 12 + secret.length + 16, sealed.length);
        assertEquals(SecretBox.VERSION, sealed[0]);
        assertEquals(SecretBox.KEY_ID, sealed[1]);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("a TOTP seed"));
        assertArrayEquals(secret, box.open(sealed, "totp-seed:1"));
    }

    @Property(tries = 50)
    void roundTripsAnySecret(@ForAll @Size(max = 512) byte[] secret) {
        SecretBox box = SecretBox.ofKey(randomKey());
        assertArrayEquals(secret, box.open(box.seal(secret, "any"), "any"));
    }

    @Test
    void everySealUsesAFreshNonce() {
        SecretBox box = SecretBox.ofKey(randomKey());
        byte[] first = box.seal(new byte[16], "c");
        byte[] second = box.seal(new byte[16], "c");
        assertFalse(Arrays.equals(Arrays.copyOfRange(first, 2, 14), Arrays.copyOfRange(second, 2, 14)));
    }

    @Test
    void detectsAnyFlippedByte() {
        SecretBox box = SecretBox.ofKey(randomKey());
        byte[] sealed = box.seal("signing key material".getBytes(StandardCharsets.UTF_8), "ctx");
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            int position = i;
            assertThrows(SecretBox.OpenFailed.class, () -> box.open(tampered, "ctx"), "flipped byte " + position);
        }
        assertThrows(SecretBox.OpenFailed.class, () -> box.open(Arrays.copyOf(sealed, sealed.length - 1), "ctx"));
        assertThrows(SecretBox.OpenFailed.class, () -> box.open(new byte[5], "ctx"));
    }

    @Test
    void refusesAnotherKeyOrAnotherContext() {
        SecretBox box = SecretBox.ofKey(randomKey());
        byte[] sealed = box.seal("seed".getBytes(StandardCharsets.UTF_8), "totp-seed:alice");
        assertThrows(SecretBox.OpenFailed.class, () -> SecretBox.ofKey(randomKey()).open(sealed, "totp-seed:alice"));
        assertThrows(SecretBox.OpenFailed.class, () -> box.open(sealed, "totp-seed:mallory"));
    }

    @Test
    void generatesAnOwnerOnlyKeyFileOnceAndReusesIt(@TempDir Path data) throws Exception {
        SecretBox first = SecretBox.establish(Optional.empty(), data);
        Path file = data.resolve(SecretBox.KEY_FILE);
        assertTrue(Files.isRegularFile(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(file).strip()).length);
        String keyText = Files.readString(file);

        byte[] sealed = first.seal("kept across restarts".getBytes(StandardCharsets.UTF_8), "ctx");
        SecretBox second = SecretBox.establish(Optional.empty(), data);
        assertEquals(keyText, Files.readString(file), "the existing key file is reused, not replaced");
        assertArrayEquals("kept across restarts".getBytes(StandardCharsets.UTF_8), second.open(sealed, "ctx"));
        try (var listing = Files.list(data)) {
            assertEquals(1, listing.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aConfiguredKeyIsUsedInsteadOfAFile(@TempDir Path data) {
        byte[] key = randomKey();
        SecretBox configured = SecretBox.establish(Optional.of(Base64.getEncoder().encodeToString(key)), data);
        assertFalse(Files.exists(data.resolve(SecretBox.KEY_FILE)));
        byte[] sealed = configured.seal(new byte[] {1, 2, 3}, "ctx");
        assertArrayEquals(new byte[] {1, 2, 3}, SecretBox.ofKey(key).open(sealed, "ctx"));
    }

    @Test
    void refusesUnusableKeyConfigurationClearly(@TempDir Path data) throws Exception {
        ConfigException notBase64 = assertThrows(ConfigException.class, () -> SecretBox.establish(Optional.of("not base64!!"), data));
        assertTrue(notBase64.getMessage().contains("master-key"), notBase64.getMessage());
        assertFalse(notBase64.getMessage().contains("not base64!!"), "the message never repeats the key");

        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        ConfigException tooShort = assertThrows(ConfigException.class, () -> SecretBox.establish(Optional.of(shortKey), data));
        assertTrue(tooShort.getMessage().contains("16 bytes") && tooShort.getMessage().contains("32"), tooShort.getMessage());

        Files.writeString(data.resolve(SecretBox.KEY_FILE), "garbage");
        ConfigException badFile = assertThrows(ConfigException.class, () -> SecretBox.establish(Optional.empty(), data));
        assertTrue(badFile.getMessage().contains(SecretBox.KEY_FILE), badFile.getMessage());
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
