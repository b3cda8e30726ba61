package io.voicecore.voice;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signature ({@code X-Twilio-Signature}), as its libraries compute it
 * ({@code com.twilio.security.RequestValidator}): HMAC-SHA1, keyed with the account's auth token, over the full URL
 * Twilio called (scheme, host, path and query) followed by each POST parameter's name and value, sorted by name (and,
 * for a name sent several times, by value), base64-encoded. Since Twilio does not always sign the port the same way,
 * the URL is tried as given, with its default port written out and without it.
 */
final class TwilioSignature {
    private static final String HMAC = "HmacSHA1";

    private TwilioSignature() {
    }

    /**
     * @param authToken the account's auth token
     * @param url       the full URL Twilio called
     * @param params    the POST parameters, each with its values
     * @return the signature Twilio sends for that request
     */
    static String sign(String authToken, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        List<String[]> pairs = new ArrayList<>();
        params.forEach((name, values) -> values.forEach(value -> pairs.add(new String[] {name, value == null ? "" : value})));
        // Sorted as Java sorts strings (by UTF-16 code unit), as Twilio's libraries do.
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        pairs.forEach(pair -> data.append(pair[0]).append(pair[1]));
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), HMAC));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is not available", e);
        }
    }

    /**
     * @param authToken the account's auth token
     * @param url       the full URL Twilio called
     * @param params    the POST parameters
     * @param signature the {@code X-Twilio-Signature} header
     * @return whether the signature is Twilio's for this URL and these parameters (compared in constant time)
     */
    static boolean verify(String authToken, String url, Map<String, List<String>> params, String signature) {
        if (authToken.isEmpty() || signature == null || signature.isEmpty()) {
            return false;
        }
        byte[] given = signature.strip().getBytes(StandardCharsets.UTF_8);
        boolean valid = false;
        for (String candidate : new String[] {url, withPort(url).orElse(url), withoutPort(url).orElse(url)}) {
            valid |= MessageDigest.isEqual(sign(authToken, candidate, params).getBytes(StandardCharsets.UTF_8), given);
        }
        return valid;
    }

    /** @return the URL with its scheme's default port written out, when it has none */
    private static Optional<String> withPort(String url) {
        return parse(url).filter(uri -> uri.getPort() == -1 && uri.getScheme() != null)
                .flatMap(uri -> rebuild(uri, uri.getScheme().equalsIgnoreCase("https") ? 443 : 80));
    }

    /** @return the URL without a port, when it has one */
    private static Optional<String> withoutPort(String url) {
        return parse(url).filter(uri -> uri.getPort() != -1).flatMap(uri -> rebuild(uri, -1));
    }

    private static Optional<URI> parse(String url) {
        try {
            return Optional.of(new URI(url));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The same URL with another port; the path and query keep their encoding. */
    private static Optional<String> rebuild(URI uri, int port) {
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            return Optional.empty();
        }
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        return Optional.of(uri.getScheme() + "://" + userInfo + host + (port == -1 ? "" : ":" + port)
                           + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                           + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
    }
}
