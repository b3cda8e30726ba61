package io.voicecore.standins.twilio;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signature, the {@code X-Twilio-Signature} header: the base64 HMAC-SHA1, keyed with the account's
 * auth token, of the full URL Twilio requested (scheme, host, port if any, path and query, exactly as sent) followed
 * by every POST parameter's name and value, sorted by name, with no separators. A GET request's parameters are in
 * the URL, so nothing is appended. This is what twilio-java's {@code RequestValidator} computes.
 */
public final class TwilioSignature {
    /** The header Twilio sends the signature in. */
    public static final String HEADER = "X-Twilio-Signature";

    private TwilioSignature() {
    }

    /**
     * @param authToken the account's auth token, the HMAC key
     * @param url       the full URL as requested, query included
     * @param params    the POST parameters (empty for GET)
     * @return the signature, base64
     */
    public static String sign(String authToken, String url, Map<String, String> params) {
        StringBuilder signed = new StringBuilder(url);
        List<String> names = new ArrayList<>(params.keySet());
        // String order, as twilio-java's Collections.sort: by UTF-16 code unit, upper case before lower case.
        Collections.sort(names);
        for (String name : names) {
            String value = params.get(name);
            signed.append(name).append(value == null ? "" : value);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(signed.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA1", e);
        }
    }

    /** @return whether {@code signature} is the one {@code authToken} gives, compared in constant time */
    public static boolean valid(String authToken, String url, Map<String, String> params, String signature) {
        return signature != null && MessageDigest.isEqual(sign(authToken, url, params).getBytes(StandardCharsets.UTF_8),
                                                          signature.getBytes(StandardCharsets.UTF_8));
    }
}
