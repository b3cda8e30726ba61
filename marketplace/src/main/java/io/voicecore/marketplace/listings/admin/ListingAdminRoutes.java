package io.voicecore.marketplace.listings.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.marketplace.publishers.Publisher;
import io.voicecore.marketplace.publishers.Publishers;

/**
 * {@code /api/v1/marketplace/publishers/{publisher}/listings/{listing}}: the publisher's own listing, its category,
 * description and plans, and yanking its versions.
 */
public final class ListingAdminRoutes {
    static final String LISTING = "/api/v1/marketplace/publishers/{publisher}/listings/{listing}";
    static final String YANK = LISTING + "/versions/{version}/yank";

    private final ListingAdmin listings;
    private final Publishers publishers;

    public ListingAdminRoutes(ListingAdmin listings, Publishers publishers) {
        this.listings = listings;
        this.publishers = publishers;
    }

    public void register(ApiRoutes api) {
        api.put(LISTING, Access.AUTHENTICATED, this::update);
        api.post(LISTING + "/plans", Access.AUTHENTICATED, request -> {
            Publisher publisher = publisher(request);
            JsonNode body = request.json();
            JsonFields fields = JsonFields.of(body);
            Optional<Plan> plan = PlanInput.read(body, "plan", fields);
            fields.validate();
            ListingSettings listing = listings.addPlan(publisher, request.pathParam("listing"), plan.orElseThrow(), request.principal());
            return ApiReply.created(listing.plans().stream().filter(p -> p.id().equals(plan.get().id())).findFirst().orElseThrow().view());
        });
        api.post(YANK, Access.AUTHENTICATED, this::yank);
        api.delete(YANK, Access.AUTHENTICATED, request -> ApiReply.ok(listings.unyank(publisher(request), request.pathParam("listing"),
                request.pathParam("version"), request.principal()).view()));
    }

    private Publisher publisher(ApiRequest request) {
        return publishers.actingAs(request.pathParam("publisher"), request.principal());
    }

    private ApiReply update(ApiRequest request) {
        Publisher publisher = publisher(request);
        JsonNode body = request.json();
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("category", "description", "plans"));
        Optional<Category> category = Optional.ofNullable(fields.requiredString("category")).flatMap(text -> {
            Optional<Category> known = Category.fromWire(text);
            if (known.isEmpty()) {
                fields.reject("category", "must be one of " + Category.wireNames() + ", not \"" + text + "\"");
            }
            return known;
        });
        Optional<String> description = description(body.get("description"), fields);
        List<Plan> plans = plans(body.get("plans"), fields);
        fields.validate();
        return ApiReply.ok(listings.update(publisher, request.pathParam("listing"), category.orElseThrow(), description, plans,
                                           request.principal()).view());
    }

    private static Optional<String> description(JsonNode node, JsonFields fields) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            fields.reject("description", "must be a non-blank string; leave it out to keep the current description");
            return Optional.empty();
        }
        String text = node.textValue().strip();
        if (text.length() > ListingAdmin.MAX_DESCRIPTION_LENGTH) {
            fields.reject("description", "must be at most " + ListingAdmin.MAX_DESCRIPTION_LENGTH + " characters");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    private static List<Plan> plans(JsonNode node, JsonFields fields) {
        if (node == null || node.isNull()) {
            fields.reject("plans", "is required: at least one plan");
            return List.of();
        }
        if (!node.isArray() || node.isEmpty() || node.size() > ListingAdmin.MAX_PLANS) {
            fields.reject("plans", "must be an array of 1 to " + ListingAdmin.MAX_PLANS + " plans");
            return List.of();
        }
        List<Plan> plans = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "plans[" + i + "]";
            JsonNode id = node.get(i).get("id");
            if (id != null && id.isTextual() && Plan.ID.matcher(id.textValue()).matches() && !ids.add(id.textValue())) {
                fields.reject(at + ".id", "'" + id.textValue() + "' is named twice");
            }
            PlanInput.read(node.get(i), at, fields).ifPresent(plans::add);
        }
        return plans;
    }

    private ApiReply yank(ApiRequest request) {
        Publisher publisher = publisher(request);
        JsonFields fields = request.jsonObject().allowOnly(Set.of("reason"));
        String reason = fields.requiredString("reason");
        if (reason != null && reason.length() > ListingAdmin.MAX_YANK_REASON_LENGTH) {
            fields.reject("reason", "must be at most " + ListingAdmin.MAX_YANK_REASON_LENGTH + " characters");
        }
        fields.validate();
        return ApiReply.ok(listings.yank(publisher, request.pathParam("listing"), request.pathParam("version"), reason,
                                         request.principal()).view());
    }
}
