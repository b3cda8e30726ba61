package io.voicecore.marketplace.analytics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.MarketplaceRefusal;
import io.voicecore.marketplace.publishers.Publisher;

/**
 * A publisher's view of how a listing is used: installs, upgrades, uninstalls and active tenants per day and per
 * version, from the install history ({@code marketplace.install_events}), and the rating as it stood each day. Days are
 * UTC days. The whole period is one query, whatever its length.
 */
public final class PublisherAnalytics {
    /** The longest period one report covers, in days. */
    public static final int MAX_DAYS = 366;

    /*
     * Each install event holds from when it occurred until the tenant's next event (superseded_at). A day counts the
     * events that occurred in it, and the tenants whose latest event by the day's end is an install, on that version.
     * An install after another install (no uninstall between) is an upgrade. GROUPING SETS gives every day its total
     * (all_versions = 1) besides its rows per version.
     */
    private static final String REPORT = """
            WITH days AS (
                SELECT d::date AS day, d AT TIME ZONE 'UTC' AS starts, (d + interval '1 day') AT TIME ZONE 'UTC' AS ends
                FROM generate_series(?::date::timestamp, ?::date::timestamp, interval '1 day') AS d
            ), events AS (
                SELECT version, kind, occurred_at,
                       lag(kind) OVER tenant_history AS previous_kind,
                       lead(occurred_at) OVER tenant_history AS superseded_at
                FROM marketplace.install_events
                WHERE plugin_id = ? AND occurred_at < (?::date + 1)::timestamp AT TIME ZONE 'UTC'
                WINDOW tenant_history AS (PARTITION BY tenant_id ORDER BY occurred_at, id)
            ), activity AS (
                SELECT days.day, e.version, GROUPING(e.version) AS all_versions,
                       count(*) FILTER (WHERE e.kind = 'install' AND e.occurred_at >= days.starts
                                        AND e.previous_kind IS DISTINCT FROM 'install') AS installs,
                       count(*) FILTER (WHERE e.kind = 'install' AND e.occurred_at >= days.starts
                                        AND e.previous_kind = 'install') AS upgrades,
                       count(*) FILTER (WHERE e.kind = 'uninstall' AND e.occurred_at >= days.starts) AS uninstalls,
                       count(*) FILTER (WHERE e.kind = 'install'
                                        AND (e.superseded_at IS NULL OR e.superseded_at >= days.ends)) AS active_tenants
                FROM days LEFT JOIN events e
                     ON e.occurred_at < days.ends AND (e.superseded_at IS NULL OR e.superseded_at >= days.starts)
                GROUP BY GROUPING SETS ((days.day), (days.day, e.version))
            ), rated AS (
                SELECT days.day, count(r.id) AS rating_count, round(avg(r.stars), 1) AS rating_average
                FROM days LEFT JOIN marketplace.ratings r ON r.plugin_id = ? AND r.updated_at < days.ends
                GROUP BY days.day
            )
            SELECT to_char(a.day, 'YYYY-MM-DD') AS day, a.version, a.all_versions, a.installs, a.upgrades, a.uninstalls,
                   a.active_tenants, rated.rating_count, rated.rating_average
            FROM activity a JOIN rated ON rated.day = a.day
            WHERE a.all_versions = 1 OR a.version IS NOT NULL
            ORDER BY a.day, a.all_versions DESC, a.version
            """;

    private final Database database;

    public PublisherAnalytics(Database database) {
        this.database = database;
    }

    /**
     * The report of one of the publisher's listings from {@code from} to {@code to}, both included.
     *
     * @throws IllegalArgumentException when {@code to} is before {@code from} or the period is longer than {@value #MAX_DAYS} days
     * @throws MarketplaceRefusal       {@code listing-not-found} (404) when the publisher does not own the listing
     */
    public AnalyticsReport report(Publisher publisher, String pluginId, LocalDate from, LocalDate to) {
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("a report covers 1 to " + MAX_DAYS + " days, not " + from + " to " + to);
        }
        List<DbRow> rows = database.inPlatform(tx -> {
            if (tx.get("SELECT 1 FROM marketplace.listings WHERE plugin_id = ? AND publisher_id = ?", pluginId, publisher.id()).isEmpty()) {
                throw MarketplaceRefusal.notFound("listing-not-found", "No listing '" + pluginId + "' of publisher '" + publisher.slug()
                        + "'; analytics cover the publisher's own listings, named by plugin id.");
            }
            return Database.list(tx, row -> row, REPORT, from.toString(), to.toString(), pluginId, to.toString(), pluginId);
        });
        List<AnalyticsReport.Day> report = new ArrayList<>();
        Map<String, Activity> versions = new LinkedHashMap<>();
        DbRow total = null;
        for (DbRow row : rows) {
            if (number(row, "all_versions").intValue() == 1) {
                if (total != null) {
                    report.add(day(total, versions));
                }
                total = row;
                versions = new LinkedHashMap<>();
            } else {
                versions.put(Database.text(row, "version"), activity(row));
            }
        }
        if (total != null) {
            report.add(day(total, versions));
        }
        return new AnalyticsReport(pluginId, from, to, report);
    }

    private static AnalyticsReport.Day day(DbRow total, Map<String, Activity> versions) {
        return new AnalyticsReport.Day(LocalDate.parse(Database.text(total, "day")), activity(total),
                                       number(total, "rating_count").longValue(), number(total, "rating_average").doubleValue(), versions);
    }

    private static Activity activity(DbRow row) {
        return new Activity(number(row, "installs").longValue(), number(row, "upgrades").longValue(),
                            number(row, "uninstalls").longValue(), number(row, "active_tenants").longValue());
    }

    private static Number number(DbRow row, String column) {
        return row.column(column).asOptional().map(value -> (Number) value).orElse(BigDecimal.ZERO);
    }
}
