package io.voicecore.standins.openai;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One request the stand-in received, as listed by {@code GET /standin/requests}. The API key is never
 * recorded: only whether it was accepted.
 *
 * @param sequence   1 for the first request since the stand-in started or was reset
 * @param receivedAt when it arrived
 * @param method     the HTTP method
 * @param path       the path, e.g. {@code /v1/chat/completions}
 * @param headers    the request headers, lower-case names, without {@code authorization} and {@code cookie}
 * @param authorized whether it carried an accepted API key
 * @param body       the JSON body, or a JSON null when it had none or it was not JSON
 * @param status     the status the stand-in answered with
 */
public record RecordedRequest(long sequence, Instant receivedAt, String method, String path, Map<String, String> headers,
                              boolean authorized, JsonNode body, int status) {
}
