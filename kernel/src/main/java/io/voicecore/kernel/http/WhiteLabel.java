package io.voicecore.kernel.http;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whose name a request's host stands for. The kernel names itself (VoiceCore) in what it adds to answers: problem
 * {@code type} URIs, problem titles and details, the {@code /openapi} title. On a host that another brand serves (a
 * reseller's verified domain), an extension plugs in a white label with {@code KernelServices.useWhiteLabel}, and the
 * kernel then writes that brand's product name instead, so nothing on that host names the platform.
 *
 * <p>Called once per request from the request filter, so it must be cheap: no database round trip per request.
 * Thread-safe.
 */
@FunctionalInterface
public interface WhiteLabel {

    /** Every host is the platform's own: the kernel's white label until an extension plugs one in. */
    WhiteLabel NONE = host -> Optional.empty();

    /**
     * The product name to show instead of the platform's on requests to {@code host}; empty where the platform names
     * itself.
     *
     * @param host the request's host, as {@link #hostOf} normalises it
     */
    Optional<String> productName(String host);

    /** A {@code Host} header's host: lower case, without port or trailing dot; empty for a missing or blank header. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * A text the kernel wrote, as it reads under {@code productName}: problem URIs lose the platform's namespace
     * ({@code urn:voicecore:problem:x} becomes {@code urn:problem:x}) and every other mention of the platform becomes
     * the product name.
     */
    static String relabel(String text, String productName) {
        String unnamespaced = URN.matcher(text).replaceAll("urn:");
        return NAME.matcher(unnamespaced).replaceAll(Matcher.quoteReplacement(productName));
    }

    Pattern URN = Pattern.compile("(?i)urn:voicecore:");
    Pattern NAME = Pattern.compile("(?i)voice\\s?core");
}
