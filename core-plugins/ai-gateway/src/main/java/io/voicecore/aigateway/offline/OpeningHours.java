package io.voicecore.aigateway.offline;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening hours as businesses usually write them, read well enough to tell a caller whether the business is open now:
 * day names or ranges (English, {@code Mon}, {@code Monday}, {@code Mo}) each followed by one or more time ranges,
 * e.g. {@code Mon-Fri 09:00-13:00, 15:00-19:00; Sat 10:00-14:00; Sun closed}. A range ending before it starts runs past
 * midnight ({@code Fri 22:00-02:00}); {@code 24:00} ends a day. Text in any other form is not read (it is still told to
 * callers as written).
 */
final class OpeningHours {
    private static final int DAY = 24 * 60;
    private static final String DAY_NAME = "mon(?:day)?|tue(?:sday|s)?|wed(?:nesday)?|thu(?:rsday|rs)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
                                           + "|mo|tu|we|th|fr|sa|su";
    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(?:(?<times>(\\d{1,2}):(\\d{2})\\s*[-–]\\s*(\\d{1,2}):(\\d{2}))"
            + "|(?<days>(" + DAY_NAME + ")\\.?(?:\\s*[-–]\\s*(" + DAY_NAME + ")\\.?)?)"
            + "|(?<closed>closed)|(?<separator>[,;&/]|and))\\s*", Pattern.CASE_INSENSITIVE);

    /** Per day, the open intervals in minutes of the day, {@code [start, end)}, sorted by start. */
    private final Map<DayOfWeek, List<int[]>> intervals;

    private OpeningHours(Map<DayOfWeek, List<int[]>> intervals) {
        this.intervals = intervals;
    }

    /**
     * @param text opening hours as written by the business
     * @return the hours, when the whole text follows the form above and names at least one open interval
     */
    static Optional<OpeningHours> parse(String text) {
        Map<DayOfWeek, List<int[]>> intervals = new EnumMap<>(DayOfWeek.class);
        List<DayOfWeek> days = new ArrayList<>();
        boolean daysTaken = false;
        Matcher matcher = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length()) {
            matcher.region(at, text.length());
            if (!matcher.lookingAt()) {
                return Optional.empty();
            }
            at = matcher.end();
            if (matcher.group("days") != null) {
                if (daysTaken) {
                    days.clear();
                    daysTaken = false;
                }
                DayOfWeek first = day(matcher.group(7));
                DayOfWeek last = matcher.group(8) == null ? first : day(matcher.group(8));
                for (DayOfWeek day = first; ; day = day.plus(1)) {
                    days.add(day);
                    if (day == last) {
                        break;
                    }
                }
            } else if (matcher.group("times") != null) {
                if (days.isEmpty()) {
                    return Optional.empty();
                }
                int start = minutes(matcher.group(2), matcher.group(3));
                int end = minutes(matcher.group(4), matcher.group(5));
                if (start < 0 || end < 0 || start >= DAY || start == end) {
                    return Optional.empty();
                }
                for (DayOfWeek day : days) {
                    if (end > start) {
                        add(intervals, day, start, end);
                    } else {
                        add(intervals, day, start, DAY);
                        if (end > 0) {
                            add(intervals, day.plus(1), 0, end);
                        }
                    }
                }
                daysTaken = true;
            } else if (matcher.group("closed") != null) {
                if (days.isEmpty()) {
                    return Optional.empty();
                }
                days.clear();
                daysTaken = false;
            }
        }
        if (intervals.isEmpty() || (!days.isEmpty() && !daysTaken)) {
            return Optional.empty();
        }
        intervals.values().forEach(list -> list.sort((a, b) -> Integer.compare(a[0], b[0])));
        return Optional.of(new OpeningHours(intervals));
    }

    /**
     * @param now the business's local date and time
     * @return whether the business is open at that moment
     */
    boolean isOpen(LocalDateTime now) {
        int minute = now.getHour() * 60 + now.getMinute();
        return intervals.getOrDefault(now.getDayOfWeek(), List.of()).stream()
                .anyMatch(interval -> interval[0] <= minute && minute < interval[1]);
    }

    /**
     * @param now      the business's local date and time
     * @param language the language of the sentence
     * @return whether the business is open now and until when, or when it opens next
     */
    Optional<String> describe(LocalDateTime now, String language) {
        int minute = now.getHour() * 60 + now.getMinute();
        DayOfWeek today = now.getDayOfWeek();
        for (int[] interval : intervals.getOrDefault(today, List.of())) {
            if (interval[0] <= minute && minute < interval[1]) {
                int end = interval[1];
                // Open past midnight: the interval goes on into tomorrow's first one.
                if (end == DAY) {
                    List<int[]> tomorrow = intervals.getOrDefault(today.plus(1), List.of());
                    if (!tomorrow.isEmpty() && tomorrow.get(0)[0] == 0) {
                        end = tomorrow.get(0)[1];
                    }
                }
                return Optional.of(Phrases.say(language, "hours.open", Map.of("time", clock(end))));
            }
        }
        for (int[] interval : intervals.getOrDefault(today, List.of())) {
            if (interval[0] > minute) {
                return Optional.of(Phrases.say(language, "hours.closed.today", Map.of("time", clock(interval[0]))));
            }
        }
        for (int ahead = 1; ahead <= 7; ahead++) {
            DayOfWeek day = today.plus(ahead);
            List<int[]> open = intervals.getOrDefault(day, List.of());
            if (!open.isEmpty()) {
                String dayName = day.getDisplayName(TextStyle.FULL, Locale.forLanguageTag(language));
                return Optional.of(Phrases.say(language, "hours.closed.later", Map.of("day", dayName, "time", clock(open.get(0)[0]))));
            }
        }
        return Optional.empty();
    }

    private static void add(Map<DayOfWeek, List<int[]>> intervals, DayOfWeek day, int start, int end) {
        intervals.computeIfAbsent(day, d -> new ArrayList<>()).add(new int[] {start, end});
    }

    /** Minutes of the day, -1 when not a time ({@code 24:00} is the end of the day). */
    private static int minutes(String hours, String minutes) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        if (m > 59 || h > 24 || (h == 24 && m > 0)) {
            return -1;
        }
        return h * 60 + m;
    }

    private static String clock(int minutes) {
        return String.format(Locale.ROOT, "%02d:%02d", minutes / 60, minutes % 60);
    }

    private static DayOfWeek day(String name) {
        String prefix = name.toLowerCase(Locale.ROOT).substring(0, 2);
        return switch (prefix) {
            case "mo" -> DayOfWeek.MONDAY;
            case "tu" -> DayOfWeek.TUESDAY;
            case "we" -> DayOfWeek.WEDNESDAY;
            case "th" -> DayOfWeek.THURSDAY;
            case "fr" -> DayOfWeek.FRIDAY;
            case "sa" -> DayOfWeek.SATURDAY;
            default -> DayOfWeek.SUNDAY;
        };
    }
}
