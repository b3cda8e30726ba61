package io.voicecore.bench;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.voicecore.standins.twilio.TwilioSignature;

/**
 * The baseline of {@code voice}: a bare Helidon SE handler that does the least any Twilio webhook must, for every POST
 * path: parse the form, verify {@code X-Twilio-Signature} (the same HMAC-SHA1 over the URL and the sorted parameters,
 * compared in constant time) and answer a fixed TwiML {@code <Gather>}. No storage, no conversation, no plugin.
 *
 * <p>{@code main} runs it in a JVM of its own, as the kernel under test runs in one:
 * {@code java -cp ... io.voicecore.bench.BareTwilioWebhook PORT AUTH_TOKEN}; {@code GET /health} answers 200 once it
 * listens.
 */
public final class BareTwilioWebhook {
    /** What every webhook is answered: the greeting of a receptionist that listens for the caller. */
    static final byte[] TWIML = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Gather input=\"speech dtmf\" language=\"es-ES\""
            + " action=\"/twilio/gather\" method=\"POST\" speechTimeout=\"auto\" timeout=\"6\" actionOnEmptyResult=\"true\">"
            + "<Say language=\"es-ES\" voice=\"Polly.Lucia\">Hola, soy Ava, de Clínica Sol. ¿En qué puedo ayudarle?</Say></Gather>"
            + "<Redirect method=\"POST\">/twilio/gather</Redirect></Response>").getBytes(StandardCharsets.UTF_8);

    private BareTwilioWebhook() {
    }

    /** @param args the port and the auth token that signs every webhook */
    public static void main(String[] args) {
        start(Integer.parseInt(args[0]), args[1]);
    }

    /** Starts the server on 127.0.0.1; {@code port} 0 takes a free one. */
    static WebServer start(int port, String authToken) {
        return WebServer.builder().host("127.0.0.1").port(port).shutdownHook(false)
                .routing(routing -> routing
                        .get("/health", (req, res) -> res.send())
                        .post("/*", (req, res) -> answer(req, res, authToken)))
                .build().start();
    }

    private static void answer(ServerRequest request, ServerResponse response, String authToken) {
        Map<String, String> params = form(request.content().as(String.class));
        String url = "http://" + request.authority() + request.path().rawPath()
                     + (request.query().rawValue().isEmpty() ? "" : "?" + request.query().rawValue());
        String signature = request.headers().first(HeaderNames.create(TwilioSignature.HEADER)).orElse(null);
        if (!TwilioSignature.valid(authToken, url, params, signature)) {
            response.status(Status.FORBIDDEN_403).send();
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, "text/xml; charset=utf-8").send(TWIML);
    }

    /** {@code application/x-www-form-urlencoded}, as Twilio posts it (one value per name). */
    private static Map<String, String> form(String body) {
        Map<String, String> params = new HashMap<>();
        for (String pair : body.split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                params.put(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                           equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
