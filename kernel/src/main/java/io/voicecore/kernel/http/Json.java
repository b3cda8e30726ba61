package io.voicecore.kernel.http;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The kernel's one JSON mapper and its reading and writing rules. */
public final class Json {
    /** Shared, thread-safe mapper. Instants are written as ISO-8601 strings. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {
    }

    /** Parses a request body; anything that is not one JSON value becomes a 400 problem. */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException.MalformedBody("The request body is empty; a JSON object was expected.");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ApiException.MalformedBody("The request body is empty; a JSON object was expected.");
            }
            return node;
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? ""
                    : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new ApiException.MalformedBody("The request body is not valid JSON" + where + ": "
                                                 + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException.MalformedBody("The request body could not be read: " + e.getMessage());
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
