package io.voicecore.voice;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.RouteHandler;
import io.voicecore.sdk.json.Json;
import io.voicecore.voice.CallStore.Call;

/**
 * The voice core plugin: the tenant's phone calls over Twilio Programmable Voice, answered by the receptionist. Twilio's
 * webhooks are public routes under {@code /api/v1/tenants/{tenant}/voice/twilio/...} (see {@code plugin.yaml}); each is
 * verified with {@code X-Twilio-Signature} and the tenant's auth token ({@link Webhook#verify}) before anything else, and
 * answered with TwiML ({@link CallFlow}). Once verified, a webhook is always answered with TwiML that keeps the caller
 * talking to someone: a failure is logged and answered with an apology and a transfer or a voicemail.
 */
public final class VoicePlugin implements Plugin {
    static final String SWEEP_JOB = "close-stale-calls";
    /** How long a voicemail's transcription is waited for before its call ends without it. */
    static final long TRANSCRIPTION_WAIT_MINUTES = 5;
    /**
     * How long a call talking to the receptionist or waiting in the queue may go without a webhook before it is taken
     * to be over: Twilio posts every {@code <Gather>} within seconds (speech is recognised for at most a minute), so a
     * call that has gone quiet this long has been hung up, even when Twilio's status callback is not configured.
     */
    static final long QUIET_MINUTES = 2;
    private static final Set<String> ADMIN_ROLES = Set.of("tenant-admin", "platform-admin");

    @Override
    public void setup(PluginSetup setup) {
        setup.route(HttpMethod.POST, "/twilio/incoming", webhook(CallFlow::incoming));
        setup.route(HttpMethod.POST, "/twilio/gather", webhook(CallFlow::gather));
        setup.route(HttpMethod.POST, "/twilio/queue", webhook(CallFlow::queue));
        setup.route(HttpMethod.POST, "/twilio/dial-status", webhook(CallFlow::dialStatus));
        setup.route(HttpMethod.POST, "/twilio/whisper", webhook(CallFlow::whisper));
        setup.route(HttpMethod.POST, "/twilio/voicemail", webhook(CallFlow::voicemailRecorded));
        setup.route(HttpMethod.POST, "/twilio/transcription", webhook((flow, hook) -> {
            flow.transcription(hook);
            return Twiml.response(twiml -> { });
        }));
        setup.route(HttpMethod.POST, "/twilio/stream-ended", webhook(CallFlow::streamEnded));
        setup.stream(MediaStreams.PATH, new MediaStreams());
        setup.route(HttpMethod.POST, "/twilio/status", webhook((flow, hook) -> {
            flow.status(hook);
            return Twiml.response(twiml -> { });
        }));
        setup.route(HttpMethod.GET, "/status", this::status);
        setup.configCheck(VoicePlugin::checkConfig);
        setup.job(Callbacks.JOB, "* * * * *", context -> new Callbacks(context, VoiceSettings.of(context.config())).placeDue());
        setup.job(SWEEP_JOB, "* * * * *", VoicePlugin::closeStaleCalls);
    }

    /**
     * A Twilio webhook: verified first (403 and nothing changed otherwise), then answered by the flow, which reads the
     * call through {@link CallStore#arrived} (the webhook shows the call is not over). Whatever fails after that is the
     * platform's problem, not the caller's: the caller hears an apology and is put through or leaves a voicemail, and
     * Twilio never gets an error.
     */
    private static RouteHandler webhook(BiFunction<CallFlow, Webhook, Twiml> step) {
        return (request, context) -> {
            Webhook hook = Webhook.verify(request, context, VoiceSettings.of(context.config()));
            CallFlow flow = new CallFlow(context);
            try {
                return step.apply(flow, hook).toResponse();
            } catch (PluginProblem problem) {
                if (problem.status() == 400) {
                    throw problem;
                }
                return apologise(flow, hook, context, problem);
            } catch (RuntimeException failure) {
                return apologise(flow, hook, context, failure);
            }
        };
    }

    private static Response apologise(CallFlow flow, Webhook hook, PluginContext context, RuntimeException failure) {
        context.log().error("a Twilio webhook failed; the caller hears an apology", failure);
        try {
            return new CallStore(context.storage()).find(hook.param("CallSid").orElse(""))
                    .map(call -> flow.fallback(hook, call)).orElseGet(() -> apologyOnly(hook, context)).toResponse();
        } catch (RuntimeException alsoFailed) {
            context.log().error("the apology failed too; the call is ended politely", alsoFailed);
            return apologyOnly(hook, context).toResponse();
        }
    }

    /** When even the call's state cannot be read: an apology in the tenant's first language, and the call ends. */
    private static Twiml apologyOnly(Webhook hook, PluginContext context) {
        VoiceSettings settings = VoiceSettings.of(context.config());
        return Twiml.response(twiml -> twiml.say(Prompts.say("en", "problem"), settings.speech("en")).hangup());
    }

