package io.voicecore.kernel.state;

import io.voicecore.kernel.testing.RedisTestServer;

/** The shared-state contract against a real redis-server, each store under a key prefix of its own. */
class RedisSharedStateTest extends SharedStateContract {
    @Override
    protected SharedState newState() {
        return new RedisSharedState(RedisTestServer.shared().url(), RedisTestServer.freshPrefix());
    }
}
