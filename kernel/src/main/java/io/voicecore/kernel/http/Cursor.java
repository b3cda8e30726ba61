package io.voicecore.kernel.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * An opaque pagination position: the creation time and id of the last item of the previous page.
 * Lists answer {@code {"items": [...], "next": "<cursor>" | null}}.
 */
public record Cursor(Instant createdAt, UUID id) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public String encode() {
        return encodeParts(createdAt.toString(), id.toString());
    }

    public static Cursor decode(String token) {
        return decodeParts(token, 2, parts -> new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1])));
    }

    /**
     * Encodes the sort-key values of a listing position as an opaque token. Only the last part may
     * contain the separator, so put a free-text part last.
     */
    public static String encodeParts(String... parts) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a token made by {@link #encodeParts}; anything else is a 400 telling the caller what to send. */
    public static <T> T decodeParts(String token, int count, Function<String[], T> position) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = text.split("\\|", count);
            if (parts.length != count) {
                throw new IllegalArgumentException("expected " + count + " parts");
            }
            return position.apply(parts);
        } catch (RuntimeException e) {
            throw new ApiException.BadRequest("Query parameter 'cursor' is not a cursor this API issued; "
                                              + "pass the 'next' value of the previous page unchanged.");
        }
    }

    /** Reads {@code cursor} from the request. */
    public static Optional<Cursor> from(ApiRequest request) {
        return request.query("cursor").map(Cursor::decode);
    }

    /** Reads {@code limit} from the request: 1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}. */
    public static int limit(ApiRequest request) {
        return request.query("limit").map(text -> {
            try {
                int value = Integer.parseInt(text);
                if (value >= 1 && value <= MAX_LIMIT) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ApiException.BadRequest("Query parameter 'limit' must be a whole number from 1 to " + MAX_LIMIT
                                              + ", not '" + text + "'.");
        }).orElse(DEFAULT_LIMIT);
    }

    /**
     * Builds a page body from {@code limit + 1} fetched rows: the extra row only tells that there is a next page.
     */
    public static <T> Map<String, Object> page(List<T> fetched, int limit, Function<T, Cursor> position, Function<T, ?> view) {
        boolean more = fetched.size() > limit;
        List<T> items = more ? fetched.subList(0, limit) : fetched;
        String next = more ? position.apply(items.get(items.size() - 1)).encode() : null;
        java.util.LinkedHashMap<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("items", items.stream().map(view).toList());
        body.put("next", next);
        return body;
    }
}
