package io.voicecore.marketplace.commerce;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.storage.Database;

/**
 * How a charge's row of {@code marketplace.purchases} ends, whatever made it (a purchase, a renewal, a seat change): paid
 * (or nothing to pay now), or declined, each with the answer a repeat of its request gets. Only a pending row ends, so
 * an outcome is written once.
 */
final class ChargeRows {
    private ChargeRows() {
    }

    /**
     * The row is paid ({@code succeeded}) or, with nothing charged, {@code deferred}; its answer is kept as written.
     *
     * @param charged Stripe's charge, empty when nothing was charged
     */
    static void paid(DbExecute tx, UUID id, Optional<StripePayments.Charged> charged, boolean deferred, UUID licenceId, Object answer,
                     Instant now) {
        tx.dml("UPDATE marketplace.purchases SET state = ?, payment_intent = ?, charge = ?, fee = ?, licence_id = ?, "
               + "answer_status = 201, answer = ?::json, completed_at = ? WHERE id = ? AND state = 'pending'",
               deferred ? "deferred" : "succeeded", charged.map(StripePayments.Charged::paymentIntentId).orElse(null),
               charged.map(StripePayments.Charged::chargeId).orElse(null), charged.map(StripePayments.Charged::fee).orElse(null),
               licenceId, Json.writeString(answer), Database.timestamp(now), id);
    }

    /** The card was declined: the row keeps the 402 problem a repeat answers. */
    static void declined(DbExecute tx, UUID id, Map<String, Object> problem, Instant now) {
        tx.dml("UPDATE marketplace.purchases SET state = 'declined', answer_status = 402, answer = ?::json, completed_at = ? "
               + "WHERE id = ? AND state = 'pending'", Json.writeString(problem), Database.timestamp(now), id);
    }

    /** The 402 problem of a declined charge. */
    static Map<String, Object> declinedProblem(String code, UUID purchaseId, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:voicecore:problem:payment-declined");
        problem.put("title", "Payment declined");
        problem.put("status", 402);
        problem.put("detail", detail);
        problem.put("declineCode", code);
        problem.put("purchase", purchaseId.toString());
        return problem;
    }
}
