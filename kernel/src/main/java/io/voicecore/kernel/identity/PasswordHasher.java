package io.voicecore.kernel.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes user passwords with Argon2id and verifies them.
 *
 * <p>Hashes are stored as PHC strings, {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (base64
 * without padding). Verification reads the cost parameters from the stored string, so the
 * parameters for new hashes can be raised later without breaking existing passwords.
 */
public final class PasswordHasher {
    /** OWASP's recommended minimum for Argon2id: 19 MiB of memory, two passes, one lane. */
    public static final Parameters DEFAULT = new Parameters(19_456, 2, 1);
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");

    /** Argon2 cost parameters: memory in KiB, iterations, parallelism. */
    public record Parameters(int memoryKib, int iterations, int parallelism) {
        public Parameters {
            if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1 || memoryKib > 4 * 1024 * 1024) {
                throw new IllegalArgumentException("unusable Argon2 parameters m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism);
            }
        }
    }

    private final Parameters parameters;
    // Verified against when no account matches, so an unknown email costs as much time as a wrong password.
    private final String dummyHash;

    public PasswordHasher(Parameters parameters) {
        this.parameters = parameters;
        this.dummyHash = hash("dummy password that matches no account");
    }

    public PasswordHasher() {
        this(DEFAULT);
    }

    /**
     * What is wrong with a new password, if anything. Length counts characters (code points), not
     * bytes; nothing else is imposed, following NIST SP 800-63B.
     */
    public static Optional<String> policyViolation(String password) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return Optional.of("must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long, but has " + length);
        }
        return Optional.empty();
    }

    /** A new PHC string for the password, with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = Secrets.randomBytes(SALT_BYTES);
        byte[] hash = derive(password, salt, parameters, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + parameters.memoryKib() + ",t=" + parameters.iterations() + ",p=" + parameters.parallelism()
               + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * Whether the password matches the stored PHC string, compared in constant time.
     *
     * @throws IllegalArgumentException when the stored string is not an Argon2id PHC string this class wrote
     */
    public boolean verify(String password, String stored) {
        Matcher phc = parse(stored);
        byte[] salt = Base64.getDecoder().decode(phc.group(4));
        byte[] expected = Base64.getDecoder().decode(phc.group(5));
        byte[] actual = derive(password, salt, parametersOf(phc), expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time of one verification without any account; always false. */
    public boolean verifyNothing(String password) {
        verify(password, dummyHash);
        return false;
    }

    /** Reads the cost parameters of a stored hash, e.g. to decide whether it should be rehashed. */
    public static Parameters parametersOf(String stored) {
        return parametersOf(parse(stored));
    }

    private static Parameters parametersOf(Matcher phc) {
        return new Parameters(Integer.parseInt(phc.group(1)), Integer.parseInt(phc.group(2)), Integer.parseInt(phc.group(3)));
    }

    private static Matcher parse(String stored) {
        Matcher phc = PHC.matcher(stored);
        if (!phc.matches()) {
            throw new IllegalArgumentException("the stored password hash is not an Argon2id PHC string");
        }
        return phc;
    }

    private static byte[] derive(String password, byte[] salt, Parameters p, int length) {
        Argon2Parameters argon = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(argon);
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(secret, out);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        return out;
    }
}
