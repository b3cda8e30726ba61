package io.voicecore.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The sandbox talks to its kernel as any client would: HTTP on the loopback address, JSON, a bearer token. */
final class SandboxHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status and body. */
    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }

        Answer expect(int... statuses) {
            for (int s : statuses) {
                if (s == status) {
                    return this;
                }
            }
            throw new SandboxException("expected HTTP " + java.util.Arrays.toString(statuses) + " but got " + status + ": " + body);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    SandboxHttp(String base) {
        this.base = base;
    }

    Answer get(String path, String token) {
        return send(request(path, token).GET());
    }

    Answer post(String path, String token, Object json) {
        return send(request(path, token).header("Content-Type", "application/json").POST(body(json)));
    }

    Answer put(String path, String token, Object json) {
        return send(request(path, token).header("Content-Type", "application/json").PUT(body(json)));
    }

    Answer patch(String path, String token, Object json) {
        return send(request(path, token).header("Content-Type", "application/json").method("PATCH", body(json)));
    }

    Answer postCsv(String path, String token, String csv) {
        return send(request(path, token).header("Content-Type", "text/csv; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(csv, java.nio.charset.StandardCharsets.UTF_8)));
    }

    Answer postJar(String path, String token, byte[] jar) {
        return send(request(path, token).header("Content-Type", "application/java-archive").POST(HttpRequest.BodyPublishers.ofByteArray(jar)));
    }

    private HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token);
    }

    private static HttpRequest.BodyPublisher body(Object json) {
        try {
            return HttpRequest.BodyPublishers.ofString(json instanceof String s ? s : JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new SandboxException("the sandbox's kernel did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted");
        }
    }
}
