package io.voicecore.sandbox.tooling;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code plugin submit JAR}: uploads a signed jar to a marketplace's submission route
 * ({@code POST /api/v1/marketplace/publishers/{publisher}/submissions}, the publisher's developer key as bearer token),
 * then reads the submission until its automated review has ended and prints it.
 */
final class MarketplaceUpload {
    private static final Duration REVIEW_WAIT = Duration.ofSeconds(60);

    private final URI base;
    private final String publisher;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param marketplace the VoiceCore that runs the marketplace, e.g. {@code https://voicecore.example.com}
     * @param publisher   the publisher's id or slug
     * @param key         the publisher's developer API key
     */
    MarketplaceUpload(String marketplace, String publisher, String key) {
        String trimmed = marketplace.replaceAll("/+$", "").replaceAll("/api/v1$", "");
        try {
            this.base = URI.create(trimmed + "/");
        } catch (IllegalArgumentException e) {
            throw ToolFailure.usage("plugin submit: --marketplace '" + marketplace + "' is not a URL, e.g. https://voicecore.example.com");
        }
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https")) || base.getHost() == null) {
            throw ToolFailure.usage("plugin submit: --marketplace '" + marketplace + "' is not an http(s) URL, e.g. https://voicecore.example.com");
        }
        this.publisher = publisher;
        this.key = key;
    }

    /** Submits, waits for the review and prints it; answers 0 unless the marketplace refused or rejected the jar. */
    int submit(Path jar, PrintStream out) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw ToolFailure.usage("plugin submit: cannot read " + jar + ": " + e.getMessage());
        }
        String path = "api/v1/marketplace/publishers/" + URLEncoder.encode(publisher, StandardCharsets.UTF_8) + "/submissions";
        HttpResponse<String> answer = send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/java-archive")
                                                   .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        if (answer.statusCode() != 202) {
            throw refusal(answer);
        }
        JsonNode submission = json(answer);
        String id = submission.path("id").asText();
        out.println("Submitted " + jar + " as submission " + id + " (state " + submission.path("state").asText() + ").");
        long deadline = System.nanoTime() + REVIEW_WAIT.toNanos();
        while (submission.path("state").asText().equals("automated-review")) {
            if (System.nanoTime() > deadline) {
                out.println("The automated review has not ended after " + REVIEW_WAIT.toSeconds() + " s; read it later with GET "
                            + base.resolve(path + "/" + id));
                return 0;
            }
            pause();
            HttpResponse<String> read = send(HttpRequest.newBuilder(base.resolve(path + "/" + id)).GET());
            if (read.statusCode() != 200) {
                throw refusal(read);
            }
            submission = json(read);
        }
        String state = submission.path("state").asText();
        out.println("Submission " + id + ": state " + state);
        if (submission.has("report") && !submission.get("report").isNull()) {
            ReportPrinter.print(submission.get("report"), out);
        }
        if (state.equals("rejected")) {
            JsonNode reasons = submission.path("decision").path("reasons");
            throw ToolFailure.refused("plugin submit: the marketplace rejected submission " + id
                                      + (reasons.isArray() && !reasons.isEmpty() ? ": " + String.join("; ", texts(reasons)) : ""));
        }
        out.println(state.equals("in-review") ? "A reviewer looks at it next; the marketplace publishes it once approved." : "");
        return 0;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.header("Authorization", "Bearer " + key).header("Accept", "application/json")
                                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw ToolFailure.refused("plugin submit: cannot reach the marketplace at " + base + ": " + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ToolFailure.refused("plugin submit: interrupted");
        }
    }

    /** A refusal as the marketplace gave it: its status, problem type and detail. */
    private static ToolFailure refusal(HttpResponse<String> answer) {
        JsonNode problem;
        try {
            problem = JarVerification.json().readTree(answer.body());
        } catch (IOException notJson) {
            problem = null;
        }
        if (problem == null || !problem.has("detail")) {
            return ToolFailure.refused("plugin submit: the marketplace answered " + answer.statusCode() + " "
                                       + JdkSigning.oneLine(answer.body()));
        }
        String type = problem.path("type").asText();
        String reason = problem.has("reason") ? " (" + problem.path("reason").asText() + ")" : "";
        return ToolFailure.refused("plugin submit: the marketplace refused it, " + answer.statusCode() + " "
                                   + type.substring(Math.max(type.lastIndexOf(':'), type.lastIndexOf('/')) + 1) + reason + ": " + problem.path("detail").asText());
    }

    private static JsonNode json(HttpResponse<String> answer) {
        try {
            return JarVerification.json().readTree(answer.body());
        } catch (IOException e) {
            throw ToolFailure.refused("plugin submit: the marketplace answered " + answer.statusCode() + " with a body that is not JSON");
        }
    }

    private static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> texts = new java.util.ArrayList<>();
        array.forEach(node -> texts.add(node.isTextual() ? node.asText() : node.toString()));
        return texts;
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ToolFailure.refused("plugin submit: interrupted");
        }
    }
}
