package io.voicecore.voice;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.voicecore.aigateway.api.GatewayStatus;
import io.voicecore.aigateway.api.Speech;
import io.voicecore.receptionist.api.CallEnded;
import io.voicecore.receptionist.api.CallEnding;
import io.voicecore.receptionist.api.CallOutcome;
import io.voicecore.receptionist.api.CallStarted;
import io.voicecore.receptionist.api.CallTurn;
import io.voicecore.receptionist.api.Calls;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.UsageLimitReachedException;
import io.voicecore.voice.CallStore.Call;

/**
 * What each of Twilio's webhooks does to a call, and the TwiML it answers. A call is answered by the receptionist
 * ({@link Calls}), unless the business is closed (voicemail) or every line is taken (the queue). Each recognised
 * utterance is one receptionist turn; a caller not understood twice in a row gets a keypad menu; a turn that escalates
 * puts the caller through to the tenant with a whispered briefing, and a transfer nobody takes ends in voicemail. When
 * the receptionist or its language model fails, the caller hears an apology and is put through, or leaves a voicemail:
 * never silence, never an error.
 *
 * <p>A call ends once (whichever comes first: the plugin hangs up, Twilio reports the call completed, a transcription
 * arrives, or the sweep every minute finds it over): its minutes are metered and its conversation is ended with the
 * outcome.
 */
final class CallFlow {
    static final String METER = "voice.minutes";
    private static final int GATHER_TIMEOUT_SECONDS = 6;
    /** How Twilio reports a call that is over in its status callback. */
    private static final Set<String> FINAL_STATUSES = Set.of("completed", "busy", "no-answer", "failed", "canceled");
    /** How Twilio reports a transfer the person took, in {@code DialCallStatus}. */
    private static final Set<String> DIAL_ANSWERED = Set.of("completed", "answered");

    private final PluginContext context;
    private final VoiceSettings settings;
    private final CallStore store;

    CallFlow(PluginContext context) {
        this.context = context;
        this.settings = VoiceSettings.of(context.config());
        this.store = new CallStore(context.storage());
    }

    /** A new call: the receptionist greets the caller, unless the business is closed or every line is taken. */
    Twiml incoming(Webhook hook) {
        String callSid = hook.required("CallSid");
        Optional<Call> known = store.arrived(callSid);
        if (known.isPresent()) {
            // Twilio asked again (a retry): carry on where the call is.
            return resume(hook, known.get());
        }
        // A call-back the plugin placed reaches the caller as an outbound call: the caller is then the number called.
        boolean outbound = hook.param("Direction").filter(direction -> direction.startsWith("outbound")).isPresent();
        Optional<String> caller = PhoneNumbers.e164(hook.param(outbound ? "To" : "From").orElse(""));
        Optional<String> called = hook.param(outbound ? "From" : "To");
        // Needed only to place a call-back through Twilio's REST API; Twilio always sends it.
        String accountSid = hook.param("AccountSid").orElse("");
        Optional<String> countryLanguage = caller.filter(number -> settings.languageFromCountry()).flatMap(CallerCountries::language);
        CallStarted started;
        try {
            started = calls().start(caller.orElse(""), countryLanguage);
        } catch (RuntimeException failure) {
            context.log().warn("call " + callSid + ": the receptionist could not answer (" + failure + "); apologising");
            return fallback(hook, store.insert(callSid, Optional.empty(), accountSid, caller, called, countryLanguage.orElse("en"),
                                               Optional.empty(), "conversation"));
        }
        String language = started.language();
        if (started.openNow().filter(open -> !open).isPresent()) {
            store.insert(callSid, Optional.of(started.conversationId()), accountSid, caller, called, language,
                         Optional.of(started.greeting()), "recording");
            return Twiml.response(twiml -> voicemail(twiml, hook, language,
                                                     started.businessName()
                                                             .map(name -> Prompts.say(language, "closed", Map.of("business", name)))
                                                             .orElseGet(() -> Prompts.say(language, "closed.unnamed"))));
        }
        Call call = CallStore.withLines(context.storage(), lines -> {
            boolean full = settings.maxConcurrentCalls() > 0 && lines.onTheLine() >= settings.maxConcurrentCalls();
            return lines.insert(callSid, Optional.of(started.conversationId()), accountSid, caller, called, language,
                                Optional.of(started.greeting()), full ? "queued" : "conversation");
        });
        return call.state().equals("queued") ? queuePrompt(hook, call) : greet(hook, call);
    }

