package io.voicecore.marketplace.web;

import java.util.UUID;

import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.marketplace.MarketplaceRefusal;

/** Ids in a path: anything that is not a UUID names nothing, and is answered as a thing not found. */
public final class PathIds {
    private PathIds() {
    }

    /**
     * The UUID in the path parameter {@code name}.
     *
     * @param notFound the problem type answered for anything else, e.g. {@code purchase-not-found}
     * @param what     what the id names, e.g. {@code purchase}
     */
    public static UUID uuid(ApiRequest request, String name, String notFound, String what) {
        return uuid(request.pathParam(name), notFound, what);
    }

    /** As {@link #uuid(ApiRequest, String, String, String)}, for a text already taken from the path. */
    public static UUID uuid(String text, String notFound, String what) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw MarketplaceRefusal.notFound(notFound, "No " + what + " '" + text + "'; a " + what + " is named by its id.");
        }
    }
}
