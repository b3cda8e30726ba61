package io.voicecore.standins.stripe;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Identifiers shaped like Stripe's: a prefix naming the kind of object ({@code pi_}, {@code ch_}, {@code txn_}, …)
 * and random letters and digits, 24 of them (16 for accounts, as Stripe's {@code acct_} ids are shorter).
 */
final class Ids {
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Ids() {
    }

    static String next(String prefix) {
        return prefix + random(prefix.equals("acct_") ? 16 : 24);
    }

    static String random(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    static String requestId() {
        return "req_" + random(14);
    }
}
