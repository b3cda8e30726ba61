package io.voicecore.marketplace.ratings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.marketplace.publishers.Publisher;
import io.voicecore.marketplace.publishers.Publishers;
import io.voicecore.marketplace.web.PathIds;

/**
 * A tenant's rating of a listing ({@code /api/v1/tenants/{tenant}/marketplace/ratings/{listing}}, tenant admin), a
 * listing's ratings for anyone signed in, and the publisher's reply to one.
 */
public final class RatingRoutes {
    static final String OWN = "/api/v1/tenants/{tenant}/marketplace/ratings/{listing}";
    static final String OF_LISTING = "/api/v1/marketplace/listings/{listing}/ratings";
    static final String REPLY = "/api/v1/marketplace/publishers/{publisher}/ratings/{rating}/reply";

    private final Ratings ratings;
    private final Publishers publishers;
    private final TenantResolver tenants;

    public RatingRoutes(Ratings ratings, Publishers publishers, TenantResolver tenants) {
        this.ratings = ratings;
        this.publishers = publishers;
        this.tenants = tenants;
    }

    public void register(ApiRoutes api) {
        api.put(OWN, Access.AUTHENTICATED, this::put);
        api.get(OWN, Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
            String listing = request.pathParam("listing");
            return ApiReply.ok(ratings.own(tenant.id(), listing)
                                      .orElseThrow(() -> Ratings.ratingNotFound("of '" + listing + "' by this tenant")).view());
        });
        api.delete(OWN, Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
            ratings.delete(tenant.id(), request.pathParam("listing"), request.principal());
            return ApiReply.noContent();
        });
        api.get(OF_LISTING, Access.AUTHENTICATED, this::list);
        api.put(REPLY, Access.AUTHENTICATED, this::reply);
    }

    private ApiReply put(ApiRequest request) {
        Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
        JsonNode body = request.json();
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("stars", "text"));
        JsonNode starsNode = body.get("stars");
        int stars = starsNode != null && starsNode.isIntegralNumber() && starsNode.canConvertToInt() ? starsNode.intValue() : 0;
        if (stars < Ratings.MIN_STARS || stars > Ratings.MAX_STARS) {
            fields.reject("stars", "is required: a whole number from 1 to 5");
        }
        String text = text(body.get("text"), "text", fields, false);
        fields.validate();
        Ratings.Saved saved = ratings.put(tenant.id(), request.pathParam("listing"), stars, text, request.principal());
        return saved.created() ? ApiReply.created(saved.rating().view()) : ApiReply.ok(saved.rating().view());
    }

    private ApiReply list(ApiRequest request) {
        String listing = request.pathParam("listing");
        int limit = Cursor.limit(request);
        List<Rating> fetched = ratings.page(listing, Cursor.from(request), limit);
        Map<String, Object> page = Cursor.page(fetched, limit, Ratings::position, Rating::view);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.get("items"));
        body.put("summary", ratings.summary(listing).view());
        body.put("next", page.get("next"));
        return ApiReply.ok(body);
    }

    private ApiReply reply(ApiRequest request) {
        Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
        UUID ratingId = PathIds.uuid(request, "rating", "rating-not-found", "rating");
        JsonNode body = request.json();
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("text"));
        String text = text(body.get("text"), "text", fields, true);
        fields.validate();
        return ApiReply.ok(ratings.reply(publisher, ratingId, text, request.principal()).view());
    }

    /** A free text of at most {@value Ratings#MAX_TEXT_LENGTH} characters, stripped; empty when optional and absent. */
    private static String text(JsonNode node, String field, JsonFields fields, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                fields.reject(field, "is required");
            }
            return "";
        }
        if (!node.isTextual()) {
            fields.reject(field, "must be a string");
            return "";
        }
        String text = node.textValue().strip();
        if (required && text.isEmpty()) {
            fields.reject(field, "must not be blank");
        } else if (text.length() > Ratings.MAX_TEXT_LENGTH) {
            fields.reject(field, "must be at most " + Ratings.MAX_TEXT_LENGTH + " characters");
        }
        return text;
    }

}
