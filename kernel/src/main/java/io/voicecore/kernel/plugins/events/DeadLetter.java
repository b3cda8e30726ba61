package io.voicecore.kernel.plugins.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery that failed {@link EventDispatcher.Settings#maxAttempts()} times and is no longer retried
 * until an administrator replays it.
 *
 * @param eventId       the event
 * @param subscriber    the plugin it could not be delivered to
 * @param tenantId      the tenant both belong to
 * @param topic         the event's topic
 * @param publisher     who published it (a plugin id or {@code kernel})
 * @param attempts      attempts made
 * @param lastError     the last failure, credentials masked, at most 500 characters
 * @param lastAttemptAt when the last attempt began
 * @param occurredAt    when the event was published
 * @param payload       the event's JSON payload as published
 */
public record DeadLetter(UUID eventId, String subscriber, UUID tenantId, String topic, String publisher, int attempts,
                         String lastError, Instant lastAttemptAt, Instant occurredAt, String payload) {
}
