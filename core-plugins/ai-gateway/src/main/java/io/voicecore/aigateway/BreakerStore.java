package io.voicecore.aigateway;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.UnaryOperator;

import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;

/**
 * The tenant's circuit breaker state in the plugin's table {@code circuit_breakers}, so every call and every kernel
 * node sees the same breaker. Each change locks the tenant's row for one short transaction (never during a provider
 * call), so two callers cannot both take the one trial of a half-open breaker.
 */
final class BreakerStore {
    private final Storage storage;

    /** @param storage the gateway's storage for the tenant's call */
    BreakerStore(Storage storage) {
        this.storage = storage;
    }

    /** @return the stored state; a tenant without a row has a closed breaker that never failed */
    CircuitBreaker.State read() {
        return storage.queryOne("SELECT consecutive_failures, open_until, trial_until, last_failure_reason, last_failure_at "
                                + "FROM circuit_breakers").map(BreakerStore::state).orElse(CircuitBreaker.State.CLOSED);
    }

    /**
     * Asks the breaker whether a call may go out now, and stores a trial when it takes one.
     *
     * @param breaker the tenant's breaker rules
     * @param now     the time
     * @return the verdict
     */
    CircuitBreaker.Verdict permit(CircuitBreaker breaker, Instant now) {
        return storage.transaction(tx -> {
            CircuitBreaker.State state = locked(tx, now);
            CircuitBreaker.Permit permit = breaker.permit(state, now);
            if (!permit.state().equals(state)) {
                write(tx, permit.state(), now);
            }
            return permit.verdict();
        });
    }

    /**
     * Applies an outcome to the stored state, e.g. {@code breaker::succeeded}.
     *
     * @param change the new state from the current one
     * @param now    the time, recorded as the last update
     */
    void record(UnaryOperator<CircuitBreaker.State> change, Instant now) {
        storage.transaction(tx -> {
            CircuitBreaker.State state = locked(tx, now);
            CircuitBreaker.State next = change.apply(state);
            if (!next.equals(state)) {
                write(tx, next, now);
            }
            return null;
        });
    }

    /** The tenant's row, created when missing, locked until the transaction ends. */
    private static CircuitBreaker.State locked(Storage tx, Instant now) {
        tx.update("INSERT INTO circuit_breakers (tenant_id, consecutive_failures, updated_at) VALUES (?, 0, ?) "
                  + "ON CONFLICT (tenant_id) DO NOTHING", Storage.TENANT, micros(now));
        return tx.queryOne("SELECT consecutive_failures, open_until, trial_until, last_failure_reason, last_failure_at "
                           + "FROM circuit_breakers FOR UPDATE").map(BreakerStore::state).orElseThrow();
    }

    private static void write(Storage tx, CircuitBreaker.State state, Instant now) {
        tx.update("UPDATE circuit_breakers SET consecutive_failures = ?, open_until = ?, trial_until = ?, last_failure_reason = ?, "
                  + "last_failure_at = ?, updated_at = ?", state.consecutiveFailures(), state.openUntil().map(BreakerStore::micros).orElse(null),
                  state.trialUntil().map(BreakerStore::micros).orElse(null), state.lastFailureReason().orElse(null),
                  state.lastFailureAt().map(BreakerStore::micros).orElse(null), micros(now));
    }

    private static CircuitBreaker.State state(Row row) {
        return new CircuitBreaker.State((int) row.number("consecutive_failures").orElse(0L).longValue(), row.instant("open_until"),
                                        row.instant("trial_until"), row.string("last_failure_reason"), row.instant("last_failure_at"));
    }

    /** Instants at the database's precision, so a state read back equals the state written. */
    private static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
