package io.voicecore.marketplace.licence;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature has been checked, with their licence, so a token seen again skips the Ed25519 check. Only
 * the licence is kept, never a verdict: whether it is valid, in grace or expired depends on the clock and is
 * judged on every call.
 *
 * <p>Bounded by two generations: new entries go into the young one; when it is full it becomes the old one and the
 * previous old one is dropped; a hit in the old generation is copied into the young one. That keeps roughly the most
 * recently used tokens, at most twice the generation size plus whatever concurrent writers add during a swap, with
 * lock-free reads, where a single LRU list would put a lock on every plugin call. Only verified tokens enter, so a
 * caller sending garbage cannot push out real ones.
 */
final class VerifiedTokens {
    private final int generationSize;
    private volatile ConcurrentHashMap<String, Licence> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<String, Licence> old = new ConcurrentHashMap<>();

    /** @param capacity how many tokens to keep, at least 2 */
    VerifiedTokens(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2: " + capacity);
        }
        this.generationSize = capacity / 2;
    }

    /** The licence of a verified token, or null. */
    Licence get(String token) {
        Licence licence = young.get(token);
        if (licence == null) {
            licence = old.get(token);
            if (licence != null) {
                put(token, licence);
            }
        }
        return licence;
    }

    void put(String token, Licence licence) {
        ConcurrentHashMap<String, Licence> generation = young;
        generation.put(token, licence);
        if (generation.size() >= generationSize) {
            retire(generation);
        }
    }

    /** How many tokens are kept now. */
    int size() {
        return young.size() + old.size();
    }

    private synchronized void retire(ConcurrentHashMap<String, Licence> full) {
        // Another writer may have retired it already.
        if (young == full) {
            old = full;
            young = new ConcurrentHashMap<>();
        }
    }
}
