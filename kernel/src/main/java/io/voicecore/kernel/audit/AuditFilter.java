package io.voicecore.kernel.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiRequest;

/**
 * Which audit records a listing or export wants; an empty field does not filter.
 *
 * @param actionPrefix matches every action starting with it ({@code action=api-key.*} in a query)
 * @param from         inclusive lower bound of {@code occurred_at}
 * @param to           exclusive upper bound of {@code occurred_at}
 */
record AuditFilter(Optional<UUID> tenantId, Optional<String> actor, Optional<String> action, Optional<String> actionPrefix,
                   Optional<String> outcome, Optional<Instant> from, Optional<Instant> to) {
    static final List<String> OUTCOMES = List.of("success", "denied", "failed");

    /** Reads the filter query parameters; {@code tenant} is resolved by the caller, who knows the endpoint's scope. */
    static AuditFilter from(ApiRequest request, Optional<UUID> tenantId) {
        Optional<String> actionParam = request.query("action");
        Optional<String> prefix = actionParam.filter(a -> a.endsWith("*")).map(a -> a.substring(0, a.length() - 1));
        Optional<String> exact = actionParam.filter(a -> !a.endsWith("*"));
        if (prefix.isPresent() && prefix.get().contains("*")) {
            throw new ApiException.BadRequest("Query parameter 'action' may contain '*' only at its end, as in 'api-key.*'; got '"
                                              + actionParam.get() + "'.");
        }
        Optional<String> outcome = request.query("outcome");
        if (outcome.isPresent() && !OUTCOMES.contains(outcome.get())) {
            throw new ApiException.BadRequest("Query parameter 'outcome' must be one of " + OUTCOMES + ", not '" + outcome.get() + "'.");
        }
        Optional<Instant> from = instant(request, "from");
        Optional<Instant> to = instant(request, "to");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new ApiException.BadRequest("Query parameter 'from' (" + from.get() + ") must be before 'to' (" + to.get()
                                              + "); 'from' is inclusive and 'to' exclusive.");
        }
        return new AuditFilter(tenantId, request.query("actor"), exact, prefix, outcome, from, to);
    }

    private static Optional<Instant> instant(ApiRequest request, String name) {
        return request.query(name).map(text -> {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new ApiException.BadRequest("Query parameter '" + name + "' must be an ISO-8601 instant such as "
                                                  + "'2025-01-31T12:00:00Z', not '" + text + "'.");
            }
        });
    }
}
