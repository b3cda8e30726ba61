package io.voicecore.sdk.json;

/** A JSON text could not be parsed, or a value was not of the expected kind. The message says which and where. */
public final class JsonException extends RuntimeException {
    /** @param message what was wrong */
    public JsonException(String message) {
        super(message);
    }
}
