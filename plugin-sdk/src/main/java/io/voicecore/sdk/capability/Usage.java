package io.voicecore.sdk.capability;

/** Records billable usage of the current tenant, e.g. model tokens or call minutes. */
public interface Usage {
    /**
     * @param meter    meter name, e.g. {@code ai.tokens}
     * @param quantity a positive whole quantity
     * @param unit     the unit, e.g. {@code token}, {@code second}
     */
    void record(String meter, long quantity, String unit);
}
