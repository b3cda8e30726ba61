package io.voicecore.standins.stripe;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Payment intents and the charges they make: {@code /v1/payment_intents} (create, retrieve, confirm) and
 * {@code GET /v1/charges/{id}}. Confirming charges the payment method at once (automatic capture): the test card
 * decides whether it succeeds (a charge with a balance transaction carrying Stripe's card fee) or is declined (a
 * failed charge and a 402 {@code card_error} naming the payment intent).
 */
final class PaymentIntents {
    private static final Set<String> CREATE_PARAMS = Set.of(
            "amount", "currency", "customer", "payment_method", "confirm", "off_session", "metadata", "transfer_group",
            "description", "receipt_email", "statement_descriptor", "statement_descriptor_suffix",
            "payment_method_types", "capture_method", "confirmation_method", "setup_future_usage",
            "automatic_payment_methods");
    private static final Set<String> CONFIRM_PARAMS = Set.of("payment_method", "off_session", "setup_future_usage");

    private final Store store;
    private final Customers customers;
    private final BalanceTransactions ledger;
    private final Disputes disputes;
    private final Events events;

    PaymentIntents(Store store, Customers customers, BalanceTransactions ledger, Disputes disputes, Events events) {
        this.store = store;
        this.customers = customers;
        this.ledger = ledger;
        this.disputes = disputes;
        this.events = events;
    }

    /** {@code POST /v1/payment_intents}. */
    ObjectNode create(Params params, Call call) {
        params.refuseUnknown(CREATE_PARAMS);
        long amount = params.positiveInteger("amount").orElseThrow(() -> Params.missing("amount"));
        String currency = params.text("currency").orElseThrow(() -> Params.missing("currency")).toLowerCase(Locale.ROOT);
        if (!currency.matches("[a-z]{3}")) {
            throw ApiError.invalid("Invalid currency: " + currency + ". Use a three-letter ISO currency code such as"
                                   + " usd or eur.", "currency");
        }
        checkAmount(amount, currency);
        Optional<String> customer = params.text("customer");
        customer.ifPresent(id -> store.require(id, "customer", "customer", "customer", 400));
        boolean confirm = params.bool("confirm").orElse(false);
        if (params.has("off_session")) {
            String offSession = params.requireText("off_session");
            if (!Set.of("true", "false", "one_off", "recurring").contains(offSession)) {
                throw ApiError.invalid("Invalid off_session: must be a boolean, one_off or recurring", "off_session");
            }
            if (!confirm) {
                throw ApiError.invalid("off_session can only be passed when confirm=true.", "off_session");
            }
        }
        for (String type : params.list("payment_method_types")) {
            if (!type.equals("card")) {
                throw ApiError.invalid("The payment method type \"" + type + "\" is not implemented by the Stripe"
                                       + " stand-in: it takes card payments only.", "payment_method_types");
            }
        }
        params.text("capture_method").ifPresent(method -> {
            if (!method.equals("automatic") && !method.equals("automatic_async")) {
                throw ApiError.invalid("capture_method=" + method + " is not implemented by the Stripe stand-in: it"
                                       + " captures every payment at once.", "capture_method");
            }
        });
        Optional<String> futureUsage = futureUsage(params, customer);
        Optional<ObjectNode> method = params.text("payment_method")
                .map(reference -> usable(customers.paymentMethod(reference, "payment_method", call), customer));
        if (confirm && method.isEmpty()) {
            throw ApiError.invalid("You cannot confirm this PaymentIntent because it's missing a payment method. To"
                                   + " confirm it, pass payment_method (a pm_… id or a test token such as"
                                   + " pm_card_visa).", "payment_method", "payment_intent_unexpected_state");
        }

        String id = Ids.next("pi_");
        ObjectNode intent = Json.object();
        intent.put("id", id);
        intent.put("object", "payment_intent");
        intent.put("amount", amount);
        intent.put("amount_capturable", 0);
        intent.put("amount_received", 0);
        intent.putNull("application");
        intent.putNull("application_fee_amount");
        intent.putNull("canceled_at");
        intent.putNull("cancellation_reason");
        intent.put("capture_method", params.text("capture_method").orElse("automatic_async"));
        intent.put("client_secret", id + "_secret_" + Ids.random(25));
        intent.put("confirmation_method", params.text("confirmation_method").orElse("automatic"));
        intent.put("created", call.created());
        intent.put("currency", currency);
        Json.putNullable(intent, "customer", customer.orElse(null));
        Json.putNullable(intent, "description", params.text("description").orElse(null));
        intent.putNull("last_payment_error");
        intent.putNull("latest_charge");
        intent.put("livemode", false);
        intent.set("metadata", params.metadata());
        intent.putNull("next_action");
        intent.putNull("on_behalf_of");
        Json.putNullable(intent, "payment_method", method.map(m -> m.path("id").asText()).orElse(null));
        intent.putArray("payment_method_types").add("card");
        intent.putNull("processing");
        Json.putNullable(intent, "receipt_email", params.text("receipt_email").orElse(null));
        intent.putNull("review");
        Json.putNullable(intent, "setup_future_usage", futureUsage.orElse(null));
        intent.putNull("shipping");
        intent.putNull("source");
        Json.putNullable(intent, "statement_descriptor", params.text("statement_descriptor").orElse(null));
        Json.putNullable(intent, "statement_descriptor_suffix",
                         params.text("statement_descriptor_suffix").orElse(null));
        intent.put("status", method.isPresent() ? "requires_confirmation" : "requires_payment_method");
        intent.putNull("transfer_data");
        Json.putNullable(intent, "transfer_group", params.text("transfer_group").orElse(null));
        store.put(intent);
        if (confirm) {
            pay(intent, method.orElseThrow(), call);
        }
        return intent.deepCopy();
    }

