package io.voicecore.standins.stripe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One API request being answered: what events name as their cause, the time objects are created at, and the
 * events it caused, which are delivered once the answer is settled.
 *
 * @param requestId      the {@code Request-Id} the answer carries
 * @param idempotencyKey the request's {@code Idempotency-Key}, if any
 * @param created        now, in epoch seconds, the {@code created} of everything the request makes
 * @param emitted        the events it caused, oldest first
 */
record Call(String requestId, Optional<String> idempotencyKey, long created, List<ObjectNode> emitted) {
    Call(String requestId, Optional<String> idempotencyKey, long created) {
        this(requestId, idempotencyKey, created, new ArrayList<>());
    }
}