    /** Misses (nothing heard or understood) after which the call goes to voicemail: twice, then the keypad menu twice. */
    static final int GIVE_UP_AFTER_MISSES = 4;

    /** What the caller said (or pressed) in answer to a {@code <Gather>}. */
    Twiml gather(Webhook hook) {
        Optional<Call> found = store.arrived(hook.required("CallSid"));
        if (found.isEmpty() || !found.get().state().equals("conversation")) {
            return found.map(call -> resume(hook, call)).orElseGet(() -> Twiml.response(Twiml::hangup));
        }
        Call call = found.get();
        Optional<String> digits = hook.param("Digits");
        if (digits.isPresent()) {
            return switch (digits.get()) {
                case "1" -> transfer(hook, call, Prompts.say(call.language(), "connecting"), "The caller asked for a person on the keypad.",
                                     Optional.empty());
                case "2" -> Twiml.response(twiml -> voicemail(twiml, hook, call.language(), Prompts.say(call.language(), "unavailable")));
                default -> menu(hook, call);
            };
        }
        Optional<String> speech = hook.param("SpeechResult");
        double confidence = hook.param("Confidence").flatMap(CallFlow::number).orElse(speech.isPresent() ? 1.0 : 0.0);
        if (speech.isEmpty() && call.stage().filter("confirmed"::equals).isPresent()) {
            // Nothing more to say once the details are confirmed: the receptionist says goodbye.
            return goodbye(call);
        }
        if (speech.isEmpty() || confidence < settings.minConfidence()) {
            int times = store.misunderstood(call.callSid());
            if (times >= GIVE_UP_AFTER_MISSES) {
                // A silent or hopeless line is not kept listening for ever: the caller can still leave a message.
                return Twiml.response(twiml -> voicemail(twiml, hook, call.language(), Prompts.say(call.language(), "unavailable")));
            }
            return times >= 2 ? menu(hook, call)
                    : Twiml.response(twiml -> listen(twiml, hook, call.language(), Prompts.say(call.language(), "repeat")));
        }
        CallTurn turn;
        try {
            turn = calls().turn(call.conversationId().orElseThrow(), speech.get(), Math.max(0, Math.min(1, confidence)));
        } catch (RuntimeException failure) {
            context.log().warn("call " + call.callSid() + ": the receptionist could not answer a turn (" + failure + "); apologising");
            return fallback(hook, call);
        }
        Call now = store.turn(call.callSid(), turn.language(), turn.stage());
        if (turn.escalate()) {
            return transfer(hook, now, turn.reply(), turn.briefing().orElse("A caller asked for a person."), turn.transferTo());
        }
        return Twiml.response(twiml -> listen(twiml, hook, turn.language(), turn.reply()));
    }

    /** A queued caller's next turn in the queue: a line is free (answered), a call-back asked for, or the position again. */
    Twiml queue(Webhook hook) {
        Optional<Call> found = store.arrived(hook.required("CallSid"));
        if (found.isEmpty() || !found.get().state().equals("queued")) {
            return found.map(call -> resume(hook, call)).orElseGet(() -> Twiml.response(Twiml::hangup));
        }
        Call call = found.get();
        if (hook.param("Digits").filter("1"::equals).isPresent()) {
            return callback(hook, call);
        }
        boolean admitted = CallStore.withLines(context.storage(), lines -> {
            boolean free = lines.onTheLine() < settings.maxConcurrentCalls() && lines.position(call.callSid()) == 1;
            if (free) {
                lines.state(call.callSid(), "conversation");
            }
            return free;
        });
        return admitted ? greet(hook, call) : queuePrompt(hook, call);
    }

    /** The outcome of a transfer: the person took the call (it ends with theirs), or nobody did (voicemail). */
    Twiml dialStatus(Webhook hook) {
        Optional<Call> found = store.arrived(hook.required("CallSid"));
        if (found.isEmpty() || !found.get().state().equals("transferring")) {
            return found.map(call -> resume(hook, call)).orElseGet(() -> Twiml.response(Twiml::hangup));
        }
        Call call = found.get();
        if (DIAL_ANSWERED.contains(hook.param("DialCallStatus").orElse(""))) {
            finish(call, CallOutcome.TRANSFERRED, Optional.empty(), OptionalLong.empty());
            return Twiml.response(Twiml::hangup);
        }
        return Twiml.response(twiml -> voicemail(twiml, hook, call.language(), Prompts.say(call.language(), "unavailable")));
    }

