package io.voicecore.standins.stripe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Customers and card payment methods: {@code /v1/customers} and {@code /v1/payment_methods}. */
final class Customers {
    private static final Set<String> CREATE_PARAMS = Set.of("email", "name", "description", "phone", "metadata",
                                                            "payment_method", "invoice_settings");

    private final Store store;

    Customers(Store store) {
        this.store = store;
    }

    /** {@code POST /v1/customers}. */
    ObjectNode create(Params params, Call call) {
        params.refuseUnknown(CREATE_PARAMS);
        ObjectNode invoiceSettings = params.hash("invoice_settings");
        for (var names = invoiceSettings.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("default_payment_method")) {
                throw ApiError.invalid("Received unknown parameter: invoice_settings[" + name + "]. The Stripe stand-in"
                                       + " takes invoice_settings[default_payment_method] only.",
                                       "invoice_settings[" + name + "]", "parameter_unknown");
            }
        }
        // Every named payment method is checked before anything is made, so that a refused request leaves nothing.
        Optional<String> reference = params.text("payment_method");
        Optional<String> defaultReference = invoiceSettings.hasNonNull("default_payment_method")
                                            ? Optional.of(invoiceSettings.get("default_payment_method").asText())
                                            : Optional.empty();
        reference.ifPresent(named -> checkFree(named, "payment_method"));
        defaultReference.ifPresent(named -> checkFree(named, "invoice_settings[default_payment_method]"));

        String id = Ids.next("cus_");
        ObjectNode customer = Json.object();
        customer.put("id", id);
        customer.put("object", "customer");
        customer.putNull("address");
        customer.put("balance", 0);
        customer.put("created", call.created());
        customer.putNull("currency");
        customer.putNull("default_source");
        customer.put("delinquent", false);
        Json.putNullable(customer, "description", params.text("description").orElse(null));
        customer.putNull("discount");
        Json.putNullable(customer, "email", params.text("email").orElse(null));
        customer.put("invoice_prefix", Ids.random(8).toUpperCase(java.util.Locale.ROOT));
        ObjectNode settings = customer.putObject("invoice_settings");
        settings.putNull("custom_fields");
        settings.putNull("default_payment_method");
        settings.putNull("footer");
        settings.putNull("rendering_options");
        customer.put("livemode", false);
        customer.set("metadata", params.metadata());
        Json.putNullable(customer, "name", params.text("name").orElse(null));
        customer.put("next_invoice_sequence", 1);
        Json.putNullable(customer, "phone", params.text("phone").orElse(null));
        customer.putArray("preferred_locales");
        customer.putNull("shipping");
        customer.put("tax_exempt", "none");
        customer.putNull("test_clock");
        store.put(customer);

