package io.voicecore.standins.stripe;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Stripe Connect: connected accounts ({@code /v1/accounts}), transfers to them ({@code /v1/transfers}) and transfer
 * reversals ({@code /v1/transfers/{id}/reversals}). Accounts are created already onboarded (charges and payouts
 * enabled, every requested capability and {@code transfers} active); the platform's balance is not checked before
 * a transfer.
 */
final class Connect {
    private static final Set<String> ACCOUNT_PARAMS = Set.of("type", "country", "email", "business_type",
                                                             "capabilities", "metadata", "business_profile",
                                                             "default_currency");
    private static final Set<String> TRANSFER_PARAMS = Set.of("amount", "currency", "destination", "transfer_group",
                                                              "metadata", "description", "source_transaction");
    private static final Set<String> REVERSAL_PARAMS = Set.of("amount", "metadata", "description",
                                                              "refund_application_fee");
    private static final Map<String, String> CURRENCY_OF_COUNTRY = Map.ofEntries(
            Map.entry("US", "usd"), Map.entry("GB", "gbp"), Map.entry("CA", "cad"), Map.entry("AU", "aud"),
            Map.entry("CH", "chf"), Map.entry("JP", "jpy"), Map.entry("DE", "eur"), Map.entry("FR", "eur"),
            Map.entry("ES", "eur"), Map.entry("IT", "eur"), Map.entry("NL", "eur"), Map.entry("IE", "eur"),
            Map.entry("BE", "eur"), Map.entry("AT", "eur"), Map.entry("PT", "eur"), Map.entry("FI", "eur"));

    private final Store store;
    private final BalanceTransactions ledger;
    private final Events events;

    Connect(Store store, BalanceTransactions ledger, Events events) {
        this.store = store;
        this.ledger = ledger;
        this.events = events;
    }

    /** {@code POST /v1/accounts}. */
    ObjectNode createAccount(Params params, Call call) {
        params.refuseUnknown(ACCOUNT_PARAMS);
        String type = params.text("type").orElse("standard");
        if (!Set.of("custom", "express", "standard").contains(type)) {
            throw ApiError.invalid("Invalid type: must be one of custom, express, or standard", "type");
        }
        String country = params.text("country").orElse("US").toUpperCase(Locale.ROOT);
        Optional<String> businessType = params.text("business_type");
        businessType.ifPresent(value -> {
            if (!Set.of("company", "government_entity", "individual", "non_profit").contains(value)) {
                throw ApiError.invalid("Invalid business_type: must be one of company, government_entity, individual,"
                                       + " or non_profit", "business_type");
            }
        });
        ObjectNode capabilities = Json.object();
        for (Map.Entry<String, JsonNode> capability : params.hash("capabilities").properties()) {
            if (capability.getValue().path("requested").asText().equals("true")) {
                capabilities.put(capability.getKey(), "active");
            }
        }
        capabilities.put("transfers", "active");

        String id = Ids.next("acct_");
        ObjectNode account = Json.object();
        account.put("id", id);
        account.put("object", "account");
        ObjectNode profile = account.putObject("business_profile");
        ObjectNode sentProfile = params.hash("business_profile");
        for (String field : new String[] {"mcc", "name", "product_description", "support_email", "support_phone",
                                          "support_url", "url"}) {
            profile.set(field, sentProfile.hasNonNull(field) ? sentProfile.get(field) : Json.MAPPER.nullNode());
        }
        Json.putNullable(account, "business_type", businessType.orElse(null));
        account.set("capabilities", capabilities);
        account.put("charges_enabled", true);
        account.set("controller", controller(type));
        account.put("country", country);
        account.put("created", call.created());
        account.put("default_currency", params.text("default_currency").map(c -> c.toLowerCase(Locale.ROOT))
                .orElse(CURRENCY_OF_COUNTRY.getOrDefault(country, "usd")));
        account.put("details_submitted", true);
        Json.putNullable(account, "email", params.text("email").orElse(null));
        account.set("external_accounts", Json.list("/v1/accounts/" + id + "/external_accounts"));
        account.put("livemode", false);
        account.set("metadata", params.metadata());
        account.put("payouts_enabled", true);
        ObjectNode requirements = account.putObject("requirements");
        requirements.putArray("alternatives");
        requirements.putNull("current_deadline");
        requirements.putArray("currently_due");
        requirements.putNull("disabled_reason");
        requirements.putArray("errors");
        requirements.putArray("eventually_due");
        requirements.putArray("past_due");
        requirements.putArray("pending_verification");
        account.putObject("tos_acceptance").putNull("date");
        account.put("type", type);
        store.put(account);
        return account.deepCopy();
    }

    private static ObjectNode controller(String type) {
        ObjectNode controller = Json.object();
        controller.putObject("fees").put("payer", type.equals("standard") ? "account" : "application");
        controller.put("is_controller", true);
        controller.putObject("losses").put("payments", type.equals("standard") ? "stripe" : "application");
        controller.put("requirement_collection", type.equals("custom") ? "application" : "stripe");
        controller.putObject("stripe_dashboard").put("type", switch (type) {
            case "express" -> "express";
            case "custom" -> "none";
            default -> "full";
        });
        controller.put("type", "application");
        return controller;
    }