    /** What the person taking a transfer hears before the caller: the briefing, in the team's language (English). */
    Twiml whisper(Webhook hook) {
        Optional<Call> parent = hook.param("ParentCallSid").flatMap(store::find);
        String briefing = parent.flatMap(Call::briefing).orElse("A caller asked for a person.");
        return Twiml.response(twiml -> twiml.say("Call from the receptionist. " + briefing, settings.speech("en")));
    }

    /** A voicemail was recorded (or the caller hung up without one): thanks, and the transcription is awaited. */
    Twiml voicemailRecorded(Webhook hook) {
        Optional<Call> found = store.arrived(hook.required("CallSid"));
        if (found.isEmpty() || !found.get().state().equals("recording")) {
            return found.map(call -> resume(hook, call)).orElseGet(() -> Twiml.response(Twiml::hangup));
        }
        Call call = found.get();
        Optional<String> recording = hook.param("RecordingUrl");
        long recorded = hook.param("RecordingDuration").flatMap(CallFlow::number).map(Double::longValue).orElse(0L);
        if (recording.isEmpty() || recorded == 0) {
            finish(call, CallOutcome.ABANDONED, Optional.empty(), OptionalLong.empty());
            return Twiml.response(Twiml::hangup);
        }
        store.recorded(call.callSid(), recording.get());
        meter(call, OptionalLong.empty());
        return Twiml.response(twiml -> twiml.say(Prompts.say(call.language(), "saved"), settings.speech(call.language())).hangup());
    }

    /** The transcription of a voicemail: the call's conversation ends with it. */
    void transcription(Webhook hook) {
        store.arrived(hook.required("CallSid")).filter(call -> !call.state().equals("ended")).ifPresent(call -> {
            Optional<String> text = hook.param("TranscriptionStatus").filter("completed"::equals).flatMap(ok -> hook.param("TranscriptionText"));
            finish(call, CallOutcome.VOICEMAIL, text, OptionalLong.empty());
        });
    }

    /** Twilio's status callback: a call that is over ends here, unless it waits for its voicemail's transcription. */
    void status(Webhook hook) {
        if (!FINAL_STATUSES.contains(hook.param("CallStatus").orElse(""))) {
            hook.param("CallSid").ifPresent(store::arrived);
            return;
        }
        OptionalLong seconds = hook.param("CallDuration").flatMap(CallFlow::number).map(d -> OptionalLong.of(d.longValue()))
                .orElse(OptionalLong.empty());
        store.arrived(hook.required("CallSid")).ifPresent(call -> {
            seconds.ifPresent(s -> store.duration(call.callSid(), s));
            switch (call.state()) {
                case "ended" -> { }
                case "recording", "awaiting-transcription" -> meter(call, seconds);
                default -> finish(call, outcomeOf(call), Optional.empty(), seconds);
            }
        });
    }

    /** How a call that is over without ending on the plugin's side ended, by where it was. */
    static CallOutcome outcomeOf(Call call) {
        return switch (call.state()) {
            case "transferring" -> CallOutcome.TRANSFERRED;
            case "recording", "awaiting-transcription" -> CallOutcome.VOICEMAIL;
            case "conversation" -> call.turns() > 0 ? CallOutcome.ANSWERED : CallOutcome.ABANDONED;
            default -> CallOutcome.ABANDONED;
        };
    }

    /**
     * Ends a call once: its minutes are metered (the provider's duration when known, else the plugin's own measure) and
     * its conversation is ended with the outcome, which publishes {@code conversation.ended} for the CRM.
     *
     * @return the receptionist's ending, when it could end the conversation
     */
    Optional<CallEnded> finish(Call call, CallOutcome outcome, Optional<String> voicemail, OptionalLong providerSeconds) {
        long seconds = meter(call, providerSeconds);
        if (!store.end(call.callSid(), outcome.wireName()) || call.conversationId().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(calls().end(call.conversationId().get(), new CallEnding(outcome, Duration.ofSeconds(seconds), voicemail)));
        } catch (RuntimeException failure) {
            context.log().warn("call " + call.callSid() + " ended (" + outcome.wireName() + ") but its conversation could not be: " + failure);
            return Optional.empty();
        }
    }

    /**
     * Meters the call's minutes once, rounded up.
     *
     * @return the call's duration in seconds
     */
    private long meter(Call call, OptionalLong providerSeconds) {
        long seconds = providerSeconds.orElse(call.durationSeconds().map(Integer::longValue).orElse(call.secondsSoFar(Instant.now())));
        if (store.claimMetering(call.callSid(), seconds) && seconds > 0) {
            try {
                context.usage().record(METER, (seconds + 59) / 60, "minute");
            } catch (UsageLimitReachedException capped) {
                context.log().warn("call " + call.callSid() + ": its " + ((seconds + 59) / 60) + " minutes pass the licence's limit: " + capped.getMessage());
            }
        }
        return seconds;
    }

