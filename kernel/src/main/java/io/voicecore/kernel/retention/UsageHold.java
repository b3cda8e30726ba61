package io.voicecore.kernel.retention;

import java.time.Instant;
import java.util.Optional;

/**
 * Something outside the kernel that still reads raw usage records: billing that has not yet invoiced a period, or a
 * licence whose spend cap sums the records since its start. {@link RetentionJob} never deletes a record at or after the
 * earliest instant any hold names. The marketplace registers one.
 */
@FunctionalInterface
public interface UsageHold {
    /**
     * The earliest instant from which raw usage records are still needed, over every tenant; empty when none are.
     * Called once per retention pass, in no transaction; a hold that throws makes the pass keep every usage record.
     */
    Optional<Instant> neededSince();
}
