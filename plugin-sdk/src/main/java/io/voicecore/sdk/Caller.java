package io.voicecore.sdk;

/**
 * Who made the request a route is serving.
 *
 * @param actorId stable id of the caller for records, e.g. {@code user:...} or {@code api-key:...}
 * @param role    the caller's role, e.g. {@code tenant-admin}
 */
public record Caller(String actorId, String role) {
}
