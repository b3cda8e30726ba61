package io.voicecore.standins.twilio;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's webhook signature written again from Twilio's security guide, apart from the stand-in's: the URL, then
 * each POST parameter's name and value in the order of the names, HMAC-SHA1 with the auth token, base64. A webhook
 * under test checks requests with this, so a mistake in the stand-in's signing cannot hide behind itself.
 */
final class IndependentTwilioSignature {
    private IndependentTwilioSignature() {
    }

    static String of(String authToken, String url, Map<String, String> postParams) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(postParams).forEach((name, value) -> data.append(name).append(value));
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(hmac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean valid(String authToken, String url, Map<String, String> postParams, String header) {
        return header != null && of(authToken, url, postParams).equals(header);
    }
}