    /**
     * The receptionist's greeting (with the recording notice, when the tenant records), then listening: through
     * Twilio's speech recognition, or in stream mode over a media stream, when the AI gateway can hear and speak.
     */
    private Twiml greet(Webhook hook, Call call) {
        if (settings.streamMode()) {
            if (speechOnline()) {
                String authToken = context.secrets().get(Webhook.AUTH_TOKEN_SECRET).orElseThrow();
                return Twiml.response(twiml -> twiml.connectStream(hook.url("/twilio/stream-ended"),
                        MediaStreams.streamUrl(hook.pluginBase(), "") + MediaStreams.PATH,
                        Map.of(MediaStreams.TOKEN_PARAMETER, MediaStreams.token(authToken, call.callSid()))));
            }
            // The gateway lost its key after stream mode was chosen: the call is answered, in gather mode.
            context.log().warn("call " + call.callSid() + ": stream mode needs the AI gateway online; answering with Twilio's speech instead");
        }
        return Twiml.response(twiml -> {
            if (settings.recordCalls()) {
                twiml.say(Prompts.say(call.language(), "recorded"), settings.speech(call.language()));
            }
            listen(twiml, hook, call.language(), call.greeting().orElse(""));
        });
    }

    /** Says something and listens for the answer, speech or keys, in the caller's language. */
    private Twiml listen(Twiml twiml, Webhook hook, String language, String prompt) {
        Twiml.Speech speech = settings.speech(language);
        return twiml.gather(hook.url("/twilio/gather"), speech, GATHER_TIMEOUT_SECONDS, 0, inner -> inner.say(prompt, speech))
                // Twilio goes on here only if the Gather could not post; ask again rather than leave silence.
                .redirect(hook.url("/twilio/gather"));
    }

    /** The keypad menu for a caller the recogniser keeps missing: 1 for a person, 2 for a message. */
    private Twiml menu(Webhook hook, Call call) {
        Twiml.Speech speech = settings.speech(call.language());
        return Twiml.response(twiml -> twiml.gather(hook.url("/twilio/gather"), speech, GATHER_TIMEOUT_SECONDS, 1,
                                                    inner -> inner.say(Prompts.say(call.language(), "menu"), speech))
                .redirect(hook.url("/twilio/gather")));
    }

    /**
     * Puts the caller through to the tenant, or, with nowhere configured, takes a voicemail.
     *
     * @param destination where the receptionist asked the caller to be put through (a department the tenant's call flow
     *                    routed them to); empty: the plugin's {@code transferTo}
     */
    private Twiml transfer(Webhook hook, Call call, String announcement, String briefing, Optional<String> destination) {
        Twiml.Speech speech = settings.speech(call.language());
        Optional<String> to = destination.or(settings::transferTo);
        if (to.isEmpty()) {
            return Twiml.response(twiml -> voicemail(twiml.say(announcement, speech), hook, call.language(),
                                                     Prompts.say(call.language(), "unavailable")));
        }
        store.transferring(call.callSid(), briefing);
        return Twiml.response(twiml -> (announcement.isBlank() ? twiml : twiml.say(announcement, speech))
                .dial(hook.url("/twilio/dial-status"), settings.transferTimeoutSeconds(), to.get(),
                      hook.url("/twilio/whisper"), settings.recordCalls()));
    }

    /** Asks for a voicemail after the beep; Twilio posts the recording, then its transcription. */
    private Twiml voicemail(Twiml twiml, Webhook hook, String language, String prompt) {
        store.find(hook.required("CallSid")).filter(call -> !call.state().equals("recording"))
                .ifPresent(call -> store.state(call.callSid(), "recording"));
        return twiml.say(prompt, settings.speech(language))
                .record(hook.url("/twilio/voicemail"), hook.url("/twilio/transcription"), settings.voicemailMaxSeconds())
                // Reached only when nothing was recorded (Twilio posts the action otherwise).
                .say(Prompts.say(language, "saved"), settings.speech(language)).hangup();
    }

    /** The receptionist's goodbye, and the call ends as answered. */
    private Twiml goodbye(Call call) {
        Optional<CallEnded> ended = finish(call, CallOutcome.ANSWERED, Optional.empty(), OptionalLong.empty());
        return Twiml.response(twiml -> {
            ended.ifPresent(end -> twiml.say(end.goodbye(), settings.speech(end.language())));
            twiml.hangup();
        });
    }

