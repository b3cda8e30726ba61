package io.voicecore.marketplace.resellers;

import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.marketplace.Actors;
import io.voicecore.marketplace.commerce.Payouts;
import io.voicecore.marketplace.commerce.ResalePrices;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.RevenueShare;

/**
 * A reseller's money over HTTP: its wholesale discount (platform admin), retail prices per bundle, payout account,
 * balance, monthly statements per sub-tenant and the portal's revenue view.
 */
public final class ResellerMoneyRoutes {
    private static final String BASE = ResellerRoutes.BASE + "/{reseller}";
    private static final String CSV = "text/csv";

    private final Resellers resellers;
    private final ResalePrices prices;
    private final Payouts payouts;
    private final Ledger ledger;
    private final ResellerMoney money;

    public ResellerMoneyRoutes(Resellers resellers, ResalePrices prices, Payouts payouts, Ledger ledger, ResellerMoney money) {
        this.resellers = resellers;
        this.prices = prices;
        this.payouts = payouts;
        this.ledger = ledger;
        this.money = money;
    }

    public void register(ApiRoutes api) {
        api.put(BASE + "/wholesale-discount", Access.AUTHENTICATED, this::setDiscount);
        api.get(BASE + "/wholesale-discount", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            return ApiReply.ok(Map.of("reseller", reseller.id().toString(), "bps", prices.discount(reseller.id())));
        });
        api.put(BASE + "/bundles/{bundle}/prices", Access.AUTHENTICATED, this::setPrices);
        api.get(BASE + "/bundles/{bundle}/prices", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            return ApiReply.ok(prices.prices(reseller.id(), prices.bundle(reseller.id(), request.pathParam("bundle"))));
        });
        api.post(BASE + "/payout-account", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            byte[] raw = request.body();
            JsonNode json = raw.length == 0 ? null : Json.parse(raw);
            Optional<String> email = Optional.empty();
            if (json != null) {
                JsonFields body = JsonFields.of(json).allowOnly(Set.of("email"));
                email = body.optionalString("email");
                body.validate();
            }
            return ApiReply.created(payouts.connectReseller(reseller.id(), email, request.principal()));
        });
        api.get(BASE + "/balance", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            return ApiReply.ok(ledger.resellerBalances(reseller.id()).view());
        });
        api.get(BASE + "/statements/{month}", Access.AUTHENTICATED, this::statement);
        api.get(BASE + "/revenue", Access.AUTHENTICATED, request -> {
            Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
            String text = request.query("month").orElseThrow(() -> new ApiException.BadRequest(
                    "The revenue view is of a month: add ?month=YYYY-MM, e.g. ?month=2026-03."));
            return ApiReply.ok(money.revenue(reseller.id(), month(text)));
        });
    }

    private ApiReply setDiscount(ApiRequest request) {
        Actors.requirePlatformAdmin(request.principal(), "set a reseller's wholesale discount");
        Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("bps"));
        JsonNode bps = json.get("bps");
        boolean valid = bps != null && bps.isIntegralNumber() && bps.canConvertToInt() && bps.intValue() >= 0 && bps.intValue() <= RevenueShare.WHOLE;
        if (!valid) {
            body.reject("bps", "is required: the discount off plans' prices in basis points, a whole number from 0 to 10000 (2000 = 20 %)");
        }
        body.validate();
        return ApiReply.ok(prices.setDiscount(reseller.id(), bps.intValue(), request.principal()));
    }

    private ApiReply setPrices(ApiRequest request) {
        Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
        UUID bundle = prices.bundle(reseller.id(), request.pathParam("bundle"));
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("prices"));
        JsonNode items = json.get("prices");
        List<ResalePrices.Retail> retail = new ArrayList<>();
        if (items == null || !items.isArray() || items.size() > 500) {
            body.reject("prices", "is required: a list of at most 500 {\"listing\", \"plan\", \"amount\", \"currency\"}");
        } else {
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                String at = "prices[" + i + "]";
                if (!item.isObject()) {
                    body.reject(at, "must be an object {\"listing\", \"plan\", \"amount\", \"currency\"}");
                    continue;
                }
                boolean ok = true;
                for (String field : List.of("listing", "plan", "currency")) {
                    if (!item.path(field).isTextual() || item.path(field).asText().isBlank()) {
                        body.reject(at + "." + field, "is required: a string");
                        ok = false;
                    }
                }
                JsonNode amount = item.get("amount");
                if (amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong() || amount.longValue() < 1) {
                    body.reject(at + ".amount", "is required: the retail price in minor units, a whole number from 1");
                    ok = false;
                }
                item.fieldNames().forEachRemaining(name -> {
                    if (!Set.of("listing", "plan", "amount", "currency").contains(name)) {
                        body.reject(at + "." + name, "is not a field of a price");
                    }
                });
                if (ok) {
                    retail.add(new ResalePrices.Retail(item.get("listing").asText(), item.get("plan").asText(), amount.longValue(),
                                                       item.get("currency").asText()));
                }
            }
        }
        body.validate();
        return ApiReply.ok(prices.setRetail(reseller.id(), bundle, retail, request.principal()));
    }

    private ApiReply statement(ApiRequest request) {
        Reseller reseller = resellers.actingAs(request.pathParam("reseller"), request.principal());
        YearMonth month = month(request.pathParam("month"));
        String format = request.query("format").orElse("json").toLowerCase(Locale.ROOT);
        return switch (format) {
            case "csv" -> ApiReply.bytes(200, CSV + "; charset=utf-8", money.csv(reseller.id(), month).getBytes(StandardCharsets.UTF_8))
                                  .header("Content-Disposition", "attachment; filename=\"reseller-statement-" + reseller.slug() + "-" + month + ".csv\"");
            case "json" -> ApiReply.ok(money.statement(reseller.id(), month));
            default -> throw new ApiException.BadRequest("Query parameter 'format' is csv or json, not '" + format + "'.");
        };
    }

    private static YearMonth month(String text) {
        try {
            if (text.matches("\\d{4}-\\d{2}")) {
                return YearMonth.parse(text);
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw new ApiException.BadRequest("A month is written YYYY-MM, e.g. 2026-03, not '" + text + "'.");
    }
}
