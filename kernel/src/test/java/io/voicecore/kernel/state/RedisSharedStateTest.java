package io.voicecore.kernel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.voicecore.kernel.testing.RedisTestServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/** The shared-state contract against a real redis-server, each store under a key prefix of its own. */
class RedisSharedStateTest extends SharedStateContract {
    @Override
    protected SharedState newState() {
        return new RedisSharedState(RedisTestServer.shared().url(), RedisTestServer.freshPrefix());
    }

    @Test
    void aLostSubscriptionSubscribesAgainAndSaysMessagesMayHaveBeenLost() throws Exception {
        // A server of its own: the test kills every subscriber connection on it.
        try (RedisTestServer redis = RedisTestServer.start();
             RedisSharedState state = new RedisSharedState(redis.url(), RedisTestServer.freshPrefix());
             Jedis admin = new Jedis(URI.create(redis.url()))) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            try (SharedState.Subscription subscription = state.subscribe("changes", received::add)) {
                state.publish("changes", "before");
                assertEquals("before", received.poll(5, TimeUnit.SECONDS));

                admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));

                assertEquals(SharedState.MESSAGES_MAY_BE_LOST, received.poll(10, TimeUnit.SECONDS),
                             "the listener learns that it may have missed messages once subscribed again");
                state.publish("changes", "after");
                assertEquals("after", received.poll(5, TimeUnit.SECONDS), "messages arrive again");
            }
        }
    }
}
