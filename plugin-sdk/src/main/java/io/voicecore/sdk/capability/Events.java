package io.voicecore.sdk.capability;

import io.voicecore.sdk.json.Json;

/**
 * Publishes events of topics listed in the manifest's {@code events.publishes}. Events go through a
 * transactional outbox: published inside {@link Storage#transaction}, they are sent only if it commits;
 * once committed they are delivered at least once to every subscribed plugin the tenant enabled.
 */
public interface Events {
    /**
     * @param topic   a declared topic, e.g. {@code crm.contact.created}
     * @param payload the event's JSON payload
     * @return the event's id
     */
    String publish(String topic, Json payload);
}
