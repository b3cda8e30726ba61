package io.voicecore.standins.twilio;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A voice application for the tests: a real HTTP server on a free port that checks every request's
 * {@code X-Twilio-Signature} with {@link IndependentTwilioSignature}, refuses forgeries with 403 as a careful
 * application does, and answers each path with the TwiML a test gives it.
 */
final class VoiceApp implements AutoCloseable {
    /**
     * A request as the application saw it.
     *
     * @param params the parameters Twilio sent (a POST's body, a GET's query)
     * @param query  the URL's query parameters
     */
    record Received(String method, String path, URI url, Map<String, String> params, Map<String, String> query,
                    String signature, boolean signatureValid) {
        /** @return a parameter, from the body or else the query, as web frameworks read them */
        String param(String name) {
            return params.containsKey(name) ? params.get(name) : query.get(name);
        }
    }

    /** What a path answers. */
    record Answer(int status, String contentType, String body) {
        static Answer twiml(String response) {
            return new Answer(200, "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + response);
        }

        static Answer empty() {
            return new Answer(204, null, "");
        }
    }

    private final String authToken;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Function<Received, Answer>> routes = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    VoiceApp(String authToken) throws IOException {
        this.authToken = authToken;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers {@code path} (without the query) with what {@code answer} makes of each request. */
    VoiceApp route(String path, Function<Received, Answer> answer) {
        routes.put(path, answer);
        return this;
    }

    VoiceApp route(String path, String twiml) {
        return route(path, request -> Answer.twiml(twiml));
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String path) {
        return received.stream().filter(request -> request.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        URI url = url(exchange.getRequestURI().toString());
        boolean post = exchange.getRequestMethod().equals("POST");
        Map<String, String> query = form(url.getRawQuery() == null ? "" : url.getRawQuery());
        Map<String, String> params = post ? form(body) : query;
        String signature = exchange.getRequestHeaders().getFirst("X-Twilio-Signature");
        // The signed URL is the one requested, query included; a POST's body parameters are appended.
        boolean valid = IndependentTwilioSignature.valid(authToken, url.toString(), post ? params : Map.of(),
                                                         signature);
        Received request = new Received(exchange.getRequestMethod(), url.getPath(), url, params, query, signature,
                                        valid);
        received.add(request);
        Answer answer;
        if (!valid) {
            answer = new Answer(403, "text/plain", "invalid X-Twilio-Signature");
        } else {
            Function<Received, Answer> route = routes.get(url.getPath());
            answer = route == null ? new Answer(404, "text/plain", "no route " + url.getPath()) : route.apply(request);
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
