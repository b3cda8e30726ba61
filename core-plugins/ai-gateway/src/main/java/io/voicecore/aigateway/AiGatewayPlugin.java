package io.voicecore.aigateway;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.voicecore.aigateway.api.LanguageModel;
import io.voicecore.aigateway.api.PhoneAudio;
import io.voicecore.aigateway.api.Speech;
import io.voicecore.aigateway.api.SpeechUnavailableException;
import io.voicecore.aigateway.api.Transcript;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.json.Json;

/**
 * The AI gateway core plugin: exports {@link LanguageModel} and {@link Speech} to other plugins (each use bound to the
 * calling tenant and this plugin's own configuration, secrets and permissions) and serves, under
 * {@code /api/v1/tenants/{tenant}/ai-gateway}: {@code GET /status} and {@code DELETE /cache} for tenant admins, and
 * {@code POST /complete}, {@code POST /analyse}, {@code POST /transcribe} and {@code POST /speak} to try them by hand.
 */
public final class AiGatewayPlugin implements Plugin {
    private static final Set<String> ADMIN_ROLES = Set.of("tenant-admin", "platform-admin");
    /** 8 kHz mono μ-law, the MIME type of phone audio (RFC 2046). */
    static final String PHONE_AUDIO_TYPE = "audio/basic";

    @Override
    public void setup(PluginSetup setup) {
        setup.exportService(LanguageModel.class, Gateway::new);
        setup.exportService(Speech.class, GatewaySpeech::new);
        setup.route(HttpMethod.GET, "/status", this::status);
        setup.route(HttpMethod.POST, "/complete", this::complete);
        setup.route(HttpMethod.POST, "/analyse", this::analyse);
        setup.route(HttpMethod.POST, "/transcribe", this::transcribe);
        setup.route(HttpMethod.POST, "/speak", this::speak);
        setup.route(HttpMethod.DELETE, "/cache", this::clearCache);
    }

    private Response status(Request request, PluginContext context) {
        requireAdmin(request);
        return Response.ok(Wire.status(new Gateway(context).status(), GatewaySettings.of(context.config())));
    }

    private Response complete(Request request, PluginContext context) {
        return Response.ok(Wire.completion(new Gateway(context).complete(Wire.completionRequest(request.json()))));
    }

    private Response analyse(Request request, PluginContext context) {
        Wire.AnalyseRequest analyse = Wire.analyseRequest(request.json());
        return Response.ok(Wire.analysis(new Gateway(context).analyse(analyse.text(), analyse.languages(), analyse.currentLanguage())));
    }

    /** The body is the utterance as {@value #PHONE_AUDIO_TYPE}; {@code ?language=es} is the optional hint. */
    private Response transcribe(Request request, PluginContext context) {
        Wire.TranscribeRequest transcribe = Wire.transcribeRequest(request.body(), request.query("language"));
        Transcript transcript = available(() -> new GatewaySpeech(context).transcribe(transcribe.audio(), transcribe.language()));
        return Response.ok(Wire.transcript(transcript));
    }

    /** {@code {text, language, voice}} in; the speech out as {@value #PHONE_AUDIO_TYPE}. */
    private Response speak(Request request, PluginContext context) {
        Wire.SpeakRequest speak = Wire.speakRequest(request.json());
        PhoneAudio speech = available(() -> new GatewaySpeech(context).synthesise(speak.text(), speak.language(), speak.voice()));
        return new Response(200, PHONE_AUDIO_TYPE, Map.of(), speech.muLaw());
    }

    /** Speech's answer, or the problem that tells the tenant why there is none. */
    private static <T> T available(Supplier<T> use) {
        try {
            return use.get();
        } catch (SpeechUnavailableException unavailable) {
            if (unavailable.getCause() instanceof PermissionDeniedException refused) {
                throw refused;
            }
            // Offline is the tenant's choice (409: set the key); the others are the provider's state (503: try later).
            int status = unavailable.reason() == SpeechUnavailableException.Reason.OFFLINE ? 409 : 503;
            String reason = unavailable.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
            throw new PluginProblem(status, "speech-unavailable", unavailable.getMessage(), Map.of("reason", Json.of(reason)));
        }
    }

    private Response clearCache(Request request, PluginContext context) {
        requireAdmin(request);
        return Response.ok(Json.object().put("deleted", new Gateway(context).clearCache()).build());
    }

    private static void requireAdmin(Request request) {
        if (!ADMIN_ROLES.contains(request.caller().role())) {
            throw new PluginProblem(403, "tenant-admin-only", "Only a tenant admin may see the gateway's status or clear its cache; "
                                                              + "use an API key with the role tenant-admin.");
        }
    }
}
