package io.voicecore.marketplace.analytics;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A listing's install activity and rating, day by day (UTC) from {@code from} to {@code to}, both included.
 *
 * @param days one entry for every day of the period, in order
 */
public record AnalyticsReport(String pluginId, LocalDate from, LocalDate to, List<Day> days) {

    /**
     * One day.
     *
     * @param total         the listing's activity, all versions together
     * @param ratingCount   how many ratings had been written (or last edited) by the end of the day
     * @param ratingAverage their average stars to one decimal; 0 without ratings
     * @param versions      the activity of each version that had any that day, or tenants at its end
     */
    public record Day(LocalDate date, Activity total, long ratingCount, double ratingAverage, Map<String, Activity> versions) {
        public Day {
            versions = java.util.Collections.unmodifiableMap(new TreeMap<>(versions));
        }

        public Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("date", date.toString());
            view.putAll(total.view());
            view.put("rating", ratingView(ratingCount, ratingAverage));
            Map<String, Object> byVersion = new LinkedHashMap<>();
            versions.forEach((version, activity) -> byVersion.put(version, activity.view()));
            view.put("versions", byVersion);
            return view;
        }
    }

    public AnalyticsReport {
        days = List.copyOf(days);
    }

    /** The whole period: counts summed over its days; active tenants and rating as of its last day. */
    public Day totals() {
        Activity total = Activity.NONE;
        Map<String, Activity> versions = new TreeMap<>();
        for (Day day : days) {
            total = total.then(day.total());
            // A version with no tenant left and no activity on a day is absent from it: nobody is active on it then.
            versions.replaceAll((version, sum) -> sum.then(day.versions().getOrDefault(version, Activity.NONE)));
            day.versions().forEach((version, activity) -> versions.putIfAbsent(version, activity));
        }
        Day last = days.isEmpty() ? null : days.getLast();
        return new Day(to, total, last == null ? 0 : last.ratingCount(), last == null ? 0 : last.ratingAverage(), versions);
    }

    /** {@code {"listing", "from", "to", "days": [...], "totals": {...}}}. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("listing", pluginId);
        view.put("from", from.toString());
        view.put("to", to.toString());
        view.put("days", days.stream().map(Day::view).toList());
        Map<String, Object> totals = totals().view();
        totals.remove("date");
        view.put("totals", totals);
        return view;
    }

    private static Map<String, Object> ratingView(long count, double average) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("average", count == 0 ? null : average);
        view.put("count", count);
        return view;
    }
}
