package io.voicecore.voice;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.voicecore.aigateway.api.PhoneAudio;
import io.voicecore.aigateway.api.Speech;
import io.voicecore.receptionist.api.CallEnded;
import io.voicecore.receptionist.api.CallOutcome;
import io.voicecore.receptionist.api.CallTurn;
import io.voicecore.receptionist.api.Calls;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.StreamHandler;
import io.voicecore.sdk.StreamRequest;
import io.voicecore.sdk.StreamSession;
import io.voicecore.sdk.json.Json;
import io.voicecore.voice.CallStore.Call;

/**
 * Stream mode: a call's audio over Twilio's Media Streams (a WebSocket of {@code connected}, {@code start},
 * {@code media}, {@code mark}, {@code dtmf} and {@code stop} messages carrying 8 kHz μ-law). The plugin hears the caller
 * itself ({@link VoiceActivity}), has each utterance transcribed and the reply spoken by the AI gateway
 * ({@link Speech}), and holds the conversation with the receptionist as in gather mode. Our audio goes back as
 * {@code media} messages followed by a {@code mark}, which Twilio echoes once it has played; the caller speaking over
 * it sends {@code clear} (barge-in), which drops what was not yet played.
 *
 * <p>The stream is a public one: Twilio holds no VoiceCore credential. It is authenticated twice: the upgrade request
 * must carry Twilio's signature of the stream's URL with the tenant's auth token, and the {@code start} message must
 * name a call the signed {@code incoming} webhook created, with the token that webhook put in the TwiML
 * ({@link #token}). Anything else is closed with 4403 before a frame is heard.
 *
 * <p>What the plugin cannot do on the stream it hands over: to transfer the caller, take a voicemail, apologise after a
 * failure or hang up, it writes the call's {@code handover} and closes the stream; Twilio then posts the call to the
 * {@code <Connect action>} ({@link CallFlow#streamEnded}), which answers the TwiML for it, on whichever node.
 */
final class MediaStreams implements StreamHandler {
    static final String PATH = "/twilio/media";
    static final String TOKEN_PARAMETER = "callToken";
    /** The mark after audio that hands the call over: once it has played, the stream is closed. */
    static final String HANDOVER_MARK = "handover";
    /** Quiet after our audio has played before the caller is asked again, counted in 20 ms frames (6 s). */
    static final int NO_INPUT_FRAMES = 300;
    /**
     * A frame handled more than this long after its time in the stream (its {@code timestamp} from the stream's first
     * frame) is late: the node is not keeping up, and a caller's barge-in would be heard late. The Twilio stand-in's
     * sender calls itself late past the same mark.
     */
    static final long LATE_MILLIS = 60;
    /** Our audio goes out a second (8,000 bytes of μ-law) a message: Twilio buffers it and plays it in real time. */
    private static final int CHUNK_BYTES = 8_000;
    private static final Pattern SID = Pattern.compile("[A-Za-z0-9]{2,64}");

    /** The calls this node streams, by stream id; a stream's callbacks never overlap, so each line is used by one at a time. */
    private final Map<String, Line> lines = new ConcurrentHashMap<>();

    /** One call's audio on this node. */
    private static final class Line {
        final String callSid;
        final String streamSid;
        final VoiceActivity voice;
        final Set<String> playing = new LinkedHashSet<>();
        String language;
        boolean confirmed;
        boolean handingOver;
        int replies;
        int misses;
        int quietFrames;
        /** Turns submitted and not finished: the line is not quiet while the caller waits for one. */
        int answering;
        int frames;
        int framesLate;
        /** The earliest wall time (ms) a frame arrived at less its media timestamp: when the stream's audio began. */
        long audioEpoch = Long.MAX_VALUE;

        Line(String callSid, String streamSid, String language, int endOfSpeechMillis) {
            this.callSid = callSid;
            this.streamSid = streamSid;
            this.language = language;
            this.voice = new VoiceActivity(endOfSpeechMillis);
        }
    }

    /** The upgrade must be Twilio's, signed over the stream's URL with the tenant's auth token. */
    @Override
    public void onOpen(StreamSession session, StreamRequest request, PluginContext context) {
        VoiceSettings settings = VoiceSettings.of(context.config());
        String token = context.secrets().get(Webhook.AUTH_TOKEN_SECRET).filter(t -> !t.isBlank()).orElseThrow(() ->
                new PluginProblem(403, "auth-token-missing", "This tenant has not set its Twilio auth token, so no media stream can be verified."));
        String url = streamUrl(Webhook.publicBase(request::header, settings), request.target());
        Optional<String> signature = request.header(Webhook.SIGNATURE_HEADER);
        if (signature.isEmpty() || !TwilioSignature.verify(token, url, Map.of(), signature.get())) {
            throw new PluginProblem(403, "invalid-signature", "The media stream is not opened by Twilio for " + url
                    + ": its " + Webhook.SIGNATURE_HEADER + " is missing or does not match the URL and this tenant's auth token.");
        }
    }

