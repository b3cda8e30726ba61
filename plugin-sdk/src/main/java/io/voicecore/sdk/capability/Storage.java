package io.voicecore.sdk.capability;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The plugin's own PostgreSQL schema, created and migrated from the SQL files in the plugin jar
 * ({@code db/migration/V1__*.sql}, ...). Every table must have a {@code tenant_id uuid} column; the
 * kernel enforces row-level security on it, so a statement sees and writes only the current tenant's
 * rows even without a {@code WHERE tenant_id = ...}. Statements run as the plugin's own database role,
 * which can reach no other schema.
 *
 * <p>Values are passed only as parameters ({@code ?} placeholders), never concatenated into SQL:
 * {@code String}, {@code Integer}, {@code Long}, {@code Boolean}, {@code java.math.BigDecimal},
 * {@code java.util.UUID}, {@code java.time.Instant}, {@code java.time.LocalDate}, {@code byte[]},
 * {@code io.voicecore.sdk.json.Json} (as {@code jsonb}) or {@code null}. Write {@code tenant_id} as
 * {@link #TENANT}: the kernel substitutes the current tenant.
 */
public interface Storage {

    /** A parameter value that stands for the current tenant's id. */
    Object TENANT = new Object() {
        @Override
        public String toString() {
            return "<current tenant>";
        }
    };

    /**
     * Runs a query.
     *
     * @param sql    one SQL statement with {@code ?} placeholders
     * @param params the parameter values
     * @return the rows
     */
    List<Row> query(String sql, Object... params);

    /**
     * Runs a query expected to return at most one row.
     *
     * @param sql    one SQL statement with {@code ?} placeholders
     * @param params the parameter values
     * @return the row, if any
     */
    Optional<Row> queryOne(String sql, Object... params);

    /**
     * Runs an {@code INSERT}, {@code UPDATE} or {@code DELETE}.
     *
     * @param sql    one SQL statement with {@code ?} placeholders
     * @param params the parameter values
     * @return the number of rows changed
     */
    int update(String sql, Object... params);

    /**
     * Runs several statements in one transaction, committed when {@code work} returns and rolled back
     * when it throws. Events published inside the transaction are sent only if it commits.
     *
     * @param work the statements, given a storage bound to the transaction
     * @param <T>  the result type
     * @return what {@code work} returned
     */
    <T> T transaction(Function<Storage, T> work);
}
