package io.voicecore.standins.stripe;

import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Refunds of a successful charge, named by the charge or its payment intent, in full or in part, never beyond what
 * is left unrefunded: {@code POST /v1/refunds}, {@code GET /v1/refunds/{id}}. The card fee is not given back,
 * as with Stripe.
 */
final class Refunds {
    private static final Set<String> CREATE_PARAMS = Set.of("charge", "payment_intent", "amount", "reason", "metadata");
    private static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

    private final Store store;
    private final BalanceTransactions ledger;
    private final Events events;

    Refunds(Store store, BalanceTransactions ledger, Events events) {
        this.store = store;
        this.ledger = ledger;
        this.events = events;
    }

    /** {@code POST /v1/refunds}. */
    ObjectNode create(Params params, Call call) {
        params.refuseUnknown(CREATE_PARAMS);
        Optional<String> chargeId = params.text("charge");
        Optional<String> intentId = params.text("payment_intent");
        if (chargeId.isEmpty() && intentId.isEmpty()) {
            throw ApiError.invalid("One of the following params should be provided for this request: payment_intent or"
                                   + " charge.", null, "parameter_missing");
        }
        ObjectNode charge;
        if (chargeId.isPresent()) {
            charge = store.require(chargeId.get(), "charge", "charge", "charge", 400);
            if (intentId.isPresent() && !intentId.get().equals(charge.path("payment_intent").asText())) {
                throw ApiError.invalid("The charge " + chargeId.get() + " does not belong to the PaymentIntent "
                                       + intentId.get() + ".", "charge");
            }
        } else {
            ObjectNode intent = store.require(intentId.get(), "payment_intent", "payment_intent", "payment_intent", 400);
            if (!intent.path("status").asText().equals("succeeded")) {
                throw ApiError.invalid("This PaymentIntent does not have a successful charge to refund.",
                                       "payment_intent");
            }
            charge = store.require(intent.path("latest_charge").asText(), "charge", "charge", "payment_intent", 400);
        }
        String id = charge.path("id").asText();
        if (!charge.path("status").asText().equals("succeeded")) {
            throw ApiError.invalid("Charge " + id + " did not succeed, so there is nothing to refund.", "charge");
        }
        if (charge.path("disputed").asBoolean()) {
            throw ApiError.invalid("Charge " + id + " has been charged back; cannot issue a refund.", null,
                                   "charge_disputed");
        }
        String currency = charge.path("currency").asText();
        long refunded = charge.path("amount_refunded").asLong();
        long left = charge.path("amount").asLong() - refunded;
        if (left == 0) {
            throw ApiError.invalid("Charge " + id + " has already been refunded.", null, "charge_already_refunded");
        }
        long amount = params.positiveInteger("amount").orElse(left);
        if (amount > left) {
            throw ApiError.invalid("Refund amount (" + Money.format(amount, currency) + ") is greater than unrefunded"
                                   + " amount on charge (" + Money.format(left, currency) + ")", "amount");
        }
        Optional<String> reason = params.text("reason");
        reason.ifPresent(value -> {
            if (!REASONS.contains(value)) {
                throw ApiError.invalid("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
                                       "reason");
            }
        });

        String refundId = Ids.next("re_");
        ObjectNode transaction = ledger.record(call, -amount, 0, null, currency, "refund", "refund", refundId,
                                               "REFUND FOR CHARGE");
        ObjectNode refund = Json.object();
        refund.put("id", refundId);
        refund.put("object", "refund");
        refund.put("amount", amount);
        refund.put("balance_transaction", transaction.path("id").asText());
        refund.put("charge", id);
        refund.put("created", call.created());
        refund.put("currency", currency);
        refund.set("metadata", params.metadata());
        refund.set("payment_intent", charge.path("payment_intent").deepCopy());
        Json.putNullable(refund, "reason", reason.orElse(null));
        refund.putNull("receipt_number");
        refund.putNull("source_transfer_reversal");
        refund.put("status", "succeeded");
        refund.putNull("transfer_reversal");
        store.put(refund);

        ObjectNode previous = Json.object();
        previous.put("amount_refunded", refunded);
        charge.put("amount_refunded", refunded + amount);
        if (amount == left) {
            previous.put("refunded", false);
            charge.put("refunded", true);
        }
        events.emit(call, "charge.refunded", charge, previous);
        return refund.deepCopy();
    }

    /** {@code GET /v1/refunds/{id}}. */
    ObjectNode retrieve(String id) {
        return store.require(id, "refund", "refund", "refund", 404).deepCopy();
    }
}