    @Override
    public void onMessage(StreamSession session, String text, PluginContext context) {
        Json message = Json.parse(text);
        String event = message.get("event").asOptionalString().orElse("");
        Line line = lines.get(session.id());
        switch (event) {
            case "connected" -> { }
            case "start" -> start(session, message, context);
            case "media" -> {
                if (line != null) {
                    media(session, line, message);
                }
            }
            case "mark" -> {
                if (line != null) {
                    mark(session, line, message.get("mark").get("name").asOptionalString().orElse(""));
                }
            }
            case "dtmf" -> {
                if (line != null) {
                    String digit = message.get("dtmf").get("digit").asOptionalString().orElse("");
                    session.submit((stream, taskContext) -> keypad(stream, line, digit, taskContext));
                }
            }
            case "stop" -> stop(session, context);
            default -> context.log().warn("media stream " + session.id() + ": an unknown event '" + event + "' was ignored");
        }
    }

    @Override
    public void onClose(StreamSession session, int code, String reason, PluginContext context) {
        Line line = lines.remove(session.id());
        if (line != null) {
            new CallStore(context.storage()).mediaFrames(line.callSid, line.frames, line.framesLate);
        }
    }

    /** The call the stream carries: it must be one the signed webhook created, with its token, not streamed yet. */
    private void start(StreamSession session, Json message, PluginContext context) {
        Json start = message.get("start");
        String callSid = start.get("callSid").asOptionalString().orElse("");
        String streamSid = message.get("streamSid").asOptionalString().or(() -> start.get("streamSid").asOptionalString()).orElse("");
        String offered = start.get("customParameters").get(TOKEN_PARAMETER).asOptionalString().orElse("");
        String authToken = context.secrets().get(Webhook.AUTH_TOKEN_SECRET).orElse("");
        CallStore store = new CallStore(context.storage());
        if (!SID.matcher(callSid).matches() || !SID.matcher(streamSid).matches() || authToken.isBlank()
            || !MessageDigest.isEqual(token(authToken, callSid).getBytes(StandardCharsets.UTF_8), offered.getBytes(StandardCharsets.UTF_8))) {
            session.close(4403, "call-not-recognised");
            return;
        }
        Optional<Call> call = store.find(callSid);
        if (call.isEmpty() || call.get().conversationId().isEmpty() || !store.streaming(callSid, streamSid)) {
            session.close(4409, "call-not-in-conversation");
            return;
        }
        VoiceSettings settings = VoiceSettings.of(context.config());
        Line line = new Line(callSid, streamSid, call.get().language(), settings.endOfSpeechMillis());
        lines.put(session.id(), line);
        String greeting = (settings.recordCalls() ? Prompts.say(line.language, "recorded") + " " : "") + call.get().greeting().orElse("");
        session.submit((stream, taskContext) -> {
            try {
                speak(stream, line, greeting, "greeting", taskContext);
            } catch (RuntimeException failure) {
                apologise(stream, line, taskContext, failure);
            }
        });
    }

    /**
     * A frame of the caller's audio: barge-in when they start talking over ours, a turn when they stop. Kept quick:
     * what waits on the gateway or the receptionist is submitted as a task, so the next frames are heard on time.
     */
    private void media(StreamSession session, Line line, Json message) {
        byte[] frame;
        try {
            frame = Base64.getDecoder().decode(message.get("media").get("payload").asOptionalString().orElse(""));
        } catch (IllegalArgumentException notBase64) {
            return;
        }
        synchronized (line) {
            keepTime(line, message.get("media").get("timestamp").asOptionalString().orElse(""));
            switch (line.voice.push(frame)) {
                case SPEECH_STARTED -> {
                    line.quietFrames = 0;
                    if (!line.playing.isEmpty() && !line.handingOver) {
                        // Barge-in: the caller talks over our audio, so what has not been played is dropped.
                        session.send(Json.object().put("event", "clear").put("streamSid", line.streamSid).build());
                        line.playing.clear();
                    }
                }
                case SPEECH_ENDED -> {
                    PhoneAudio utterance = PhoneAudio.ofMuLaw(line.voice.takeUtterance());
                    line.answering++;
                    session.submit((stream, context) -> answer(stream, line, utterance, context));
                }
                case NONE -> {
                    if (!line.voice.speaking() && line.playing.isEmpty() && line.answering == 0 && !line.handingOver
                        && ++line.quietFrames >= NO_INPUT_FRAMES) {
                        line.quietFrames = 0;
                        line.answering++;
                        session.submit((stream, context) -> quiet(stream, line, context));
                    }
                }
            }
        }
    }