    /** {@code GET /v1/payment_intents/{id}}. */
    ObjectNode retrieve(String id) {
        return store.require(id, "payment_intent", "payment_intent", "intent", 404).deepCopy();
    }

    /** {@code POST /v1/payment_intents/{id}/confirm}: pays, e.g. again with another card after a decline. */
    ObjectNode confirm(String id, Params params, Call call) {
        params.refuseUnknown(CONFIRM_PARAMS);
        ObjectNode intent = store.require(id, "payment_intent", "payment_intent", "intent", 404);
        String status = intent.path("status").asText();
        if (status.equals("succeeded")) {
            throw ApiError.invalid("You cannot confirm this PaymentIntent because it has already succeeded after being"
                                   + " previously confirmed.", null, "payment_intent_unexpected_state");
        }
        if (!status.equals("requires_payment_method") && !status.equals("requires_confirmation")) {
            throw ApiError.invalid("This PaymentIntent's status is " + status + ", but it must be requires_payment_method"
                                   + " or requires_confirmation to be confirmed.", null,
                                   "payment_intent_unexpected_state");
        }
        Optional<String> customer = intent.path("customer").isNull() ? Optional.empty()
                                                                      : Optional.of(intent.path("customer").asText());
        Optional<String> futureUsage = futureUsage(params, customer);
        Optional<String> reference = params.text("payment_method")
                .or(() -> intent.path("payment_method").isNull() ? Optional.empty()
                                                                 : Optional.of(intent.path("payment_method").asText()));
        ObjectNode method = usable(customers.paymentMethod(reference.orElseThrow(
                () -> ApiError.invalid("You cannot confirm this PaymentIntent because it's missing a payment method."
                                       + " Pass payment_method.", "payment_method", "payment_intent_unexpected_state")),
                "payment_method", call), customer);
        futureUsage.ifPresent(usage -> intent.put("setup_future_usage", usage));
        intent.put("payment_method", method.path("id").asText());
        pay(intent, method, call);
        return intent.deepCopy();
    }

    /** {@code GET /v1/charges/{id}}. */
    ObjectNode retrieveCharge(String id) {
        return store.require(id, "charge", "charge", "id", 404).deepCopy();
    }