    /** {@code GET /v1/accounts/{id}}. */
    ObjectNode retrieveAccount(String id) {
        return store.require(id, "account", "account", "account", 404).deepCopy();
    }

    /** {@code POST /v1/transfers}. */
    ObjectNode createTransfer(Params params, Call call) {
        params.refuseUnknown(TRANSFER_PARAMS);
        long amount = params.positiveInteger("amount").orElseThrow(() -> Params.missing("amount"));
        String currency = params.text("currency").orElseThrow(() -> Params.missing("currency")).toLowerCase(Locale.ROOT);
        String destination = params.requireText("destination");
        store.require(destination, "account", "destination", "destination", 400);
        Optional<String> source = params.text("source_transaction");
        source.ifPresent(chargeId -> {
            ObjectNode charge = store.require(chargeId, "charge", "charge", "source_transaction", 400);
            if (!charge.path("status").asText().equals("succeeded")) {
                throw ApiError.invalid("The source_transaction " + chargeId + " did not succeed.", "source_transaction");
            }
            if (!charge.path("currency").asText().equals(currency)) {
                throw ApiError.invalid("The currency of source_transaction " + chargeId + " ("
                                       + charge.path("currency").asText() + ") must match the transfer's (" + currency
                                       + ").", "currency");
            }
        });

        String id = Ids.next("tr_");
        ObjectNode transaction = ledger.record(call, -amount, 0, null, currency, "transfer", "transfer", id, null);
        ObjectNode transfer = Json.object();
        transfer.put("id", id);
        transfer.put("object", "transfer");
        transfer.put("amount", amount);
        transfer.put("amount_reversed", 0);
        transfer.put("balance_transaction", transaction.path("id").asText());
        transfer.put("created", call.created());
        transfer.put("currency", currency);
        Json.putNullable(transfer, "description", params.text("description").orElse(null));
        transfer.put("destination", destination);
        transfer.put("destination_payment", Ids.next("py_"));
        transfer.put("livemode", false);
        transfer.set("metadata", params.metadata());
        transfer.set("reversals", Json.list("/v1/transfers/" + id + "/reversals"));
        transfer.put("reversed", false);
        Json.putNullable(transfer, "source_transaction", source.orElse(null));
        transfer.put("source_type", "card");
        Json.putNullable(transfer, "transfer_group", params.text("transfer_group").orElse(null));
        store.put(transfer);
        events.emit(call, "transfer.created", transfer, null);
        return transfer.deepCopy();
    }

    /** {@code GET /v1/transfers/{id}}. */
    ObjectNode retrieveTransfer(String id) {
        return store.require(id, "transfer", "transfer", "transfer", 404).deepCopy();
    }

    /** {@code POST /v1/transfers/{id}/reversals}: all that is left of the transfer, or {@code amount} of it. */
    ObjectNode reverse(String transferId, Params params, Call call) {
        params.refuseUnknown(REVERSAL_PARAMS);
        ObjectNode transfer = store.require(transferId, "transfer", "transfer", "id", 404);
        String currency = transfer.path("currency").asText();
        long reversed = transfer.path("amount_reversed").asLong();
        long left = transfer.path("amount").asLong() - reversed;
        if (left == 0) {
            throw ApiError.invalid("Transfer " + transferId + " has already been fully reversed.", null);
        }
        long amount = params.positiveInteger("amount").orElse(left);
        if (amount > left) {
            throw ApiError.invalid("Reversal amount (" + Money.format(amount, currency) + ") is greater than the amount"
                                   + " left on transfer " + transferId + " (" + Money.format(left, currency) + ")",
                                   "amount");
        }

        String id = Ids.next("trr_");
        ObjectNode transaction = ledger.record(call, amount, 0, null, currency, "transfer_refund", "transfer_reversal",
                                               id, null);
        ObjectNode reversal = Json.object();
        reversal.put("id", id);
        reversal.put("object", "transfer_reversal");
        reversal.put("amount", amount);
        reversal.put("balance_transaction", transaction.path("id").asText());
        reversal.put("created", call.created());
        reversal.put("currency", currency);
        reversal.put("destination_payment_refund", Ids.next("pyr_"));
        reversal.set("metadata", params.metadata());
        reversal.putNull("source_refund");
        reversal.put("transfer", transferId);
        store.put(reversal);

        ObjectNode previous = Json.object();
        previous.put("amount_reversed", reversed);
        previous.set("reversals", transfer.path("reversals").deepCopy());
        transfer.put("amount_reversed", reversed + amount);
        if (amount == left) {
            previous.put("reversed", false);
            transfer.put("reversed", true);
        }
        ObjectNode reversals = (ObjectNode) transfer.path("reversals");
        ArrayNode data = (ArrayNode) reversals.path("data");
        data.insert(0, reversal.deepCopy());
        reversals.put("total_count", data.size());
        events.emit(call, "transfer.reversed", transfer, previous);
        return reversal.deepCopy();
    }

    /** {@code GET /v1/transfers/{transfer}/reversals/{id}}. */
    ObjectNode retrieveReversal(String transferId, String id) {
        ObjectNode reversal = store.require(id, "transfer_reversal", "transfer_reversal", "id", 404);
        if (!reversal.path("transfer").asText().equals(transferId)) {
            throw ApiError.noSuch("transfer_reversal", id, "id", 404);
        }
        return reversal.deepCopy();
    }
}