        // Naming the same payment method in both parameters makes the attached one the default.
        Optional<ObjectNode> attached = reference.map(named -> join(paymentMethod(named, "payment_method", call), id));
        defaultReference.ifPresent(named -> {
            ObjectNode method = attached.filter(a -> reference.get().equals(named))
                    .orElseGet(() -> paymentMethod(named, "invoice_settings[default_payment_method]", call));
            settings.put("default_payment_method", join(method, id).path("id").asText());
        });
        return customer.deepCopy();
    }

    /** {@code GET /v1/customers/{id}}. */
    ObjectNode retrieve(String id) {
        return store.require(id, "customer", "customer", "id", 404).deepCopy();
    }

    /** {@code GET /v1/payment_methods/{id}}: a test token answers a new payment method, as Stripe does. */
    ObjectNode retrievePaymentMethod(String id, Call call) {
        if (TestCard.forToken(id).isPresent()) {
            return paymentMethod(id, "payment_method", call).deepCopy();
        }
        return store.require(id, "payment_method", "PaymentMethod", "payment_method", 404).deepCopy();
    }

    /** {@code POST /v1/payment_methods/{id}/attach}: a test token becomes a new payment method of the customer. */
    ObjectNode attach(String id, Params params, Call call) {
        params.refuseUnknown(Set.of("customer"));
        String customer = params.requireText("customer");
        store.require(customer, "customer", "customer", "customer", 400);
        ObjectNode method = TestCard.forToken(id).isPresent()
                            ? paymentMethod(id, "payment_method", call)
                            : store.require(id, "payment_method", "PaymentMethod", "payment_method", 404);
        return join(method, customer).deepCopy();
    }

    /** Refuses a payment method id that does not exist or cannot be attached to a new customer. */
    private void checkFree(String reference, String param) {
        if (TestCard.forToken(reference).isEmpty()) {
            ObjectNode method = store.require(reference, "payment_method", "PaymentMethod", param, 400);
            refusal(method, null).ifPresent(refused -> {
                throw refused;
            });
        }
    }

    /** Attaches {@code method} to {@code customer}, refusing one that belongs to another or was used up. */
    private ObjectNode join(ObjectNode method, String customer) {
        refusal(method, customer).ifPresent(refused -> {
            throw refused;
        });
        method.put("customer", customer);
        return method;
    }

    private Optional<ApiError> refusal(ObjectNode method, String customer) {
        if (!method.path("customer").isNull() && !method.path("customer").asText().equals(customer)) {
            return Optional.of(ApiError.invalid("The payment method you provided has already been attached to a"
                                                + " customer.", null, "payment_method_already_attached"));
        }
        if (method.path("customer").isNull() && store.spent(method.path("id").asText())) {
            return Optional.of(ApiError.invalid("The provided PaymentMethod was previously used with a PaymentIntent"
                                                + " without Customer attachment, shared with a connected account"
                                                + " without Customer attachment, or was detached from a Customer. It"
                                                + " may not be used again. To use a PaymentMethod multiple times, you"
                                                + " must attach it to a Customer first.", null));
        }
        return Optional.empty();
    }

    /**
     * Resolves what a request names as a payment method: a test token makes a new one; an id must exist.
     *
     * @return the stored payment method (not a copy)
     */
    ObjectNode paymentMethod(String reference, String param, Call call) {
        Optional<TestCard> card = TestCard.forToken(reference);
        if (card.isPresent()) {
            return create(card.get(), call.created());
        }
        return store.require(reference, "payment_method", "PaymentMethod", param, 400);
    }

    private ObjectNode create(TestCard card, long created) {
        ObjectNode method = Json.object();
        method.put("id", Ids.next("pm_"));
        method.put("object", "payment_method");
        method.put("allow_redisplay", "unspecified");
        ObjectNode billing = method.putObject("billing_details");
        ObjectNode address = billing.putObject("address");
        for (String field : new String[] {"city", "country", "line1", "line2", "postal_code", "state"}) {
            address.putNull(field);
        }
        billing.putNull("email");
        billing.putNull("name");
        billing.putNull("phone");
        billing.putNull("tax_id");
        method.set("card", card(card, created));
        method.put("created", created);
        method.putNull("customer");
        method.put("livemode", false);
        method.putObject("metadata");
        method.put("type", "card");
        store.put(method);
        store.card(method.path("id").asText(), card);
        return method;
    }

    private static ObjectNode card(TestCard card, long created) {
        ObjectNode details = Json.object();
        details.put("brand", card.brand());
        ObjectNode checks = details.putObject("checks");
        checks.putNull("address_line1_check");
        checks.putNull("address_postal_code_check");
        checks.put("cvc_check", "pass");
        details.put("country", "US");
        details.put("display_brand", card.brand());
        details.put("exp_month", 12);
        details.put("exp_year", Instant.ofEpochSecond(created).atZone(ZoneOffset.UTC).getYear() + 3);
        details.put("fingerprint", fingerprint(card));
        details.put("funding", card.funding());
        details.putNull("generated_from");
        details.put("last4", card.last4());
        ObjectNode networks = details.putObject("networks");
        networks.putArray("available").add(card.brand());
        networks.putNull("preferred");
        details.put("regulated_status", "unregulated");
        details.putObject("three_d_secure_usage").put("supported", true);
        details.putNull("wallet");
        return details;
    }

    /** The same card always has the same fingerprint, as with Stripe. */
    private static String fingerprint(TestCard card) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(card.token().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
