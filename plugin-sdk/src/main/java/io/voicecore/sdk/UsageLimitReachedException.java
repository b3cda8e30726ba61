package io.voicecore.sdk;

import java.util.Objects;

/**
 * A usage record was refused because it would take a meter past the limit the tenant's licence sets on it
 * ({@link Licence#usageLimit(String)}) for the licence's term, e.g. a monthly spend cap. Nothing of the refused
 * quantity was recorded: {@link #used()} is what the term had used before, and stays so.
 *
 * <p>{@code context.usage().record(meter, quantity, unit)} throws it only when the call's {@link PluginContext#licence()}
 * has a limit for that meter; a meter without a limit, and a plugin running unlicensed, are never refused. Catch it to
 * degrade gracefully (answer from a cache, offer a smaller model); a route, stream message, event handler or job that
 * lets it escape is answered with 402 {@code urn:voicecore:problem:spend-cap-reached}, and it never counts as a fault
 * of the plugin.
 *
 * <pre>{@code
 * try {
 *     context.usage().record("ai.tokens", tokens, "token");
 * } catch (UsageLimitReachedException capped) {
 *     return Response.ok(cachedAnswer(request)); // the plan's tokens for this month are spent
 * }
 * }</pre>
 *
 * @since SDK 1.2
 */
public final class UsageLimitReachedException extends PluginProblem {
    private final String meter;
    private final long limit;
    private final long used;
    private final long requested;

    /**
     * @param meter     the meter whose limit was reached, e.g. {@code ai.tokens}
     * @param limit     the licence's limit on the meter for its term
     * @param used      the quantity already recorded on the meter in the licence's term
     * @param requested the quantity whose record was refused
     * @throws NullPointerException when {@code meter} is null
     */
    public UsageLimitReachedException(String meter, long limit, long used, long requested) {
        super(402, "spend-cap-reached", "Recording " + requested + " on usage meter '" + Objects.requireNonNull(meter, "meter")
                                        + "' would exceed the licence's limit of " + limit + " for its term (" + used
                                        + " already used), so nothing was recorded. A tenant admin can raise the limit "
                                        + "with another plan in the marketplace.");
        this.meter = meter;
        this.limit = limit;
        this.used = used;
        this.requested = requested;
    }

    /** @return the meter whose limit was reached */
    public String meter() {
        return meter;
    }

    /** @return the licence's limit on the meter for its term */
    public long limit() {
        return limit;
    }

    /** @return the quantity already recorded on the meter in the licence's term, before the refused record */
    public long used() {
        return used;
    }

    /** @return the quantity whose record was refused */
    public long requested() {
        return requested;
    }
}
