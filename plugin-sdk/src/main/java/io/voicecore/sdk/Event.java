package io.voicecore.sdk;

import java.time.Instant;

import io.voicecore.sdk.json.Json;

/**
 * An event as delivered to a subscriber.
 *
 * @param id         unique id; a redelivery carries the same id
 * @param topic      the topic, e.g. {@code crm.contact.created}
 * @param tenantId   the tenant it belongs to
 * @param publisher  id of the plugin (or {@code kernel}) that published it
 * @param payload    the published JSON payload
 * @param occurredAt when it was published
 * @param attempt    1 for the first delivery, 2 for the first retry, and so on
 */
public record Event(String id, String topic, String tenantId, String publisher, Json payload, Instant occurredAt, int attempt) {
}
