package io.voicecore.marketplace.commerce;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.http.JsonFields;
import io.voicecore.kernel.tenancy.Tenant;
import io.voicecore.kernel.tenancy.TenantResolver;
import io.voicecore.marketplace.publishers.Publishers;
import io.voicecore.marketplace.web.PathIds;

/** Purchases and refunds for tenants, payouts for publishers and the platform admin, and Stripe's webhook. */
public final class CommerceRoutes {
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final Pattern PAYMENT_METHOD = Pattern.compile("pm_[A-Za-z0-9_]{1,250}");

    private final Purchases purchases;
    private final Subscriptions subscriptions;
    private final Refunds refunds;
    private final Payouts payouts;
    private final StripeWebhooks webhooks;
    private final Publishers publishers;
    private final TenantResolver tenants;

    public CommerceRoutes(Purchases purchases, Subscriptions subscriptions, Refunds refunds, Payouts payouts, StripeWebhooks webhooks,
                          Publishers publishers, TenantResolver tenants) {
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.refunds = refunds;
        this.payouts = payouts;
        this.webhooks = webhooks;
        this.publishers = publishers;
        this.tenants = tenants;
    }

    public void register(ApiRoutes api) {
        api.post("/api/v1/tenants/{tenant}/marketplace/purchases", Access.AUTHENTICATED, this::purchase);
        api.get("/api/v1/tenants/{tenant}/marketplace/purchases/{purchase}", Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request);
            return ApiReply.ok(purchases.read(tenant.id(), PathIds.uuid(request, "purchase", "purchase-not-found", "purchase")));
        });
        api.post("/api/v1/tenants/{tenant}/marketplace/purchases/{purchase}/refund", Access.AUTHENTICATED, this::refund);
        api.get("/api/v1/tenants/{tenant}/marketplace/subscriptions", Access.AUTHENTICATED, request ->
                ApiReply.ok(Map.of("items", subscriptions.list(tenants.resolve(request).id()))));
        api.get("/api/v1/tenants/{tenant}/marketplace/subscriptions/{subscription}", Access.AUTHENTICATED, request ->
                ApiReply.ok(subscriptions.read(tenants.resolve(request).id(), subscriptionId(request)).view()));
        api.post("/api/v1/tenants/{tenant}/marketplace/subscriptions/{subscription}/seats", Access.AUTHENTICATED, this::changeSeats);
        api.post("/api/v1/tenants/{tenant}/marketplace/subscriptions/{subscription}/payment-method", Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
            JsonFields body = JsonFields.of(request.json()).allowOnly(Set.of("paymentMethod"));
            String method = body.requiredString("paymentMethod", PAYMENT_METHOD, "must be a Stripe payment method id (pm_...)");
            body.validate();
            return ApiReply.ok(subscriptions.changePaymentMethod(tenant.id(), subscriptionId(request), method, request.principal()));
        });
        api.post("/api/v1/tenants/{tenant}/marketplace/subscriptions/{subscription}/cancel", Access.AUTHENTICATED, request -> {
            Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
            return ApiReply.ok(subscriptions.cancel(tenant.id(), subscriptionId(request), request.principal()));
        });
        api.post("/api/v1/marketplace/subscriptions/renew", Access.AUTHENTICATED, request -> ApiReply.ok(subscriptions.renewNow(request.principal())));
        api.post("/api/v1/marketplace/publishers/{publisher}/payout-account", Access.AUTHENTICATED, request -> ApiReply.created(
                payouts.connect(publishers.actingAs(request.pathParam("publisher"), request.principal()), request.principal())));
        api.post("/api/v1/marketplace/payouts/run", Access.AUTHENTICATED, request -> ApiReply.ok(payouts.run(request.principal())));
        api.post("/api/v1/marketplace/stripe/webhook", Access.PUBLIC, request -> {
            boolean fresh = webhooks.receive(new String(request.body(), StandardCharsets.UTF_8), request.header("Stripe-Signature"));
            return ApiReply.ok(Map.of("received", true, "duplicate", !fresh));
        });
    }

    private ApiReply purchase(ApiRequest request) {
        Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
        String key = idempotencyKey(request);
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("listing", "plan", "paymentMethod", "grantedPermissions", "seats"));
        String listing = body.requiredString("listing");
        String plan = body.requiredString("plan");
        String paymentMethod = body.requiredString("paymentMethod", PAYMENT_METHOD, "must be a Stripe payment method id (pm_...)");
        Set<String> granted = new LinkedHashSet<>();
        JsonNode grants = json.get("grantedPermissions");
        if (grants == null || !grants.isArray()) {
            body.reject("grantedPermissions", "is required: the permissions of the plugin you consent to, [] for none");
        } else {
            grants.forEach(g -> {
                if (g.isTextual()) {
                    granted.add(g.asText());
                } else {
                    body.reject("grantedPermissions", "must be an array of permission names");
                }
            });
        }
        Optional<Integer> seats = Optional.ofNullable(json.get("seats")).filter(n -> !n.isNull()).map(n -> {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                body.reject("seats", "must be a whole number");
                return 0;
            }
            return n.intValue();
        });
        body.validate();
        Purchases.Answer answer = purchases.purchase(tenant.id(), key,
                new Purchases.Request(listing, plan, paymentMethod, granted, seats), request.principal());
        String type = answer.status() >= 400 ? "application/problem+json" : "application/json";
        return ApiReply.bytes(answer.status(), type, Json.write(answer.body()));
    }

    private ApiReply changeSeats(ApiRequest request) {
        Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
        String key = idempotencyKey(request);
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("seats"));
        JsonNode seats = json.get("seats");
        if (seats == null || !seats.isIntegralNumber() || !seats.canConvertToInt()) {
            body.reject("seats", "is required: the whole number of seats from now on");
        }
        body.validate();
        Subscriptions.SeatChange change = subscriptions.changeSeats(tenant.id(), subscriptionId(request), seats.intValue(), key,
                                                                    request.principal());
        return ApiReply.bytes(change.status(), change.status() >= 400 ? "application/problem+json" : "application/json",
                              Json.write(change.body()));
    }

    private static UUID subscriptionId(ApiRequest request) {
        return PathIds.uuid(request, "subscription", "subscription-not-found", "subscription");
    }

    private ApiReply refund(ApiRequest request) {
        Tenant tenant = tenants.resolve(request, Role.TENANT_ADMIN);
        String key = idempotencyKey(request);
        JsonNode json = request.json();
        JsonFields body = JsonFields.of(json).allowOnly(Set.of("amount"));
        Optional<Long> amount = Optional.ofNullable(json.get("amount")).filter(n -> !n.isNull()).map(n -> {
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 1) {
                body.reject("amount", "must be a whole number of minor units from 1; leave it out to refund all that is left");
                return 0L;
            }
            return n.longValue();
        });
        body.validate();
        return ApiReply.ok(refunds.refund(tenant.id(), PathIds.uuid(request, "purchase", "purchase-not-found", "purchase"), amount, key, request.principal()));
    }

    private static String idempotencyKey(ApiRequest request) {
        String key = request.header("Idempotency-Key").orElseThrow(() -> new ApiException.BadRequest("A request that moves money"
                + " needs an 'Idempotency-Key' header (e.g. a UUID): repeating it with the same key never moves the money twice."));
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new ApiException.BadRequest("The Idempotency-Key must be 1-255 printable ASCII characters without spaces.");
        }
        return key;
    }
}
