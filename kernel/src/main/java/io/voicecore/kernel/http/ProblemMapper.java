package io.voicecore.kernel.http;

import java.util.Optional;

/**
 * Turns a typed exception of a kernel component into the problem the API answers with. The components throw their
 * own exceptions and know nothing of HTTP; the kernel registers each component's mapping with {@link ApiRoutes}, which
 * applies it to whatever a handler throws before the answer is written (and before a refusal is audited).
 */
@FunctionalInterface
public interface ProblemMapper {
    /** The problem for {@code failure}, or empty when it is not this mapper's to answer. */
    Optional<ApiException> problemFor(Throwable failure, String requestId);

    /** No component exceptions: only {@link ApiException}s are problems. */
    ProblemMapper NONE = (failure, requestId) -> Optional.empty();
}
