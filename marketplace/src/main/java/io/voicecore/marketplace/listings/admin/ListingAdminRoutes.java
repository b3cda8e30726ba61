package io.voicecore.marketplace.listings.admin;

import java.util.ArrayList;
import java.util.Iterator;
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
            JsonNode plan = node.get(i);
            if (!plan.isObject()) {
                fields.reject(at, "must be an object with id, kind and, for a trial, trialDays");
                continue;
            }
            boolean valid = unknownFields(plan, at, fields);
            JsonNode idNode = plan.get("id");
            String id = idNode != null && idNode.isTextual() ? idNode.textValue() : null;
            if (id == null || !Plan.ID.matcher(id).matches()) {
                fields.reject(at + ".id", "must be 1-40 of a-z, 0-9 and '-'");
                valid = false;
            } else if (!ids.add(id)) {
                fields.reject(at + ".id", "'" + id + "' is named twice");
                valid = false;
            }
            JsonNode kindNode = plan.get("kind");
            Optional<Plan.Kind> kind = kindNode != null && kindNode.isTextual() ? Plan.Kind.fromWire(kindNode.textValue()) : Optional.empty();
            if (kind.isEmpty()) {
                fields.reject(at + ".kind", "must be one of [free, trial, granted]");
                valid = false;
            }
            Integer trialDays = wholeNumber(plan.get("trialDays"));
            if (kind.orElse(null) == Plan.Kind.TRIAL && (trialDays == null || trialDays < 1 || trialDays > Plan.MAX_TRIAL_DAYS)) {
                fields.reject(at + ".trialDays", "a trial needs trialDays, a whole number from 1 to " + Plan.MAX_TRIAL_DAYS);
                valid = false;
            } else if (kind.isPresent() && kind.get() != Plan.Kind.TRIAL && plan.has("trialDays") && !plan.get("trialDays").isNull()) {
                fields.reject(at + ".trialDays", "only a trial has trialDays");
                valid = false;
            }
            Integer seats = wholeNumber(plan.get("seats"));
            if (plan.has("seats") && !plan.get("seats").isNull() && (seats == null || seats < 0)) {
                fields.reject(at + ".seats", "must be a whole number from 0; leave it out for no limit");
                valid = false;
            }
            if (valid) {
                plans.add(new Plan(id, kind.get(), trialDays, seats));
            }
        }
        return plans;
    }

    private static boolean unknownFields(JsonNode plan, String at, JsonFields fields) {
        boolean valid = true;
        for (Iterator<String> names = plan.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("id", "kind", "trialDays", "seats").contains(name)) {
                fields.reject(at + "." + name, "unknown field; expected one of [id, kind, seats, trialDays]");
                valid = false;
            }
        }
        return valid;
    }

    private static Integer wholeNumber(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToInt() ? node.intValue() : null;
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
