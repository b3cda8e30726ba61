package io.voicecore.kernel.plugins;

import java.util.List;
import java.util.Optional;

import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.json.Json;

/**
 * Sees what plugin code does during each call: the call itself, its SQL statements, outbound requests, published
 * events, log lines and the guards that refused it. The developer sandbox installs one to show a plugin's calls to
 * its author; a production kernel runs with {@link #NONE}, and then the kernel neither wraps the capabilities nor
 * measures anything, so observing costs nothing there.
 *
 * <p>Whoever builds the kernel chooses the observer ({@link io.voicecore.kernel.KernelExtension#pluginObserver()} of an
 * extension passed to {@code Kernel.start}); at most one extension may give one. Every method is called on the thread
 * that runs the plugin's code, synchronously, so it must be quick and must not throw. The {@link PluginCall} passed
 * in is the same object for everything one call does; a provider's service serving another plugin reports under its
 * own {@code PluginCall}, whose {@link PluginCall#onBehalfOf()} leads to the consumer's.
 *
 * <p>Life cycle of one call: {@link #callStarted}, then any number of the other reports, then {@link #callEnded}
 * exactly once, also when the call failed.
 */
public interface PluginObserver {

    /** Observes nothing: the default of every kernel. */
    PluginObserver NONE = new PluginObserver() {
    };

    /**
     * A call into plugin code begins.
     *
     * @param what what is called, e.g. {@code route GET /greeting} or {@code event hello.guest.signed}
     */
    default void callStarted(PluginCall call, String what) {
    }

    /**
     * The call ended.
     *
     * @param result         what the plugin returned (a route's {@link io.voicecore.sdk.Response}), when it returned
     * @param failure        what it threw, or what refused it (a deadline, an allocation quota, a permission), otherwise
     * @param nanos          wall time of the call
     * @param allocatedBytes bytes the call's thread allocated while in plugin code; -1 when the JVM cannot say
     */
    default void callEnded(PluginCall call, String what, Optional<Object> result, Optional<Throwable> failure, long nanos,
                           long allocatedBytes) {
    }

    /**
     * One SQL statement through the plugin's storage.
     *
     * @param rows    rows returned (query) or changed (update); -1 when it failed
     * @param failure why it failed, if it did
     */
    default void statement(PluginCall call, String sql, List<Object> parameters, int rows, long nanos, Optional<Throwable> failure) {
    }

    /** One outbound request through the egress; {@code response} is empty when it was refused or failed ({@code failure}). */
    default void egress(PluginCall call, EgressRequest request, Optional<EgressResponse> response, long nanos,
                        Optional<Throwable> failure) {
    }

    /** An event the plugin published (when the publication was accepted; it commits with the plugin's transaction). */
    default void published(PluginCall call, String topic, Json payload) {
    }

    /** A line the plugin logged; {@code level} is {@code INFO}, {@code WARN} or {@code ERROR}. */
    default void logged(PluginCall call, String level, String message) {
    }

    /**
     * A guard refused something the plugin asked for inside the call, e.g. a permission it was not granted or usage
     * over a licence's limit; the plugin may have caught the refusal and gone on.
     *
     * @param guard which guard, e.g. {@code permission} or {@code usage-limit}
     */
    default void refused(PluginCall call, String guard, String detail) {
    }
}