    private static void checkAmount(long amount, String currency) {
        long minimum = Money.minimumCharge(currency);
        if (amount < minimum) {
            throw ApiError.invalid("Amount must be at least " + Money.format(minimum, currency) + " " + currency, "amount",
                                   "amount_too_small");
        }
        if (amount > Money.MAX_AMOUNT) {
            throw ApiError.invalid("Amount must be no more than " + Money.format(Money.MAX_AMOUNT, currency), "amount",
                                   "amount_too_large");
        }
    }

    private static Optional<String> futureUsage(Params params, Optional<String> customer) {
        Optional<String> usage = params.text("setup_future_usage");
        usage.ifPresent(value -> {
            if (!value.equals("on_session") && !value.equals("off_session")) {
                throw ApiError.invalid("Invalid setup_future_usage: must be one of on_session or off_session",
                                       "setup_future_usage");
            }
            if (customer.isEmpty()) {
                throw ApiError.invalid("setup_future_usage needs a customer to attach the payment method to: pass"
                                       + " customer.", "setup_future_usage");
            }
        });
        return usage;
    }

    /** Refuses a payment method that belongs to another customer, or one without a customer that already paid. */
    private ObjectNode usable(ObjectNode method, Optional<String> customer) {
        String owner = method.path("customer").isNull() ? null : method.path("customer").asText();
        if (owner != null && customer.isEmpty()) {
            throw ApiError.invalid("The provided PaymentMethod belongs to a Customer, but you did not provide the"
                                   + " Customer. Please provide the Customer ID in the `customer` parameter.",
                                   "payment_method");
        }
        if (owner != null && !owner.equals(customer.get())) {
            throw ApiError.invalid("The provided PaymentMethod belongs to another Customer (" + owner + "), not to "
                                   + customer.get() + ".", "payment_method");
        }
        if (owner == null && store.spent(method.path("id").asText())) {
            throw ApiError.invalid("The provided PaymentMethod was previously used with a PaymentIntent without"
                                   + " Customer attachment, shared with a connected account without Customer"
                                   + " attachment, or was detached from a Customer. It may not be used again. To use"
                                   + " a PaymentMethod multiple times, you must attach it to a Customer first.",
                                   "payment_method");
        }
        return method;
    }

    /** Charges {@code method} for {@code intent} (both stored, changed in place); a decline throws the 402. */
    private void pay(ObjectNode intent, ObjectNode method, Call call) {
        String methodId = method.path("id").asText();
        TestCard card = store.card(methodId);
        long amount = intent.path("amount").asLong();
        String currency = intent.path("currency").asText();
        ObjectNode charge = charge(intent, method, card, call);
        intent.put("latest_charge", charge.path("id").asText());

        Optional<TestCard.Decline> decline = card.decline();
        if (decline.isPresent()) {
            charge.put("failure_code", decline.get().code());
            charge.put("failure_message", decline.get().message());
            charge.set("outcome", outcome(decline));
            charge.put("status", "failed");
            ApiError declined = ApiError.card(decline.get()).with("charge", charge.path("id"))
                    .with("payment_method", method.deepCopy());
            intent.set("last_payment_error", declined.error());
            intent.putNull("payment_method");
            intent.put("status", "requires_payment_method");
            events.emit(call, "payment_intent.payment_failed", intent, null);
            throw declined.with("payment_intent", intent.deepCopy());
        }

        ObjectNode transaction = ledger.record(call, amount, Money.cardFee(amount), "Stripe processing fees", currency,
                                               "charge", "charge", charge.path("id").asText(), null);
        charge.put("amount_captured", amount);
        charge.put("balance_transaction", transaction.path("id").asText());
        charge.put("captured", true);
        charge.put("paid", true);
        ((ObjectNode) charge.path("payment_method_details").path("card")).put("amount_authorized", amount);
        charge.put("status", "succeeded");
        intent.put("amount_received", amount);
        intent.putNull("last_payment_error");
        intent.put("status", "succeeded");
        if (method.path("customer").isNull()) {
            if (intent.hasNonNull("setup_future_usage")) {
                method.put("customer", intent.path("customer").asText());
            } else {
                store.spend(methodId);
            }
        }
        events.emit(call, "payment_intent.succeeded", intent, null);
        if (card.disputed()) {
            disputes.open(charge.path("id").asText(), "fraudulent", call);
        }
    }