    /** The caller's place in the queue and the call-back offer, then the queue again. */
    private Twiml queuePrompt(Webhook hook, Call call) {
        long position = store.position(call.callSid());
        Twiml.Speech speech = settings.speech(call.language());
        String prompt = Prompts.say(call.language(), "queue", Map.of("position", String.valueOf(position)));
        return Twiml.response(twiml -> twiml.gather(hook.url("/twilio/queue"), speech, 8, 1, inner -> inner.say(prompt, speech))
                .redirect(hook.url("/twilio/queue")));
    }

    /** A queued caller asked to be called back: scheduled, and the call ends. */
    private Twiml callback(Webhook hook, Call call) {
        Twiml.Speech speech = settings.speech(call.language());
        if (call.callerNumber().isEmpty() || call.accountSid().isEmpty()) {
            // A withheld number cannot be called back (nor a call without its Twilio account); keep the caller in the queue.
            return queuePrompt(hook, call);
        }
        new Callbacks(context, settings).schedule(call, hook.pluginBase());
        String goodbye = settings.callbackDelayMinutes() <= 1 ? Prompts.say(call.language(), "callback.soon")
                : Prompts.say(call.language(), "callback", Map.of("minutes", String.valueOf(settings.callbackDelayMinutes())));
        finish(call, CallOutcome.CALLBACK, Optional.empty(), OptionalLong.empty());
        return Twiml.response(twiml -> twiml.say(goodbye, speech).hangup());
    }

    /**
     * The apology when the receptionist cannot answer (it or the language model failed): the caller is put through,
     * or leaves a voicemail when there is nobody to put them through to.
     */
    Twiml fallback(Webhook hook, Call call) {
        String language = call.language();
        String apology = Prompts.say(language, "problem");
        if (settings.transferTo().isPresent()) {
            return transfer(hook, call, apology + " " + Prompts.say(language, "connecting"),
                            "The receptionist could not answer this caller because of a technical problem.", Optional.empty());
        }
        return Twiml.response(twiml -> voicemail(twiml.say(apology, settings.speech(language)), hook, language,
                                                 Prompts.say(language, "unavailable")));
    }

    /**
     * Stream mode: the media stream ended (Twilio posts the {@code <Connect action>}), and the call goes on as the
     * stream decided: put through, a voicemail, a goodbye already said, or, when the stream failed or was lost, the
     * apology with a transfer or a voicemail.
     */
    Twiml streamEnded(Webhook hook) {
        Optional<Call> found = store.arrived(hook.required("CallSid"));
        if (found.isEmpty() || found.get().state().equals("ended")) {
            return Twiml.response(Twiml::hangup);
        }
        Call call = found.get();
        String language = call.language();
        return switch (call.handover().orElse("apology")) {
            case "transfer" -> call.transferTo().or(settings::transferTo).isPresent()
                    ? transfer(hook, call, "", call.briefing().orElse("A caller asked for a person."), call.transferTo())
                    : Twiml.response(twiml -> voicemail(twiml, hook, language, Prompts.say(language, "unavailable")));
            case "voicemail" -> Twiml.response(twiml -> voicemail(twiml, hook, language, Prompts.say(language, "unavailable")));
            case "hangup" -> Twiml.response(Twiml::hangup);
            default -> call.state().equals("conversation") ? fallback(hook, call) : resume(hook, call);
        };
    }

    /** Whether the AI gateway can transcribe and speak for this tenant now (it has an OpenAI key). */
    boolean speechOnline() {
        try {
            return context.services().require(Speech.class).mode() == GatewayStatus.Mode.ONLINE;
        } catch (RuntimeException unavailable) {
            context.log().warn("the AI gateway's speech is unavailable: " + unavailable);
            return false;
        }
    }

    /** A webhook for a call in another state than it expects (a retry, or a late one): what the call is doing now. */
    private Twiml resume(Webhook hook, Call call) {
        return switch (call.state()) {
            case "conversation" -> Twiml.response(twiml -> listen(twiml, hook, call.language(), Prompts.say(call.language(), "repeat")));
            case "queued" -> queuePrompt(hook, call);
            case "recording" -> Twiml.response(twiml -> voicemail(twiml, hook, call.language(), Prompts.say(call.language(), "unavailable")));
            default -> Twiml.response(Twiml::hangup);
        };
    }

    private Calls calls() {
        return context.services().require(Calls.class);
    }

    private static Optional<Double> number(String text) {
        try {
            return Optional.of(Double.parseDouble(text));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }
}
