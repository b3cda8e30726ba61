package io.voicecore.testkit;

/**
 * An event delivery or job run did not complete, or a stream could not be opened: the handler threw, ran out of time, was refused a
 * permission, or the plugin is quarantined. In the platform the event bus would retry the delivery (and
 * finally dead-letter it) and the scheduler would log the failed run; here the test sees it at once.
 * Also thrown by a route call whose streamed response failed after it had started: over HTTP the caller
 * would see the connection cut off, and here the test sees this exception instead of a response.
 * {@link #response()} is the problem as the kernel describes it; the cause, when there is one, is the
 * exception the plugin threw.
 */
public final class PluginCallException extends RuntimeException {
    private final transient TestResponse response;

    PluginCallException(String what, TestResponse response, Throwable cause) {
        super(what + " failed: " + response, cause);
        this.response = response;
    }

    /** @return the problem: status, {@code type} and {@code detail} as the HTTP API would answer them */
    public TestResponse response() {
        return response;
    }
}