    /** Counts the frame, and whether it is handled late against its time in the stream. */
    private static void keepTime(Line line, String timestamp) {
        long mediaMillis;
        try {
            mediaMillis = Long.parseLong(timestamp);
        } catch (NumberFormatException none) {
            return;
        }
        long now = System.nanoTime() / 1_000_000;
        line.frames++;
        line.audioEpoch = Math.min(line.audioEpoch, now - mediaMillis);
        if (now - mediaMillis - line.audioEpoch > LATE_MILLIS) {
            line.framesLate++;
        }
    }

    /** What the caller said: transcribed, answered by the receptionist, and the answer spoken. */
    private void answer(StreamSession session, Line line, PhoneAudio utterance, PluginContext context) {
        try {
            answerTurn(session, line, utterance, context);
        } finally {
            turnDone(line);
        }
    }

    /** A submitted turn is over: the line may count its quiet again. */
    private static void turnDone(Line line) {
        synchronized (line) {
            line.answering--;
            line.quietFrames = 0;
        }
    }

    private void answerTurn(StreamSession session, Line line, PhoneAudio utterance, PluginContext context) {
        synchronized (line) {
            if (line.handingOver) {
                return;
            }
        }
        try {
            String heard = speech(context).transcribe(utterance, Optional.of(line.language)).text().strip();
            if (heard.isEmpty()) {
                miss(session, line, context);
                return;
            }
            CallStore store = new CallStore(context.storage());
            Call call = store.find(line.callSid).orElseThrow();
            CallTurn turn = context.services().require(Calls.class).turn(call.conversationId().orElseThrow(), heard, 1.0);
            store.turn(line.callSid, turn.language(), turn.stage());
            line.language = turn.language();
            line.misses = 0;
            if (turn.escalate()) {
                boolean through = turn.transferTo().isPresent() || VoiceSettings.of(context.config()).transferTo().isPresent();
                handOver(session, line, context, through ? "transfer" : "voicemail", turn.reply(),
                         Optional.of(turn.briefing().orElse("A caller asked for a person.")), turn.transferTo());
                return;
            }
            line.confirmed = turn.stage().equals("confirmed");
            speak(session, line, turn.reply(), "reply-" + ++line.replies, context);
        } catch (RuntimeException failure) {
            apologise(session, line, context, failure);
        }
    }

    /** Nothing understood: asked again, then (after {@value CallFlow#GIVE_UP_AFTER_MISSES} times) a voicemail. */
    private void miss(StreamSession session, Line line, PluginContext context) {
        if (++line.misses >= CallFlow.GIVE_UP_AFTER_MISSES) {
            handOver(session, line, context, "voicemail", "", Optional.empty(), Optional.empty());
            return;
        }
        speak(session, line, Prompts.say(line.language, "repeat"), "reply-" + ++line.replies, context);
    }

    /** The caller said nothing after our audio: once the details are confirmed that is the goodbye, else a miss. */
    private void quiet(StreamSession session, Line line, PluginContext context) {
        try {
            quietTurn(session, line, context);
        } finally {
            turnDone(line);
        }
    }

    private void quietTurn(StreamSession session, Line line, PluginContext context) {
        try {
            if (!line.confirmed) {
                miss(session, line, context);
                return;
            }
            CallStore store = new CallStore(context.storage());
            Call call = store.find(line.callSid).orElseThrow();
            Optional<CallEnded> ended = new CallFlow(context).finish(call, CallOutcome.ANSWERED, Optional.empty(), OptionalLong.empty());
            handOver(session, line, context, "hangup", ended.map(CallEnded::goodbye).orElse(""), Optional.empty(), Optional.empty());
        } catch (RuntimeException failure) {
            apologise(session, line, context, failure);
        }
    }

    /** Keys pressed on the stream: 1 for a person, 2 for a voicemail, as on the keypad menu. */
    private void keypad(StreamSession session, Line line, String digit, PluginContext context) {
        synchronized (line) {
            if (line.handingOver) {
                return;
            }
        }
        switch (digit) {
            case "1" -> handOver(session, line, context, VoiceSettings.of(context.config()).transferTo().isPresent() ? "transfer" : "voicemail",
                                 Prompts.say(line.language, "connecting"), Optional.of("The caller asked for a person on the keypad."),
                                 Optional.empty());
            case "2" -> handOver(session, line, context, "voicemail", "", Optional.empty(), Optional.empty());
            default -> { }
        }
    }

