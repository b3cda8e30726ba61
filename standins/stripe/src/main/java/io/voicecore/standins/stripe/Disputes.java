package io.voicecore.standins.stripe;

import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Disputes, opened by the stand-in's script ({@code POST /standin/disputes}) or by the test card
 * {@code pm_card_createDispute}: a {@code dp_…} dispute in {@code needs_response}, the disputed amount and Stripe's
 * 15.00 dispute fee taken from the balance, and {@code charge.dispute.created}. {@code GET /v1/disputes/{id}}.
 */
final class Disputes {
    static final Set<String> REASONS = Set.of(
            "bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated",
            "debit_not_authorized", "duplicate", "fraudulent", "general", "incorrect_account_details",
            "insufficient_funds", "product_not_received", "product_unacceptable", "subscription_canceled",
            "unrecognized");
    private static final long RESPONSE_WINDOW_SECONDS = 7 * 24 * 60 * 60;
    private static final String[] EVIDENCE = {
        "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure",
        "cancellation_rebuttal", "customer_communication", "customer_email_address", "customer_name",
        "customer_purchase_ip", "customer_signature", "duplicate_charge_documentation",
        "duplicate_charge_explanation", "duplicate_charge_id", "product_description", "receipt", "refund_policy",
        "refund_policy_disclosure", "refund_refusal_explanation", "service_date", "service_documentation",
        "shipping_address", "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
        "uncategorized_file", "uncategorized_text"};

    private final Store store;
    private final BalanceTransactions ledger;
    private final Events events;

    Disputes(Store store, BalanceTransactions ledger, Events events) {
        this.store = store;
        this.ledger = ledger;
        this.events = events;
    }

    /**
     * Disputes what is left unrefunded of a successful charge.
     *
     * @return the stored dispute (not a copy)
     */
    ObjectNode open(String chargeId, String reason, Call call) {
        ObjectNode charge = store.require(chargeId, "charge", "charge", "charge", 404);
        if (!REASONS.contains(reason)) {
            throw ApiError.invalid("Invalid reason: must be one of " + String.join(", ", new java.util.TreeSet<>(REASONS)),
                                   "reason");
        }
        if (!charge.path("status").asText().equals("succeeded")) {
            throw ApiError.invalid("Charge " + chargeId + " did not succeed, so it cannot be disputed.", "charge");
        }
        if (charge.path("disputed").asBoolean()) {
            throw ApiError.invalid("Charge " + chargeId + " is already disputed.", "charge");
        }
        long amount = charge.path("amount").asLong() - charge.path("amount_refunded").asLong();
        if (amount <= 0) {
            throw ApiError.invalid("Charge " + chargeId + " is fully refunded, so it cannot be disputed.", "charge");
        }
        String currency = charge.path("currency").asText();
        String id = Ids.next("dp_");
        ObjectNode transaction = ledger.record(call, -amount, Money.DISPUTE_FEE, "Dispute fee", currency, "adjustment",
                                               "dispute", id, "Chargeback withdrawal for " + chargeId);
        ObjectNode dispute = Json.object();
        dispute.put("id", id);
        dispute.put("object", "dispute");
        dispute.put("amount", amount);
        dispute.putArray("balance_transactions").add(transaction.deepCopy());
        dispute.put("charge", chargeId);
        dispute.put("created", call.created());
        dispute.put("currency", currency);
        dispute.putArray("enhanced_eligibility_types");
        ObjectNode evidence = dispute.putObject("evidence");
        for (String field : EVIDENCE) {
            evidence.putNull(field);
        }
        ObjectNode evidenceDetails = dispute.putObject("evidence_details");
        evidenceDetails.put("due_by", call.created() + RESPONSE_WINDOW_SECONDS);
        evidenceDetails.put("has_evidence", false);
        evidenceDetails.put("past_due", false);
        evidenceDetails.put("submission_count", 0);
        dispute.put("is_charge_refundable", false);
        dispute.put("livemode", false);
        dispute.putObject("metadata");
        dispute.set("payment_intent", charge.path("payment_intent").deepCopy());
        ObjectNode details = dispute.putObject("payment_method_details");
        ObjectNode card = details.putObject("card");
        card.set("brand", charge.path("payment_method_details").path("card").path("brand").deepCopy());
        card.put("case_type", "chargeback");
        card.put("network_reason_code", reason.equals("fraudulent") ? "10.4" : "13.1");
        details.put("type", "card");
        dispute.put("reason", reason);
        dispute.put("status", "needs_response");
        store.put(dispute);
        charge.put("disputed", true);
        events.emit(call, "charge.dispute.created", dispute, null);
        return dispute;
    }

    /** {@code GET /v1/disputes/{id}}. */
    ObjectNode retrieve(String id) {
        return store.require(id, "dispute", "dispute", "dispute", 404).deepCopy();
    }
}
