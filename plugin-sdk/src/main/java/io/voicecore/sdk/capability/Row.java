package io.voicecore.sdk.capability;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.json.Json;

/** One result row; columns are read by name (lower case, as PostgreSQL returns them). A SQL NULL reads as empty. */
public interface Row {
    /** @param column name @return the text value */
    Optional<String> string(String column);

    /** @param column name @return the integer value */
    Optional<Long> number(String column);

    /** @param column name @return the exact decimal value */
    Optional<BigDecimal> decimal(String column);

    /** @param column name @return the boolean value */
    Optional<Boolean> bool(String column);

    /** @param column name @return the UUID value */
    Optional<UUID> uuid(String column);

    /** @param column name @return the timestamp value */
    Optional<Instant> instant(String column);

    /** @param column name @return a {@code json}/{@code jsonb} value */
    Optional<Json> json(String column);

    /** @param column name @return a {@code bytea} value */
    Optional<byte[]> bytes(String column);

    /** @return the row as a JSON object, column by column */
    Json toJson();
}
