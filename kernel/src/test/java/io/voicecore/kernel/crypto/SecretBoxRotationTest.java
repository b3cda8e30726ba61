package io.voicecore.kernel.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A box holds a current key and previous ones: it seals under the current key and opens under any it holds. */
class SecretBoxRotationTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SECRET = "a plugin's API key".getBytes(StandardCharsets.UTF_8);

    @Test
    void aLoneKeyKeepsWritingKeyIdOne() {
        SecretBox box = SecretBox.ofKey(randomKey());
        assertEquals(1, box.currentKeyId());
        assertEquals(1, SecretBox.keyIdOf(box.seal(SECRET, "ctx")));
    }

    @Test
    void rotationKeepsOldBoxesOpenAndResealingLetsTheOldKeyGo() {
        byte[] key1 = randomKey();
        byte[] key2 = randomKey();
        assumeDistinctIds(key1, key2);
        byte[] sealedUnderKey1 = SecretBox.ofKey(key1).seal(SECRET, "ctx");

        SecretBox rotated = SecretBox.ofKeys(key2, List.of(key1));
        assertEquals(Byte.toUnsignedInt(SecretBox.derivedKeyId(key2)), rotated.currentKeyId());
        assertTrue(rotated.currentKeyId() >= SecretBox.MIN_DERIVED_KEY_ID);
        assertArrayEquals(SECRET, rotated.open(sealedUnderKey1, "ctx"), "a box of the previous key still opens");

        byte[] resealed = rotated.reseal(sealedUnderKey1, "ctx");
        assertEquals(rotated.currentKeyId(), SecretBox.keyIdOf(resealed));
        SecretBox key2Alone = SecretBox.ofKey(key2);
        assertArrayEquals(SECRET, key2Alone.open(resealed, "ctx"), "after resealing the old key is no longer needed");
        assertThrows(SecretBox.OpenFailed.class, () -> key2Alone.open(sealedUnderKey1, "ctx"),
                     "a box not resealed needs the old key");
        SecretBox.OpenFailed unknown = assertThrows(SecretBox.OpenFailed.class, () -> SecretBox.ofKey(key1).open(resealed, "ctx"));
        assertTrue(unknown.getMessage().contains("master-key.previous"), unknown.getMessage());
        assertThrows(SecretBox.OpenFailed.class, () -> rotated.reseal(sealedUnderKey1, "another context"));
    }

    @Test
    void aKeyKeepsItsIdWhateverPositionItIsConfiguredIn() {
        byte[] key1 = randomKey();
        byte[] key2 = randomKey();
        byte[] key3 = randomKey();
        assumeDistinctIds(key1, key2, key3);
        byte[] underKey2 = SecretBox.ofKeys(key2, List.of(key1)).seal(SECRET, "ctx");
        assertArrayEquals(SECRET, SecretBox.ofKeys(key3, List.of(key1, key2)).open(underKey2, "ctx"));
        assertArrayEquals(SECRET, SecretBox.ofKeys(key3, List.of(key2)).open(underKey2, "ctx"));
        assertArrayEquals(SECRET, SecretBox.ofKeys(key1, List.of(key3, key2)).open(underKey2, "ctx"));
        assertArrayEquals(SECRET, SecretBox.ofKey(key2).open(underKey2, "ctx"), "a lone key also opens boxes of its derived id");
    }

    @Test
    void aBoxWithTheOriginalIdOpensOnlyUnderTheKeyThatSealedIt() {
        byte[] key1 = randomKey();
        byte[] key2 = randomKey();
        byte[] key3 = randomKey();
        assumeDistinctIds(key1, key2, key3);
        byte[] underKey1 = SecretBox.ofKey(key1).seal(SECRET, "ctx");
        assertThrows(SecretBox.OpenFailed.class, () -> SecretBox.ofKeys(key2, List.of(key3)).open(underKey1, "ctx"));
        byte[] changedId = underKey1.clone();
        changedId[1] = SecretBox.derivedKeyId(key1);
        assertThrows(SecretBox.OpenFailed.class, () -> SecretBox.ofKeys(key2, List.of(key1)).open(changedId, "ctx"),
                     "the key id is authenticated: relabelling a box breaks it");
    }

    @Test
    void refusesARepeatedKeyAndKeysSharingAnId() {
        byte[] key = randomKey();
        ConfigException repeated = assertThrows(ConfigException.class, () -> SecretBox.ofKeys(key, List.of(key.clone())));
        assertTrue(repeated.getMessage().contains("same key"), repeated.getMessage());

        // Ids are one byte, so two keys sharing one turn up within a few dozen random keys.
        Map<Byte, byte[]> byId = new HashMap<>();
        byte[][] clash = null;
        while (clash == null) {
            byte[] candidate = randomKey();
            byte[] earlier = byId.putIfAbsent(SecretBox.derivedKeyId(candidate), candidate);
            if (earlier != null) {
                clash = new byte[][] {earlier, candidate};
            }
        }
        byte[][] pair = clash;
        ConfigException sameId = assertThrows(ConfigException.class, () -> SecretBox.ofKeys(pair[1], List.of(pair[0])));
        assertTrue(sameId.getMessage().contains("same key id") && sameId.getMessage().contains("generate a different new master-key"),
                   sameId.getMessage());
    }

    @Test
    void previousKeysComeFromConfiguration(@TempDir Path data) {
        byte[] key1 = randomKey();
        byte[] key2 = randomKey();
        assumeDistinctIds(key1, key2);
        String base64Key1 = Base64.getEncoder().encodeToString(key1);
        String base64Key2 = Base64.getEncoder().encodeToString(key2);
        KernelConfig config = ConfigLoader.load(Optional.empty(),
                Map.of("VOICECORE_MASTER_KEY", base64Key2, "VOICECORE_MASTER_KEY_PREVIOUS", " " + base64Key1 + " ,,"), Map.of());
        assertEquals(List.of(base64Key1), config.masterKeyPrevious());

        byte[] underKey1 = SecretBox.ofKey(key1).seal(SECRET, "ctx");
        SecretBox box = SecretBox.establish(config.masterKey(), config.masterKeyPrevious(), data);
        assertArrayEquals(SECRET, box.open(underKey1, "ctx"));
        assertEquals(Byte.toUnsignedInt(SecretBox.derivedKeyId(key2)), box.currentKeyId());
        assertEquals(List.of(), ConfigLoader.load(Optional.empty(), Map.of(), Map.of()).masterKeyPrevious());
    }

    @Test
    void refusesAnUnusablePreviousKeyWithoutRepeatingIt(@TempDir Path data) {
        String current = Base64.getEncoder().encodeToString(randomKey());
        String good = Base64.getEncoder().encodeToString(randomKey());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> SecretBox.establish(Optional.of(current), List.of(good, "not-a-key!!"), data));
        assertTrue(bad.getMessage().contains("entry 2 of configuration key master-key.previous"), bad.getMessage());
        assertTrue(bad.getMessage().contains("VOICECORE_MASTER_KEY_PREVIOUS"), bad.getMessage());
        assertFalse(bad.getMessage().contains("not-a-key!!"), "the message never repeats a key");
        assertFalse(bad.getMessage().contains(good), "the message never repeats a key");
    }

    /** Whatever the rotation history, every box opens as long as the key that sealed it is still held. */
    @Property(tries = 40)
    void everyBoxOpensWhileItsKeyIsHeld(@ForAll @IntRange(min = 1, max = 6) int rotations) {
        List<byte[]> history = new ArrayList<>();
        List<byte[]> boxes = new ArrayList<>();
        history.add(randomKey());
        boxes.add(SecretBox.ofKey(history.get(0)).seal(SECRET, "ctx"));
        for (int i = 0; i < rotations; i++) {
            byte[] next = randomKey();
            if (clashes(next, history)) {
                continue;
            }
            List<byte[]> previous = new ArrayList<>(history).reversed();
            history.add(next);
            SecretBox box = SecretBox.ofKeys(next, previous);
            boxes.add(box.seal(SECRET, "ctx"));
            for (byte[] sealed : boxes) {
                assertArrayEquals(SECRET, box.open(sealed, "ctx"));
            }
        }
    }

    private static boolean clashes(byte[] key, List<byte[]> others) {
        return others.stream().anyMatch(other -> SecretBox.derivedKeyId(other) == SecretBox.derivedKeyId(key));
    }

    /** Random keys share a one-byte id now and then; those cases are covered by refusesARepeatedKeyAndKeysSharingAnId. */
    private static void assumeDistinctIds(byte[]... keys) {
        for (int i = 0; i < keys.length; i++) {
            while (clashes(keys[i], List.of(keys).subList(0, i))) {
                RANDOM.nextBytes(keys[i]);
            }
        }
        for (int i = 0; i < keys.length; i++) {
            for (int j = 0; j < i; j++) {
                assertNotEquals(SecretBox.derivedKeyId(keys[i]), SecretBox.derivedKeyId(keys[j]));
            }
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
