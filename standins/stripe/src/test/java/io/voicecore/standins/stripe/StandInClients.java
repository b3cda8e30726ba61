package io.voicecore.standins.stripe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;

/** What the stand-in's tests share: stripe-java clients pointed at a stand-in, and plain HTTP for the rest. */
final class StandInClients {
    static final String KEY = "sk_test_51StandInTestKey0000000000";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private StandInClients() {
    }

    /** The official client, pointed at the stand-in the way the marketplace points it at Stripe. */
    static StripeClient client(StripeStandIn standIn, int maxNetworkRetries, int readTimeoutMillis) {
        return StripeClient.builder().setApiKey(KEY).setApiBase(standIn.baseUrl())
                .setMaxNetworkRetries(maxNetworkRetries).setReadTimeout(readTimeoutMillis).setConnectTimeout(5_000)
                .build();
    }

    static StripeClient client(StripeStandIn standIn) {
        return client(standIn, 0, 10_000);
    }

    static HttpResponse<String> send(StripeStandIn standIn, String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(standIn.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                             : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** @return the requests to {@code path} the stand-in logged, oldest first */
    static List<RecordedRequest> logged(StripeStandIn standIn, String method, String path) {
        return standIn.requests().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }
}