    private ObjectNode charge(ObjectNode intent, ObjectNode method, TestCard card, Call call) {
        ObjectNode charge = Json.object();
        charge.put("id", Ids.next("ch_"));
        charge.put("object", "charge");
        charge.put("amount", intent.path("amount").asLong());
        charge.put("amount_captured", 0);
        charge.put("amount_refunded", 0);
        charge.putNull("application");
        charge.putNull("application_fee");
        charge.putNull("application_fee_amount");
        charge.putNull("balance_transaction");
        charge.set("billing_details", method.path("billing_details").deepCopy());
        charge.put("calculated_statement_descriptor", "STRIPE STAND-IN");
        charge.put("captured", false);
        charge.put("created", call.created());
        charge.put("currency", intent.path("currency").asText());
        charge.set("customer", intent.path("customer").deepCopy());
        charge.set("description", intent.path("description").deepCopy());
        charge.putNull("destination");
        charge.put("disputed", false);
        charge.putNull("failure_balance_transaction");
        charge.putNull("failure_code");
        charge.putNull("failure_message");
        charge.putObject("fraud_details");
        charge.put("livemode", false);
        charge.set("metadata", intent.path("metadata").deepCopy());
        charge.putNull("on_behalf_of");
        charge.set("outcome", outcome(Optional.empty()));
        charge.put("paid", false);
        charge.put("payment_intent", intent.path("id").asText());
        charge.put("payment_method", method.path("id").asText());
        ObjectNode details = charge.putObject("payment_method_details");
        ObjectNode cardDetails = details.putObject("card");
        ObjectNode fromMethod = (ObjectNode) method.path("card");
        cardDetails.put("amount_authorized", 0);
        for (String field : new String[] {"brand", "checks", "country", "exp_month", "exp_year", "fingerprint",
                                          "funding"}) {
            cardDetails.set(field, fromMethod.path(field).deepCopy());
        }
        cardDetails.putNull("installments");
        cardDetails.put("last4", card.last4());
        cardDetails.putNull("mandate");
        cardDetails.put("network", card.brand());
        cardDetails.putNull("three_d_secure");
        cardDetails.putNull("wallet");
        details.put("type", "card");
        charge.set("receipt_email", intent.path("receipt_email").deepCopy());
        charge.putNull("receipt_number");
        charge.putNull("receipt_url");
        charge.put("refunded", false);
        charge.putNull("review");
        charge.putNull("shipping");
        charge.putNull("source_transfer");
        charge.set("statement_descriptor", intent.path("statement_descriptor").deepCopy());
        charge.set("statement_descriptor_suffix", intent.path("statement_descriptor_suffix").deepCopy());
        charge.put("status", "pending");
        charge.putNull("transfer_data");
        charge.set("transfer_group", intent.path("transfer_group").deepCopy());
        return store.put(charge);
    }

    private static ObjectNode outcome(Optional<TestCard.Decline> decline) {
        ObjectNode outcome = Json.object();
        outcome.putNull("advice_code");
        outcome.putNull("network_advice_code");
        outcome.putNull("network_decline_code");
        outcome.put("network_status", decline.isPresent() ? "declined_by_network" : "approved_by_network");
        Json.putNullable(outcome, "reason", decline.map(TestCard.Decline::declineCode).orElse(null));
        outcome.put("risk_level", "normal");
        outcome.put("risk_score", 20);
        outcome.put("seller_message", decline.map(TestCard.Decline::sellerMessage).orElse("Payment complete."));
        outcome.put("type", decline.isPresent() ? "issuer_declined" : "authorized");
        return outcome;
    }
}
