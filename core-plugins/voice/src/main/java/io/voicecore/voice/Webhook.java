package io.voicecore.voice;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;

/**
 * One of Twilio's webhooks, verified: its form parameters, signed with the tenant's auth token over the public URL
 * Twilio called. {@link #verify} refuses anything else with 403 before the request is read any further, so an unsigned,
 * altered or replayed-elsewhere request changes nothing.
 *
 * @param params     the form parameters Twilio posted, each with its values
 * @param pluginBase the public URL of this plugin for the tenant, e.g.
 *                   {@code https://voice.example.com/api/v1/tenants/acme/voice}; the URLs in TwiML answers are built on it
 */
record Webhook(Map<String, List<String>> params, String pluginBase) {
    static final String AUTH_TOKEN_SECRET = "twilio.auth-token";
    static final String SIGNATURE_HEADER = "X-Twilio-Signature";

    /**
     * @return the verified webhook
     * @throws PluginProblem 403 {@code invalid-signature} when the signature is missing or is not Twilio's for the URL and
     *                       parameters with the tenant's auth token, or {@code auth-token-missing} before the token is set
     */
    static Webhook verify(Request request, PluginContext context, VoiceSettings settings) {
        Optional<String> token = context.secrets().get(AUTH_TOKEN_SECRET).filter(t -> !t.isBlank());
        if (token.isEmpty()) {
            throw new PluginProblem(403, "auth-token-missing", "This tenant has not set its Twilio auth token, so no webhook can be "
                    + "verified; a tenant admin sets it with PUT /api/v1/tenants/{tenant}/plugins/voice/secrets/" + AUTH_TOKEN_SECRET
                    + " {\"value\": \"...\"} (docs/voice.md).");
        }
        String base = publicBase(request, settings);
        String url = base + request.target();
        Map<String, List<String>> params = form(request);
        Optional<String> signature = request.header(SIGNATURE_HEADER);
        if (signature.isEmpty() || !TwilioSignature.verify(token.get(), url, params, signature.get())) {
            throw new PluginProblem(403, "invalid-signature", "The request is not signed by Twilio for " + url
                    + (signature.isEmpty() ? ": it has no " + SIGNATURE_HEADER + " header." : ": its " + SIGNATURE_HEADER
                    + " does not match the URL, the parameters and this tenant's auth token.")
                    + " Behind a proxy, set the voice plugin's publicBaseUrl to the scheme and host of the webhook URL set in Twilio.");
        }
        return new Webhook(params, base + pluginPath(request, context));
    }

    /** The scheme and host Twilio called: the configured ones, else the request's own (forwarded by a proxy, or not). */
    static String publicBase(Request request, PluginContext context) {
        return publicBase(request, VoiceSettings.of(context.config()));
    }

    private static String publicBase(Request request, VoiceSettings settings) {
        return publicBase(request::header, settings);
    }

    /**
     * @param header a request header by its name in lower case
     * @return the scheme and host Twilio called
     */
    static String publicBase(java.util.function.Function<String, Optional<String>> header, VoiceSettings settings) {
        return settings.publicBaseUrl().orElseGet(() -> {
            String scheme = header.apply("x-forwarded-proto").map(p -> p.split(",")[0].strip()).filter(p -> !p.isEmpty()).orElse("http");
            String host = header.apply("x-forwarded-host").map(h -> h.split(",")[0].strip()).filter(h -> !h.isEmpty())
                    .or(() -> header.apply("host")).orElse("localhost");
            return scheme + "://" + host;
        });
    }

    /** The path of this plugin's base as the client named it: the target without the route's path and the query. */
    static String pluginPath(Request request, PluginContext context) {
        String target = request.target();
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        return path.endsWith(request.path()) && path.length() > request.path().length()
                ? path.substring(0, path.length() - request.path().length())
                : "/api/v1/tenants/" + context.tenantId() + "/" + context.plugin().id();
    }

    /** The body as form parameters ({@code application/x-www-form-urlencoded}, as Twilio posts them). */
    static Map<String, List<String>> form(Request request) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        String body = request.bodyText();
        if (body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException malformed) {
                throw new PluginProblem(403, "invalid-signature", "The request body is not form-encoded as Twilio sends it.");
            }
        }
        return params;
    }

    /** @param name a parameter @return its first value, when sent and not blank */
    Optional<String> param(String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? Optional.empty() : Optional.of(values.get(0).strip());
    }

    /**
     * @param name a parameter Twilio always sends with this webhook
     * @return its value
     * @throws PluginProblem 400 {@code missing-parameter} when it was not sent
     */
    String required(String name) {
        return param(name).orElseThrow(() -> new PluginProblem(400, "missing-parameter", "Twilio's parameter " + name + " is missing."));
    }

    /** @param route a webhook route of this plugin, e.g. {@code /twilio/gather} @return its public URL */
    String url(String route) {
        return pluginBase + route;
    }
}
