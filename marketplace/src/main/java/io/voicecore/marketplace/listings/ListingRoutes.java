package io.voicecore.marketplace.listings;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.marketplace.MarketplaceRefusal;

/** {@code /api/v1/marketplace/listings}: search and read listings, for any authenticated principal. */
public final class ListingRoutes {
    private final Listings listings;

    public ListingRoutes(Listings listings) {
        this.listings = listings;
    }

    public void register(ApiRoutes api) {
        api.get("/api/v1/marketplace/listings", Access.AUTHENTICATED, this::search);
        api.get("/api/v1/marketplace/listings/{listing}", Access.AUTHENTICATED, request -> ApiReply.ok(
                listings.get(request.pathParam("listing")).orElseThrow(() -> notFound(request.pathParam("listing"))).view()));
    }

    public static MarketplaceRefusal notFound(String id) {
        return MarketplaceRefusal.notFound("listing-not-found", "No listing '" + id + "' in the marketplace; search with"
                + " GET /api/v1/marketplace/listings?q=...");
    }

    private ApiReply search(ApiRequest request) {
        String sortText = request.query("sort").orElse("relevance");
        Listings.Sort sort;
        try {
            sort = Listings.Sort.valueOf(sortText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException.Validation("sort", "must be one of relevance, installs, rating");
        }
        int limit = request.query("limit").map(text -> {
            try {
                int value = Integer.parseInt(text);
                if (value >= 1 && value <= Listings.MAX_PAGE) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // refused below
            }
            throw new ApiException.Validation("limit", "must be a whole number from 1 to " + Listings.MAX_PAGE);
        }).orElse(20);
        Listings.Page page = listings.search(request.query("q"), request.query("category"), request.query("publisher"), sort,
                                             request.query("cursor").filter(c -> !c.isBlank()), limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(Listing::view).toList());
        body.put("next", page.next().orElse(null));
        return ApiReply.ok(body);
    }
}
