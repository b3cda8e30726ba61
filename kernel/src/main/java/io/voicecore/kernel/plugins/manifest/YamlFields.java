package io.voicecore.kernel.plugins.manifest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.voicecore.kernel.plugins.manifest.ManifestException.FieldError;

/**
 * Reads typed values out of parsed YAML (the plain maps, lists and scalars of snakeyaml's {@code SafeConstructor}),
 * collecting every problem as a {@link FieldError} instead of stopping at the first. Each reader records what is
 * wrong and returns empty (or an empty mapping or list), so the caller reads on and the author sees every problem
 * at once. One instance serves one parse.
 */
final class YamlFields {
    private final List<FieldError> errors = new ArrayList<>();

    /** @return the problems found so far, in the order they were found */
    List<FieldError> errors() {
        return List.copyOf(errors);
    }

    /** @return how many problems were found so far; a mark for {@link #noErrorsUnder} and "did this part fail" */
    int errorCount() {
        return errors.size();
    }

    /** Records a problem with a field. */
    void error(String field, String problem) {
        errors.add(new FieldError(field, problem));
    }

    /** Whether no error since {@code from} concerns the field, so an empty list is really empty, not emptied by errors. */
    boolean noErrorsUnder(String field, int from) {
        return errors.subList(from, errors.size()).stream().noneMatch(e -> e.field().equals(field)
                || e.field().startsWith(field + "[") || e.field().startsWith(field + "."));
    }

    @SuppressWarnings("unchecked")
    Optional<Map<String, Object>> mapping(Object value, String field) {
        if (!(value instanceof Map<?, ?> map)) {
            error(field, "must be a mapping of keys to values, found " + kind(value));
            return Optional.empty();
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                error(field, "has the key " + key + " (" + kind(key) + "); keys must be text");
                return Optional.empty();
            }
        }
        return Optional.of((Map<String, Object>) map);
    }

    /** An optional section: absent or null is an empty mapping. */
    Map<String, Object> optionalMapping(Object value, String field) {
        return value == null ? Map.of() : mapping(value, field).orElse(Map.of());
    }

    /** Refuses every key not in {@code allowed}, suggesting the one a misspelt key most likely meant. */
    void onlyKeys(Map<String, Object> map, String field, List<String> allowed) {
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                String where = field.isEmpty() ? key : field + "." + key;
                String hint = closest(key, allowed).map(k -> "did you mean '" + k + "'? ").orElse("");
                error(where, "is not a known key; " + hint + "allowed " + (field.isEmpty() ? "top-level keys" : "keys here")
                             + ": " + String.join(", ", allowed));
            }
        }
    }

    /** A list: absent or null is empty. */
    List<Object> list(Object value, String field) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        error(field, "must be a list, found " + kind(value));
        return List.of();
    }

    /** A list of text items, each checked by {@code valid}, without duplicates. */
    List<String> textList(Object value, String field, int maxLength, ItemCheck valid) {
        List<String> result = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Object> items = list(value, field);
        for (int i = 0; i < items.size(); i++) {
            String at = field + "[" + i + "]";
            Optional<String> item = text(items.get(i), at, true, maxLength).filter(v -> valid.check(v, at));
            if (item.isEmpty()) {
                continue;
            }
            String first = firstAt.putIfAbsent(item.get(), at);
            if (first != null) {
                error(at, "'" + item.get() + "' is already listed at " + first + "; list each value once");
                continue;
            }
            result.add(item.get());
        }
        return List.copyOf(result);
    }

    /** Non-blank text of at most {@code maxLength} characters; absent is a problem only when {@code required}. */
    Optional<String> text(Object value, String field, boolean required, int maxLength) {
        if (value == null) {
            if (required) {
                error(field, "is required");
            }
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            error(field, "must be text, found " + kind(value) + (value instanceof Number || value instanceof Boolean
                    ? " (" + value + "); put it in quotes" : ""));
            return Optional.empty();
        }
        if (text.isBlank()) {
            error(field, "must not be blank");
            return Optional.empty();
        }
        if (text.length() > maxLength) {
            error(field, "is " + text.length() + " characters long; the limit is " + maxLength);
            return Optional.empty();
        }
        return Optional.of(text);
    }

    Optional<Boolean> bool(Object value, String field) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Boolean b) {
            return Optional.of(b);
        }
        error(field, "must be true or false, found " + kind(value));
        return Optional.empty();
    }

    Optional<Long> integer(Object value, String field) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Integer || value instanceof Long) {
            return Optional.of(((Number) value).longValue());
        }
        if (value instanceof BigInteger) {
            error(field, "is " + value + ", which is too large; the limit is " + Long.MAX_VALUE);
            return Optional.empty();
        }
        error(field, "must be a whole number, found " + kind(value));
        return Optional.empty();
    }

    /** A whole number between {@code min} and {@code max}; absent, or not such a number, is {@code fallback}. */
    int bounded(Object value, String field, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        Optional<Long> number = integer(value, field);
        if (number.isPresent() && (number.get() < min || number.get() > max)) {
            error(field, "is " + number.get() + "; it must be between " + min + " and " + max + " (default " + fallback + ")");
            return fallback;
        }
        return number.map(Long::intValue).orElse(fallback);
    }

    private static String kind(Object value) {
        return switch (value) {
            case null -> "nothing";
            case Map<?, ?> m -> "a mapping";
            case List<?> l -> "a list";
            case String s -> "text '" + s + "'";
            case Boolean b -> "true/false";
            case Integer i -> "a number";
            case Long l -> "a number";
            case BigInteger b -> "a number";
            case Double d -> "a decimal number";
            default -> "a value of type " + value.getClass().getSimpleName();
        };
    }

    /** The allowed key a misspelt one most likely meant: at most two edits away, fewer for short keys. */
    private static Optional<String> closest(String key, List<String> allowed) {
        Function<String, Integer> distance = candidate -> editDistance(key.toLowerCase(Locale.ROOT),
                                                                       candidate.toLowerCase(Locale.ROOT));
        int tolerance = Math.min(2, Math.max(1, key.length() / 3));
        return allowed.stream().filter(candidate -> distance.apply(candidate) <= tolerance)
                .min((a, b) -> Integer.compare(distance.apply(a), distance.apply(b)));
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Checks one list item, recording a problem when it is invalid. */
    @FunctionalInterface
    interface ItemCheck {
        boolean check(String value, String field);
    }
}