    /** Our audio has played up to a mark: a handover then closes the stream, and Twilio posts the call on. */
    private void mark(StreamSession session, Line line, String name) {
        synchronized (line) {
            line.playing.remove(name);
            if (name.equals(HANDOVER_MARK) && line.handingOver) {
                session.close();
            } else if (line.playing.isEmpty()) {
                line.quietFrames = 0;
            }
        }
    }

    /** The caller hung up: the call ends here, unless it was being handed over. */
    private void stop(StreamSession session, PluginContext context) {
        Line line = lines.remove(session.id());
        if (line == null) {
            return;
        }
        synchronized (line) {
            // Turns still waiting to run have nobody to answer.
            line.handingOver = true;
        }
        new CallStore(context.storage()).mediaFrames(line.callSid, line.frames, line.framesLate);
        CallFlow flow = new CallFlow(context);
        new CallStore(context.storage()).find(line.callSid)
                .filter(call -> call.state().equals("conversation") && call.handover().isEmpty())
                .ifPresent(call -> flow.finish(call, CallFlow.outcomeOf(call), Optional.empty(), OptionalLong.empty()));
    }

    /**
     * Hands the call over to TwiML: says {@code words} first (when any), then closes the stream once they have played.
     *
     * @param handover   {@code transfer}, {@code voicemail} or {@code hangup}
     * @param transferTo for a transfer, the destination the receptionist named (else the plugin's {@code transferTo})
     */
    private void handOver(StreamSession session, Line line, PluginContext context, String handover, String words,
                          Optional<String> briefing, Optional<String> transferTo) {
        new CallStore(context.storage()).handover(line.callSid, handover, briefing, transferTo);
        synchronized (line) {
            line.handingOver = true;
        }
        if (words.isBlank()) {
            session.close();
            return;
        }
        try {
            speak(session, line, words, HANDOVER_MARK, context);
        } catch (RuntimeException failure) {
            context.log().warn("call " + line.callSid + ": could not say the handover (" + failure + "); handing over at once");
            session.close();
        }
    }

    /**
     * A failure mid-call (the gateway, the provider or the receptionist): the stream is closed, and the TwiML that
     * follows apologises with Twilio's voice and puts the caller through or takes a voicemail. Never silence.
     */
    private void apologise(StreamSession session, Line line, PluginContext context, RuntimeException failure) {
        context.log().error("call " + line.callSid + ": the media stream failed; the caller hears an apology", failure);
        synchronized (line) {
            line.handingOver = true;
        }
        try {
            new CallStore(context.storage()).handover(line.callSid, "apology", Optional.empty(), Optional.empty());
        } finally {
            session.close();
        }
    }

    /** Speaks text on the stream: its audio as {@code media} messages, then a mark Twilio echoes once played. */
    private void speak(StreamSession session, Line line, String text, String mark, PluginContext context) {
        if (text.isBlank()) {
            return;
        }
        String language;
        synchronized (line) {
            language = line.language;
        }
        byte[] audio = speech(context).synthesise(text, language, Optional.empty()).muLaw();
        Base64.Encoder base64 = Base64.getEncoder();
        String head = "{\"event\":\"media\",\"streamSid\":\"" + line.streamSid + "\",\"media\":{\"payload\":\"";
        synchronized (line) {
            if (line.voice.speaking() && !mark.equals(HANDOVER_MARK)) {
                // The caller started talking while the reply was prepared: they are answered when they stop instead.
                return;
            }
            for (int at = 0; at < audio.length; at += CHUNK_BYTES) {
                byte[] frame = java.util.Arrays.copyOfRange(audio, at, Math.min(audio.length, at + CHUNK_BYTES));
                session.send(head + base64.encodeToString(frame) + "\"}}");
            }
            session.send(Json.object().put("event", "mark").put("streamSid", line.streamSid)
                                 .put("mark", Json.object().put("name", mark).build()).build());
            line.playing.add(mark);
        }
    }

    private static Speech speech(PluginContext context) {
        return context.services().require(Speech.class);
    }

    /**
     * The token that ties a media stream to the call the signed webhook created: an HMAC of the CallSid with the
     * tenant's auth token, so any node can check it and nobody without the token can make one.
     */
    static String token(String authToken, String callSid) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(("media-stream:" + callSid).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", impossible);
        }
    }

    /**
     * @param publicBase the scheme and host Twilio calls, e.g. {@code https://voice.example.com}
     * @param path       the stream's path from the root, e.g. {@code /api/v1/tenants/acme/voice/twilio/media}
     * @return the WebSocket URL: {@code wss} for {@code https}, {@code ws} for {@code http}
     */
    static String streamUrl(String publicBase, String path) {
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        return publicBase.replaceFirst("^http", "ws") + bare;
    }
}