    /** Stream mode is refused while the AI gateway cannot hear and speak for the tenant, rather than failing on a call. */
    private static void checkConfig(io.voicecore.sdk.capability.PluginConfig proposed, PluginContext context) {
        if (proposed.string("mode").orElse("gather").equals("stream") && !new CallFlow(context).speechOnline()) {
            throw new PluginProblem(409, "stream-mode-needs-speech", "Stream mode transcribes callers and speaks the replies "
                    + "through the AI gateway, which is offline for this tenant: set its OpenAI key first (PUT "
                    + "/api/v1/tenants/{tenant}/plugins/ai-gateway/secrets/openai.api-key), or keep mode gather.");
        }
    }

    /** The tenant's setup, for its admins: the URLs to give Twilio, and whether the auth token is set. */
    private Response status(Request request, PluginContext context) {
        if (!ADMIN_ROLES.contains(request.caller().role())) {
            throw new PluginProblem(403, "tenant-admin-only", "Only a tenant admin may see the voice plugin's setup; use an API key with "
                                                              + "the role tenant-admin.");
        }
        VoiceSettings settings = VoiceSettings.of(context.config());
        String base = Webhook.publicBase(request, context) + Webhook.pluginPath(request, context);
        CallStore store = new CallStore(context.storage());
        long queued = context.storage().queryOne("SELECT count(*) AS n FROM calls WHERE state = 'queued' AND updated_at > ?",
                                                 CallStore.now().minus(CallStore.STALE_HOURS, ChronoUnit.HOURS))
                .flatMap(row -> row.number("n")).orElse(0L);
        var media = context.storage().queryOne("SELECT coalesce(sum(media_frames), 0) AS frames, coalesce(sum(media_frames_late), 0) AS late "
                                               + "FROM calls WHERE started_at > ?", CallStore.now().minus(CallStore.STALE_HOURS, ChronoUnit.HOURS));
        return Response.ok(Json.object()
                .put("incomingUrl", base + "/twilio/incoming").put("statusCallbackUrl", base + "/twilio/status")
                .put("publicBaseUrl", settings.publicBaseUrl().orElse(null))
                .put("authTokenSet", context.secrets().get(Webhook.AUTH_TOKEN_SECRET).filter(t -> !t.isBlank()).isPresent())
                .put("transferTo", settings.transferTo().orElse(null))
                .put("recordCalls", settings.recordCalls() ? "announce" : "never")
                .put("mode", settings.streamMode() ? "stream" : "gather")
                .put("streamReady", !settings.streamMode() || new CallFlow(context).speechOnline())
                .put("maxConcurrentCalls", settings.maxConcurrentCalls())
                .put("callsOnTheLine", store.onTheLine()).put("callsQueued", queued)
                .put("mediaFrames", media.flatMap(row -> row.number("frames")).orElse(0L))
                .put("mediaFramesLate", media.flatMap(row -> row.number("late")).orElse(0L)).build());
    }

    /**
     * Ends the calls whose end never came: a call with the receptionist or in the queue quiet for
     * {@value #QUIET_MINUTES} minutes (the caller hung up), a voicemail whose transcription did not arrive within
     * {@value #TRANSCRIPTION_WAIT_MINUTES} minutes (it ends without one), one whose recording never ended, and any call
     * with no webhook for {@value CallStore#STALE_HOURS} hours (a transfer whose end was lost).
     */
    private static void closeStaleCalls(PluginContext context) {
        Instant now = CallStore.now();
        CallFlow flow = new CallFlow(context);
        long recordingMinutes = VoiceSettings.of(context.config()).voicemailMaxSeconds() / 60 + QUIET_MINUTES;
        var stale = context.storage().query("SELECT * FROM calls WHERE (state IN ('conversation', 'queued') AND updated_at < ?) "
                                            + "OR (state = 'awaiting-transcription' AND updated_at < ?) "
                                            + "OR (state = 'recording' AND updated_at < ?) OR (state <> 'ended' AND updated_at < ?)",
                                            now.minus(QUIET_MINUTES, ChronoUnit.MINUTES),
                                            now.minus(TRANSCRIPTION_WAIT_MINUTES, ChronoUnit.MINUTES),
                                            now.minus(recordingMinutes, ChronoUnit.MINUTES), now.minus(CallStore.STALE_HOURS, ChronoUnit.HOURS));
        for (var row : stale) {
            Call call = Call.of(row);
            // Its last webhook is the last the plugin knows of it: the minutes are counted up to there.
            long seconds = call.durationSeconds().map(Integer::longValue).orElse(call.secondsSoFar(call.updatedAt()));
            flow.finish(call, CallFlow.outcomeOf(call), java.util.Optional.empty(), OptionalLong.of(seconds));
        }
        if (!stale.isEmpty()) {
            context.log().info("closed " + stale.size() + " calls whose end Twilio did not report");
        }
    }
}
