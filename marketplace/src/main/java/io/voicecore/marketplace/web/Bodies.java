package io.voicecore.marketplace.web;

import java.util.Locale;
import java.util.Set;

import io.voicecore.kernel.http.ApiException;
import io.voicecore.kernel.http.ApiRequest;

/** Reads non-JSON bodies (jars, certificates) with the content type the marketplace expects. */
public final class Bodies {
    private Bodies() {
    }

    /** The whole body, after checking its content type is one of {@code types}; an empty body is refused. */
    public static byte[] read(ApiRequest request, Set<String> types, String what, long maxBytes) {
        String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
        if (!types.contains(type)) {
            throw new ApiException.UnsupportedMediaType("Send " + what + " as the body with 'Content-Type: "
                    + types.iterator().next() + "'" + (type.isEmpty() ? "." : ", not '" + type + "'."));
        }
        byte[] body = request.body(maxBytes);
        if (body.length == 0) {
            throw new ApiException.BadRequest("The request body is empty; send " + what + ".");
        }
        return body;
    }
}
