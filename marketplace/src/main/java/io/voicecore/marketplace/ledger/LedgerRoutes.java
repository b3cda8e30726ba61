package io.voicecore.marketplace.ledger;

import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.publishers.Publisher;
import io.voicecore.marketplace.publishers.Publishers;

/**
 * The ledger over HTTP: its verification (platform admin); a publisher's balance, monthly statements and the entries
 * behind them (the publisher's key, or the platform admin); a publisher's revenue share (platform admin).
 */
public final class LedgerRoutes {
    static final String VERIFY = "/api/v1/marketplace/ledger/verify";
    static final String PUBLISHER = "/api/v1/marketplace/publishers/{publisher}";
    static final String BALANCE = PUBLISHER + "/balance";
    static final String STATEMENT = PUBLISHER + "/statements/{month}";
    static final String ENTRIES = PUBLISHER + "/ledger";
    static final String REVENUE_SHARE = PUBLISHER + "/revenue-share";
    static final String CSV = "text/csv";

    private final Ledger ledger;
    private final Publishers publishers;

    public LedgerRoutes(Ledger ledger, Publishers publishers) {
        this.ledger = ledger;
        this.publishers = publishers;
    }

    public void register(ApiRoutes api) {
        api.get(VERIFY, Access.AUTHENTICATED, request -> {
            Actors.requirePlatformAdmin(request.principal(), "verify the ledger");
            return ApiReply.ok(ledger.verify().view());
        });
        api.get(BALANCE, Access.AUTHENTICATED, request -> {
            Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
            return ApiReply.ok(ledger.balances(publisher.id()).view());
        });
        api.get(STATEMENT, Access.AUTHENTICATED, this::statement);
        api.get(ENTRIES, Access.AUTHENTICATED, this::entries);
        api.put(REVENUE_SHARE, Access.AUTHENTICATED, this::setShare);
    }

    private ApiReply statement(ApiRequest request) {
        Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
        String monthText = request.pathParam("month");
        YearMonth month;
        try {
            month = monthText.matches("\\d{4}-\\d{2}") ? YearMonth.parse(monthText) : null;
        } catch (DateTimeParseException e) {
            month = null;
        }
        if (month == null) {
            throw new ApiException.BadRequest("A statement is of a month written YYYY-MM, e.g. 2025-03, not '" + monthText + "'.");
        }
        boolean csv = wantsCsv(request);
        Statement statement = ledger.statement(publisher.id(), month);
        if (csv) {
            return ApiReply.bytes(200, CSV + "; charset=utf-8", statement.csv().getBytes(StandardCharsets.UTF_8))
                           .header("Content-Disposition", "attachment; filename=\"statement-" + publisher.slug() + "-" + month + ".csv\"");
        }
        return ApiReply.ok(statement.view());
    }

    /** {@code ?format=csv|json} decides; without it, an {@code Accept} naming {@code text/csv}. */
    private static boolean wantsCsv(ApiRequest request) {
        Optional<String> format = request.query("format");
        if (format.isPresent()) {
            return switch (format.get().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw new ApiException.BadRequest("Query parameter 'format' is csv or json, not '" + format.get() + "'.");
            };
        }
        return request.header("Accept").map(accept -> List.of(accept.toLowerCase(Locale.ROOT).split(",")).stream()
                .map(type -> type.split(";", 2)[0].strip()).anyMatch(CSV::equals)).orElse(false);
    }

    private ApiReply entries(ApiRequest request) {
        Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
        int limit = Cursor.limit(request);
        Optional<Long> before = request.query("cursor").map(token -> Cursor.decodeParts(token, 1, parts -> Long.parseLong(parts[0])));
        List<LedgerEntry> fetched = ledger.entries(publisher.id(), before, limit + 1);
        boolean more = fetched.size() > limit;
        List<LedgerEntry> items = more ? fetched.subList(0, limit) : fetched;
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items.stream().map(LedgerEntry::view).toList());
        page.put("next", more ? Cursor.encodeParts(Long.toString(items.getLast().id())) : null);
        return ApiReply.ok(page);
    }

    private ApiReply setShare(ApiRequest request) {
        Actors.requirePlatformAdmin(request.principal(), "set a publisher's revenue share");
        Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
        JsonNode body = request.json();
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("developerBps"));
        JsonNode bps = body.get("developerBps");
        boolean valid = bps != null && bps.isIntegralNumber() && bps.canConvertToInt() && bps.intValue() >= 0
                && bps.intValue() <= RevenueShare.WHOLE;
        if (!valid) {
            fields.reject("developerBps", "is required: the developer's share in basis points, a whole number from 0 to 10000"
                    + " (8500 = 85 %)");
        }
        fields.validate();
        RevenueShare share = ledger.setShare(publisher.id(), bps.intValue(), request.principal());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("publisher", publisher.id().toString());
        view.put("developerBps", share.developerBps());
        view.put("platformBps", share.platformBps());
        return ApiReply.ok(view);
    }
}
