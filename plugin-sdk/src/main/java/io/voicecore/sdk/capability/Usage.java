package io.voicecore.sdk.capability;

/**
 * Records billable usage of the current tenant, e.g. model tokens or call minutes.
 *
 * <p>When the tenant's licence sets a limit on the meter ({@link io.voicecore.sdk.Licence#usageLimit(String)}), each
 * record is checked against what the licence's term has already used, atomically: records made at the same time
 * never together exceed the limit, and one that would is refused whole.
 */
public interface Usage {
    /**
     * @param meter    meter name, e.g. {@code ai.tokens}
     * @param quantity a positive whole quantity
     * @param unit     the unit, e.g. {@code token}, {@code second}
     * @throws io.voicecore.sdk.UsageLimitReachedException when the call's licence limits the meter and this quantity
     *                                                     would take the term's total past the limit; nothing is
     *                                                     recorded (since SDK 1.2)
     */
    void record(String meter, long quantity, String unit);
}
