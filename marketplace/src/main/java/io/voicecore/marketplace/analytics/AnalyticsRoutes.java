package io.voicecore.marketplace.analytics;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.marketplace.publishers.Publisher;
import io.voicecore.marketplace.publishers.Publishers;

/**
 * {@code GET /api/v1/marketplace/publishers/{publisher}/analytics?listing=&from=&to=}: the publisher (or the platform
 * admin) reads a listing's activity; the last 30 days up to today (UTC) unless told otherwise.
 */
public final class AnalyticsRoutes {
    static final String PATH = "/api/v1/marketplace/publishers/{publisher}/analytics";
    static final int DEFAULT_DAYS = 30;

    private final PublisherAnalytics analytics;
    private final Publishers publishers;
    private final Clock clock;

    public AnalyticsRoutes(PublisherAnalytics analytics, Publishers publishers, Clock clock) {
        this.analytics = analytics;
        this.publishers = publishers;
        this.clock = clock;
    }

    public void register(ApiRoutes api) {
        api.get(PATH, Access.AUTHENTICATED, this::report);
    }

    private ApiReply report(ApiRequest request) {
        Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
        String listing = request.query("listing").orElseThrow(() -> new ApiException.BadRequest(
                "Query parameter 'listing' is required: the plugin id of one of the publisher's listings."));
        Optional<LocalDate> from = date(request, "from");
        LocalDate to = date(request, "to").orElseGet(() -> from.map(f -> f.plusDays(DEFAULT_DAYS - 1))
                .filter(end -> end.isBefore(today())).orElse(today()));
        LocalDate start = from.orElse(to.minusDays(DEFAULT_DAYS - 1));
        if (to.isBefore(start)) {
            throw new ApiException.BadRequest("Query parameter 'to' (" + to + ") is before 'from' (" + start + ").");
        }
        if (ChronoUnit.DAYS.between(start, to) + 1 > PublisherAnalytics.MAX_DAYS) {
            throw new ApiException.BadRequest("A report covers at most " + PublisherAnalytics.MAX_DAYS + " days; " + start + " to " + to
                    + " is " + (ChronoUnit.DAYS.between(start, to) + 1) + ". Ask for a shorter period.");
        }
        return ApiReply.ok(analytics.report(publisher, listing, start, to).view());
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static Optional<LocalDate> date(ApiRequest request, String name) {
        return request.query(name).map(text -> {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw new ApiException.BadRequest("Query parameter '" + name + "' must be a date as YYYY-MM-DD, not '" + text + "'.");
            }
        });
    }
}
