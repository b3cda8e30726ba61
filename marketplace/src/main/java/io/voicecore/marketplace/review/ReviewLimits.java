package io.voicecore.marketplace.review;

/**
 * The marketplace's limits on a submitted jar, stricter than the kernel's own (a kernel installs jars of up to 10,000
 * entries).
 *
 * @param maxJarBytes the largest jar, as uploaded
 * @param maxEntries  the most entries (files and directories) in it
 */
public record ReviewLimits(long maxJarBytes, int maxEntries) {
    public ReviewLimits {
        if (maxJarBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("review limits are positive; got " + maxJarBytes + " bytes, " + maxEntries + " entries");
        }
    }

    /** 20 MiB and 5,000 entries. */
    public static ReviewLimits defaults() {
        return new ReviewLimits(20L << 20, 5_000);
    }
}
