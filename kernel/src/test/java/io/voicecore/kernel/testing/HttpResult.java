package io.voicecore.kernel.testing;

import java.net.http.HttpHeaders;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Json;

/** A response as a test sees it. */
public record HttpResult(int status, HttpHeaders headers, String body) {

    public JsonNode json() {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("response body is not JSON (status " + status + "): " + body, e);
        }
    }

    public String contentType() {
        return headers.firstValue("Content-Type").orElse("");
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
