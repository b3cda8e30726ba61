package io.voicecore.kernel.state;

/** The shared-state contract for a single node's in-process store. */
class InProcessSharedStateTest extends SharedStateContract {
    @Override
    protected SharedState newState() {
        return new InProcessSharedState();
    }
}
