package io.voicecore.kernel.plugins.storage;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.json.Json;
import io.voicecore.sdk.json.JsonException;

/**
 * One result row, read completely while its statement's connection was bound to the call's tenant, so it
 * can be used after the connection went back to the pool. Values are kept as Java types by the column's
 * PostgreSQL type: integers as {@code Long}, {@code numeric} as {@code BigDecimal}, {@code timestamptz} as
 * {@code Instant}, {@code timestamp} as {@code LocalDateTime} (read as UTC), {@code json}/{@code jsonb} as
 * {@link Json}, arrays as lists.
 */
final class PluginRow implements Row {
    private final Map<String, Object> values;

    private PluginRow(Map<String, Object> values) {
        this.values = values;
    }

    /** Reads the current row of the result set. */
    static PluginRow read(ResultSet rs, ResultSetMetaData meta) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String name = meta.getColumnLabel(i);
            if (values.containsKey(name)) {
                throw new IllegalArgumentException("the result has two columns named '" + name + "'; give them distinct names with AS");
            }
            values.put(name, value(rs, i, typeOf(meta, i)));
        }
        return new PluginRow(Collections.unmodifiableMap(values));
    }

    /**
     * The column's PostgreSQL type name, with integer types by their JDBC type (the driver names a column
     * with an identity or serial default {@code serial}/{@code bigserial}, not {@code int4}/{@code int8}).
     */
    private static String typeOf(ResultSetMetaData meta, int i) throws SQLException {
        return switch (meta.getColumnType(i)) {
            case Types.SMALLINT, Types.INTEGER, Types.BIGINT -> "int8";
            default -> meta.getColumnTypeName(i);
        };
    }

    private static Object value(ResultSet rs, int i, String type) throws SQLException {
        Object value = switch (type) {
            case "int2", "int4", "int8", "oid" -> {
                long n = rs.getLong(i);
                yield rs.wasNull() ? null : n;
            }
            case "numeric" -> rs.getBigDecimal(i);
            case "float4", "float8" -> {
                double d = rs.getDouble(i);
                yield rs.wasNull() ? null : d;
            }
            case "bool" -> {
                boolean b = rs.getBoolean(i);
                yield rs.wasNull() ? null : b;
            }
            case "uuid" -> rs.getObject(i, UUID.class);
            case "timestamptz" -> {
                OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                yield t == null ? null : t.toInstant();
            }
            case "timestamp" -> rs.getObject(i, LocalDateTime.class);
            case "date" -> rs.getObject(i, LocalDate.class);
            case "json", "jsonb" -> {
                String text = rs.getString(i);
                yield text == null ? null : Json.parse(text);
            }
            case "bytea" -> rs.getBytes(i);
            default -> type.startsWith("_") ? array(rs.getArray(i)) : rs.getString(i);
        };
        return rs.wasNull() ? null : value;
    }

    private static List<Object> array(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        Object[] items = (Object[]) array.getArray();
        List<Object> list = new ArrayList<>(items.length);
        for (Object item : items) {
            list.add(switch (item) {
                case Integer n -> n.longValue();
                case Short n -> n.longValue();
                case Timestamp ts -> ts.toInstant();
                case Object[] nested -> Arrays.asList(nested);
                case null, default -> item;
            });
        }
        return Collections.unmodifiableList(list);
    }

    /** The column names in result order. */
    List<String> columns() {
        return List.copyOf(values.keySet());
    }

    @Override
    public Optional<String> string(String column) {
        return get(column).map(v -> switch (v) {
            case String s -> s;
            case byte[] b -> throw wrongType(column, v, "text");
            case Instant t -> t.toString();
            default -> v.toString();
        });
    }

    @Override
    public Optional<Long> number(String column) {
        return get(column).map(v -> switch (v) {
            case Long n -> n;
            case BigDecimal d -> {
                try {
                    yield d.longValueExact();
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("column '" + column + "' holds " + d + ", which is not a whole number "
                                                       + "in the range of a long; read it with decimal()");
                }
            }
            default -> throw wrongType(column, v, "an integer");
        });
    }

    @Override
    public Optional<BigDecimal> decimal(String column) {
        return get(column).map(v -> switch (v) {
            case BigDecimal d -> d;
            case Long n -> BigDecimal.valueOf(n);
            case Double d -> BigDecimal.valueOf(d);
            default -> throw wrongType(column, v, "a number");
        });
    }

    @Override
    public Optional<Boolean> bool(String column) {
        return get(column).map(v -> {
            if (v instanceof Boolean b) {
                return b;
            }
            throw wrongType(column, v, "a boolean");
        });
    }

    @Override
    public Optional<UUID> uuid(String column) {
        return get(column).map(v -> switch (v) {
            case UUID u -> u;
            case String s -> {
                try {
                    yield UUID.fromString(s);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("column '" + column + "' holds text that is not a UUID");
                }
            }
            default -> throw wrongType(column, v, "a uuid");
        });
    }

    @Override
    public Optional<Instant> instant(String column) {
        return get(column).map(v -> switch (v) {
            case Instant t -> t;
            case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
            default -> throw wrongType(column, v, "a timestamp");
        });
    }

    @Override
    public Optional<Json> json(String column) {
        return get(column).map(v -> switch (v) {
            case Json j -> j;
            case String s -> {
                try {
                    yield Json.parse(s);
                } catch (JsonException e) {
                    throw new IllegalArgumentException("column '" + column + "' holds text that is not JSON: " + e.getMessage());
                }
            }
            default -> throw wrongType(column, v, "json");
        });
    }

    @Override
    public Optional<byte[]> bytes(String column) {
        return get(column).map(v -> {
            if (v instanceof byte[] b) {
                return b.clone();
            }
            throw wrongType(column, v, "bytea");
        });
    }

    @Override
    public Json toJson() {
        Json.ObjectBuilder object = Json.object();
        values.forEach((name, value) -> object.put(name, json(value)));
        return object.build();
    }

    private static Json json(Object value) {
        return switch (value) {
            case null -> Json.NULL;
            case Json j -> j;
            case byte[] b -> Json.of(Base64.getEncoder().encodeToString(b));
            case Double d when d.isNaN() || d.isInfinite() -> Json.of(d.toString());
            case List<?> list -> Json.array(list.stream().map(PluginRow::json).toList());
            case String s -> Json.of(s);
            case Number n -> Json.of(n);
            case Boolean b -> Json.of(b);
            default -> Json.of(value.toString());
        };
    }

    private Optional<Object> get(String column) {
        if (values.containsKey(column)) {
            return Optional.ofNullable(values.get(column));
        }
        String lower = column.toLowerCase(Locale.ROOT);
        if (values.containsKey(lower)) {
            return Optional.ofNullable(values.get(lower));
        }
        throw new IllegalArgumentException("the result has no column '" + column + "'; its columns are " + String.join(", ", values.keySet()));
    }

    private static IllegalArgumentException wrongType(String column, Object value, String wanted) {
        return new IllegalArgumentException("column '" + column + "' is not " + wanted + " (it holds a " + kind(value) + ")");
    }

    private static String kind(Object value) {
        return switch (value) {
            case String s -> "text value";
            case Long n -> "integer";
            case BigDecimal d -> "numeric value";
            case Double d -> "floating-point value";
            case Boolean b -> "boolean";
            case UUID u -> "uuid";
            case Instant t -> "timestamptz";
            case LocalDateTime t -> "timestamp";
            case LocalDate d -> "date";
            case Json j -> "json value";
            case byte[] b -> "bytea value";
            case List<?> l -> "array";
            default -> value.getClass().getSimpleName();
        };
    }

    @Override
    public String toString() {
        return "Row" + values.keySet();
    }
}
