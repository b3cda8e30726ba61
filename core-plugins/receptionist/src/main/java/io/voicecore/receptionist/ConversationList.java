package io.voicecore.receptionist;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.json.Json;

/**
 * {@code GET /conversations}: a tenant's conversations and calls, newest first, filtered by channel, outcome, date and
 * the caller's sentiment, a page at a time. A conversation's sentiment is the average of its caller turns' scores, read
 * as the AI gateway labels one turn: {@code positive} above 0.2, {@code negative} below -0.2, {@code neutral} between.
 */
final class ConversationList {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final Set<String> CHANNELS = Set.of("chat", "voice", "call");
    private static final Set<String> OUTCOMES = Set.of("answered", "transferred", "voicemail", "abandoned", "callback");
    private static final Set<String> SENTIMENTS = Set.of("positive", "neutral", "negative");
    private static final Set<String> PARAMETERS = Set.of("channel", "outcome", "from", "to", "sentiment", "status", "limit", "cursor");

    private ConversationList() {
    }

    static Response list(Request request, PluginContext context) {
        List<String> errors = new ArrayList<>();
        request.queryParams().keySet().stream().filter(name -> !PARAMETERS.contains(name)).sorted()
                .forEach(name -> errors.add(name + ": is not a filter; filter by " + String.join(", ", PARAMETERS.stream().sorted().toList())));
        Optional<String> channel = oneOf(request, "channel", CHANNELS, errors);
        Optional<String> outcome = oneOf(request, "outcome", OUTCOMES, errors);
        Optional<String> sentiment = oneOf(request, "sentiment", SENTIMENTS, errors);
        Optional<String> status = oneOf(request, "status", Set.of("open", "ended"), errors);
        Optional<Instant> from = day(request, "from", errors, false);
        Optional<Instant> to = day(request, "to", errors, true);
        int limit = limit(request, errors);
        Optional<Position> after = request.query("cursor").flatMap(cursor -> Position.decode(cursor, errors));
        if (!errors.isEmpty()) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: " + String.join("; ", errors) + ".");
        }
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> parameters = new ArrayList<>();
        where(where, parameters, " AND channel = ?", channel);
        where(where, parameters, " AND outcome = ?", outcome);
        where(where, parameters, " AND status = ?", status);
        where(where, parameters, " AND started_at >= ?", from);
        where(where, parameters, " AND started_at < ?", to);
        sentiment.ifPresent(value -> where.append(switch (value) {
            case "positive" -> " AND sentiment > 0.2";
            case "negative" -> " AND sentiment < -0.2";
            default -> " AND sentiment BETWEEN -0.2 AND 0.2";
        }));
        after.ifPresent(position -> {
            where.append(" AND (started_at, id) < (?, ?)");
            parameters.add(position.startedAt());
            parameters.add(position.id());
        });
        parameters.add(limit + 1);
        List<Row> rows = context.storage().query("SELECT * FROM (SELECT c.id, c.channel, c.status, c.language, c.summary, c.started_at, "
                + "c.last_activity_at, c.ended_at, c.state, c.caller_number, c.outcome, c.duration_seconds, (SELECT round(avg(m.sentiment), 2) "
                + "FROM messages m WHERE m.conversation_id = c.id AND m.role = 'caller') AS sentiment FROM conversations c) listed"
                + where + " ORDER BY started_at DESC, id DESC LIMIT ?", parameters.toArray());
        List<Json> items = new ArrayList<>();
        for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
            items.add(ReceptionistPlugin.describe(row).put("sentiment", row.decimal("sentiment").orElse(null)).build());
        }
        String next = rows.size() > limit
                ? new Position(rows.get(limit - 1).instant("started_at").orElseThrow(), rows.get(limit - 1).uuid("id").orElseThrow()).encode()
                : null;
        return Response.ok(Json.object().put("items", items).put("next", next).build());
    }

    /** Adds a condition with its one parameter when the filter was given. */
    private static void where(StringBuilder where, List<Object> parameters, String condition, Optional<?> value) {
        value.ifPresent(given -> {
            where.append(condition);
            parameters.add(given);
        });
    }

    private static Optional<String> oneOf(Request request, String name, Set<String> values, List<String> errors) {
        Optional<String> value = request.query(name);
        if (value.isPresent() && !values.contains(value.get())) {
            errors.add(name + ": must be one of " + values.stream().sorted().toList() + ", not '" + value.get() + "'");
            return Optional.empty();
        }
        return value;
    }

    /** A day (UTC) or an instant; {@code to} is exclusive, and a day given as {@code to} includes that whole day. */
    private static Optional<Instant> day(Request request, String name, List<String> errors, boolean end) {
        Optional<String> text = request.query(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.get()));
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate day = LocalDate.parse(text.get());
                return Optional.of((end ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notADay) {
                errors.add(name + ": must be a day (2026-12-07) or an instant (2026-12-07T10:00:00Z), not '" + text.get() + "'");
                return Optional.empty();
            }
        }
    }

    private static int limit(Request request, List<String> errors) {
        Optional<String> text = request.query("limit");
        if (text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.get());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        errors.add("limit: must be a whole number from 1 to " + MAX_LIMIT + ", not '" + text.get() + "'");
        return DEFAULT_LIMIT;
    }

    /** Where a page ends in the list order (start, then id, both descending), as an opaque cursor. */
    record Position(Instant startedAt, UUID id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((startedAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Optional<Position> decode(String cursor, List<String> errors) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
                return Optional.of(new Position(Instant.parse(parts[0]), UUID.fromString(parts[1])));
            } catch (RuntimeException malformed) {
                errors.add("cursor: is not a cursor this list gave (use the 'next' of the previous page)");
                return Optional.empty();
            }
        }
    }
}
