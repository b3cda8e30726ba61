package io.voicecore.standins.twilio;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Twilio's resource identifiers: a two-letter prefix and 32 lower-case hex digits ({@code CA…}, {@code MZ…}). */
final class Sids {
    /** A call. */
    static final String CALL = "CA";
    /** An account. */
    static final String ACCOUNT = "AC";
    /** A Media Stream. */
    static final String STREAM = "MZ";
    /** A recording. */
    static final String RECORDING = "RE";
    /** A transcription. */
    static final String TRANSCRIPTION = "TR";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Sids() {
    }

    static String next(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /** @return whether {@code sid} has the prefix and the 32 hex digits */
    static boolean looksLike(String prefix, String sid) {
        return sid != null && sid.length() == 34 && sid.startsWith(prefix) && sid.substring(2).matches("[0-9a-fA-F]{32}");
    }
}
