/**
 * The receptionist's service for phone calls, exported to other plugins: {@link io.voicecore.receptionist.api.Calls}
 * and the immutable records it takes and returns. Only JDK types appear here, so a consumer needs nothing but this
 * package.
 *
 * <p>A telephony plugin (the voice plugin) declares it in its {@code plugin.yaml} and obtains it per call:
 *
 * <pre>{@code
 * permissions:
 *   - {name: services, reason: Holds each call's conversation with the receptionist.}
 * services:
 *   requires:
 *     - {plugin: receptionist, version: ">=0.3.0 <1.0.0", service: io.voicecore.receptionist.api.Calls}
 *
 * Calls calls = context.services().require(Calls.class);
 * CallStarted call = calls.start("+34612345678", Optional.of("es"));
 * CallTurn turn = calls.turn(call.conversationId(), "Me llamo Lucía", 0.92);
 * CallEnded ended = calls.end(call.conversationId(), new CallEnding(CallOutcome.ANSWERED, Duration.ofSeconds(95), Optional.empty()));
 * }</pre>
 *
 * <p>The receptionist runs with its own permissions and data, and answers through the AI gateway: the tenant enables
 * plugins {@code ai-gateway} and {@code receptionist} (granting what they declare).
 */
package io.voicecore.receptionist.api;
