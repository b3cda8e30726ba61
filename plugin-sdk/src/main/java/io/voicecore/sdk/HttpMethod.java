package io.voicecore.sdk;

/** HTTP methods a plugin route can serve. */
public enum HttpMethod {
    /** Read. */
    GET,
    /** Create or act. */
    POST,
    /** Replace. */
    PUT,
    /** Change part of. */
    PATCH,
    /** Remove. */
    DELETE
}
