package io.voicecore.kernel.plugins.events;

import java.util.regex.Pattern;

/**
 * The short text kept about a failed delivery or job: exception type and message, with anything that
 * looks like a kernel credential or a bearer token masked, cut to {@value #MAX_LENGTH} characters. It is
 * shown to tenant administrators, so it must not carry secrets; plugin messages are not trusted to be clean.
 */
final class FailureSummary {
    static final int MAX_LENGTH = 500;

    private static final Pattern KERNEL_CREDENTIAL = Pattern.compile("\\b(vc[aks]_)[A-Za-z0-9._~+/=-]+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b((?:password|passwd|secret|token|api[_-]?key|authorization)\\s*[=:]\\s*)[^\\s,;&\"']+");

    private FailureSummary() {
    }

    static String of(Throwable failure) {
        String message = failure.getMessage();
        String text = failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.strip());
        text = KERNEL_CREDENTIAL.matcher(text).replaceAll("$1***");
        text = BEARER.matcher(text).replaceAll("$1***");
        text = KEY_VALUE.matcher(text).replaceAll("$1***");
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 1) + "…";
    }
}
