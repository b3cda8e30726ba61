package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.RedisSharedState;
import io.voicecore.kernel.state.SharedState;
import io.voicecore.kernel.testing.RedisTestServer;

/**
 * Each node keeps a local bucket of tokens it took from the shared budget, so the limit across nodes holds within a
 * tolerance: never more than the limit admitted in a window, and at most {@code nodes × (chunk − 1)} refused before it.
 */
class RateLimiterAcrossNodesTest {
    /** The middle of a window, so a test's requests all fall in one. */
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:30Z"), ZoneOffset.UTC);

    @Property(tries = 200)
    void nodesTogetherAdmitNoMoreThanTheLimitAndStrandAtMostAChunkEach(
            @ForAll @IntRange(min = 1, max = 2_000) int limit,
            @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 4) Integer> nodeOfEachRequest) {
        try (SharedState shared = new InProcessSharedState(FIXED)) {
            List<RateLimiter> nodes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                nodes.add(new RateLimiter(shared, limit, 60, FIXED));
            }
            // Many more requests than the limit, so every node runs dry: the requests cycle through the given order.
            int requests = 3 * limit + 10;
            int admitted = 0;
            for (int i = 0; i < requests; i++) {
                if (admits(nodes.get(nodeOfEachRequest.get(i % nodeOfEachRequest.size())), "key")) {
                    admitted++;
                }
            }
            int usedNodes = (int) nodeOfEachRequest.stream().distinct().count();
            int chunk = nodes.get(0).chunk();
            assertTrue(admitted <= limit, admitted + " admitted with a limit of " + limit);
            assertTrue(admitted >= limit - usedNodes * (chunk - 1), admitted + " admitted with a limit of " + limit
                       + ", " + usedNodes + " nodes and chunks of " + chunk);
        }
    }

    @Test
    void withOneNodeTheLimitIsExact() {
        try (SharedState shared = new InProcessSharedState(FIXED)) {
            RateLimiter node = new RateLimiter(shared, 600, 60, FIXED);
            for (int i = 0; i < 600; i++) {
                node.check("key");
            }
            assertThrows(ApiException.TooManyRequests.class, () -> node.check("key"));
        }
    }

    @Test
    void threeNodesOnRealRedisShareOneBudgetAndAskItOncePerChunk() {
        int limit = 600;
        try (RedisTestServer redis = RedisTestServer.start()) {
            List<SharedState> states = List.of(new RedisSharedState(redis.url(), "rl:"), new RedisSharedState(redis.url(), "rl:"),
                                               new RedisSharedState(redis.url(), "rl:"));
            try {
                List<RateLimiter> nodes = states.stream().map(state -> new RateLimiter(state, limit, 60, FIXED)).toList();
                long evalsBefore = scriptCalls(redis);
                int admitted = 0;
                for (int i = 0; i < 2 * limit; i++) {
                    if (admits(nodes.get(i % 3), "shared-key")) {
                        admitted++;
                    }
                }
                int chunk = nodes.get(0).chunk();
                assertTrue(admitted <= limit && admitted >= limit - 3 * (chunk - 1),
                           admitted + " admitted across three nodes with a limit of " + limit + " and chunks of " + chunk);
                // Each node took its tokens in chunks: the budget in Redis says what all of them took together.
                String taken = states.get(0).get("ratelimit:shared-key:" + FIXED.millis() / 1000 / 60).orElseThrow();
                assertEquals(limit, Long.parseLong(taken), "the nodes took the whole budget, no more");
                assertEquals(12, chunk, "a fiftieth of the limit per round trip");
                // 1,200 requests cost 50 calls that took a chunk each, and one per node that found the budget spent: a
                // budget never grows back within its window, so the node refuses the rest without asking again.
                long calls = scriptCalls(redis) - evalsBefore;
                assertEquals(limit / chunk + 3, calls, "one Redis call per chunk, none per refused request");
            } finally {
                states.forEach(SharedState::close);
            }
        }
    }

    /** How many Lua scripts the server ran so far. */
    private static long scriptCalls(RedisTestServer redis) {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            String stats = jedis.info("commandstats");
            java.util.regex.Matcher eval = java.util.regex.Pattern.compile("cmdstat_eval:calls=(\\d+)").matcher(stats);
            return eval.find() ? Long.parseLong(eval.group(1)) : 0;
        }
    }

    private static boolean admits(RateLimiter node, String key) {
        try {
            node.check(key);
            return true;
        } catch (ApiException.TooManyRequests refused) {
            return false;
        }
    }
}
