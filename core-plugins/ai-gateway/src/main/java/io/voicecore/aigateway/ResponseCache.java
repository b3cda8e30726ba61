package io.voicecore.aigateway;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.voicecore.aigateway.api.Completion;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * Online answers kept in the plugin's table {@code response_cache} for the configured time, per tenant (row-level
 * security keeps tenants apart), keyed by {@link CacheKey}. A hit is answered as {@code cached} and costs no tokens.
 */
final class ResponseCache {
    private final Storage storage;

    /** @param storage the gateway's storage for the tenant's call */
    ResponseCache(Storage storage) {
        this.storage = storage;
    }

    /**
     * @param key a {@link CacheKey}
     * @param now the time; expired answers are not returned
     * @return the answer stored under the key, marked cached, with no tokens
     */
    Optional<Completion> find(String key, Instant now) {
        return storage.queryOne("SELECT answer FROM response_cache WHERE cache_key = ? AND expires_at > ?", key, now)
                .flatMap(row -> row.json("answer"))
                .map(answer -> new Completion(answer.get("text").asString(), answer.get("language").asString(),
                                              Completion.Source.valueOf(answer.get("source").asString()), answer.get("model").asString(),
                                              0, 0, true, Optional.empty()));
    }

    /**
     * Stores an answer, replacing an older one under the same key, and deletes the tenant's expired answers.
     *
     * @param key        a {@link CacheKey}
     * @param completion the provider's answer
     * @param now        the time
     * @param ttl        how long it may be reused, positive
     */
    void put(String key, Completion completion, Instant now, Duration ttl) {
        Instant created = now.truncatedTo(ChronoUnit.MICROS);
        Json answer = Json.object().put("text", completion.text()).put("language", completion.language())
                .put("source", completion.source().name()).put("model", completion.model()).build();
        storage.transaction(tx -> {
            tx.update("DELETE FROM response_cache WHERE expires_at <= ?", created);
            tx.update("INSERT INTO response_cache (tenant_id, cache_key, answer, created_at, expires_at) VALUES (?, ?, ?, ?, ?) "
                      + "ON CONFLICT (tenant_id, cache_key) DO UPDATE SET answer = excluded.answer, created_at = excluded.created_at, "
                      + "expires_at = excluded.expires_at", Storage.TENANT, key, answer, created, created.plus(ttl));
            return null;
        });
    }

    /** @return how many answers were deleted: every one of the tenant's */
    int clear() {
        return storage.update("DELETE FROM response_cache");
    }
}
