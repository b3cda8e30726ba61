package io.voicecore.standins.twilio;

import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.w3c.dom.Element;

/**
 * Plays one call: requests the voice webhook as Twilio does and follows the TwiML answered, verb by verb, taking the
 * caller's turns from the script, until a {@code <Hangup>}, the end of a document or an application error.
 *
 * <p>Time in Gather mode is simulated: nobody waits for a {@code <Pause>} or a recording, but the call's clock
 * advances as Twilio's would (speech at about 15 characters a second, a pause its length, a dialled call its
 * scripted length), and {@code CallDuration} comes from it.
 */
final class CallRunner {
    private static final String API_VERSION = "2010-04-01";
    /** Twilio's pace of speech, for the simulated clock. */
    private static final double SECONDS_PER_CHARACTER = 0.065;

    /** Where the call goes next: another document, or its end. */
    private sealed interface Step {
    }

    /**
     * Request {@code url} and follow the TwiML it answers; {@code afterAnswer} runs between the answer and the
     * TwiML, for what Twilio does apart from the call at that moment (a transcription callback).
     */
    private record Navigate(URI url, String method, Map<String, String> extra, String purpose, Runnable afterAnswer)
            implements Step {
        Navigate(URI url, String method, Map<String, String> extra, String purpose) {
            this(url, method, extra, purpose, () -> { });
        }
    }

    /** The call is over. */
    private record Finish(CallEnd end, String detail) implements Step {
    }

    private final TwilioCallSettings settings;
    private final Deque<CallerTurn> turns;
    private final Deque<String> dialStatuses;
    private final CallLog log;
    private final WebhookClient webhooks;
    private final String callSid = Sids.next(Sids.CALL);
    private final List<StreamRecording> streams = new ArrayList<>();
    private final List<MediaStream> forks = new ArrayList<>();
    private boolean answered;
    private String finalStatus = "completed";
    private double clockSeconds;

    CallRunner(TwilioCallSettings settings, List<CallerTurn> turns, Consumer<CallEvent> listener) {
        this.settings = settings;
        this.turns = new ArrayDeque<>(turns);
        this.dialStatuses = new ArrayDeque<>(settings.dialStatuses());
        this.log = new CallLog(listener);
        this.webhooks = new WebhookClient(settings, log);
    }

    CallTranscript run() {
        log.start();
        log.add(at -> new CallEvent.CallStarted(at, callSid, settings.accountSid(), settings.from(), settings.to(),
                                                settings.webhook()));
        Finish finish = follow(new Navigate(settings.webhook(), settings.webhookMethod(), Map.of(), "voice-webhook"));
        // The call is over: Twilio stops the streams <Start> forked.
        forks.forEach(MediaStream::stop);
        int duration = finalStatus.equals("completed") ? (int) Math.ceil(clockSeconds) : 0;
        log.add(at -> new CallEvent.CallEnded(at, finish.end(), finalStatus, duration, finish.detail()));
        settings.statusCallback().ifPresent(url -> statusCallback(url, duration));
        return new CallTranscript(callSid, log.events(), streams);
    }

    private Finish follow(Navigate first) {
        Step step = first;
        while (step instanceof Navigate navigate) {
            if (webhooks.sent() >= settings.maxRequests()) {
                return new Finish(CallEnd.REQUEST_LIMIT, "the call made " + webhooks.sent() + " requests, the limit"
                                                         + " (maxRequests); the TwiML may loop, e.g. a <Record> or"
                                                         + " <Gather> without an action re-requests its own document");
            }
            Map<String, String> params = callParams(answered ? "in-progress" : "ringing");
            params.putAll(navigate.extra());
            answered = true;
            WebhookClient.Reply reply = webhooks.send(navigate.purpose(), navigate.method(), navigate.url(), params);
            Optional<Element> document = document(navigate, reply);
            navigate.afterAnswer().run();
            if (document.isEmpty()) {
                return new Finish(CallEnd.APPLICATION_ERROR, "see the application-error event");
            }
            step = execute(document.get(), navigate.url());
        }
        return (Finish) step;
    }

    /** @return the TwiML answered, or empty after logging the application error Twilio would report */
    private Optional<Element> document(Navigate navigate, WebhookClient.Reply reply) {
        String request = navigate.method() + " " + navigate.url();
        if (reply.failure().isPresent()) {
            applicationError(11205, "HTTP connection failure: " + request + " failed: " + reply.failure().get());
            return Optional.empty();
        }
        if (!reply.successful()) {
            applicationError(11200, "HTTP retrieval failure: " + request + " answered " + reply.status()
                                    + " (Twilio needs a 2xx answer with TwiML)");
            return Optional.empty();
        }
        String contentType = reply.contentType().orElse("").toLowerCase(Locale.ROOT);
        if (contentType.contains("xml") || contentType.startsWith("text/html")) {
            try {
                return Optional.of(Twiml.parse(reply.body()));
            } catch (IllegalArgumentException malformed) {
                applicationError(12100, "Document parse failure: the answer to " + request + " is not TwiML: "
                                        + malformed.getMessage());
                return Optional.empty();
            }
        }
        if (contentType.startsWith("text/plain")) {
            // Twilio reads a plain text answer to the caller.
            clockSeconds += speechSeconds(reply.body(), 1);
            log.add(at -> new CallEvent.Said(at, reply.body().strip(), Optional.empty(), Optional.empty(), 1, false));
            return Optional.of(Twiml.parse("<Response/>"));
        }
        if (contentType.startsWith("audio/")) {
            // Twilio plays an audio answer to the caller.
            log.add(at -> new CallEvent.Played(at, navigate.url().toString(), Optional.empty(), 1, false));
            return Optional.of(Twiml.parse("<Response/>"));
        }
        applicationError(12300, "Invalid Content-Type: " + request + " answered "
                                + reply.contentType().orElse("no Content-Type")
                                + "; TwiML is text/xml or application/xml");
        return Optional.empty();
    }

    private void applicationError(int code, String detail) {
        log.add(at -> new CallEvent.ApplicationError(at, code, detail));
    }

    /** Follows a document's verbs; @return where the call goes next */
    private Step execute(Element response, URI documentUrl) {
        for (Element verb : Twiml.children(response)) {
            Optional<Step> next;
            try {
                next = verb(verb, documentUrl);
            } catch (IllegalArgumentException badUrl) {
                applicationError(11100, "Invalid URL format in <" + verb.getTagName() + ">: " + badUrl.getMessage());
                return new Finish(CallEnd.APPLICATION_ERROR, "see the application-error event");
            }
            if (next.isPresent()) {
                return next.get();
            }
        }
        return new Finish(CallEnd.END_OF_DOCUMENT, "the TwiML had no more verbs");
    }

    /** @return where the call goes, when this verb takes it elsewhere */
    private Optional<Step> verb(Element verb, URI documentUrl) {
        switch (verb.getTagName()) {
            case "Say" -> say(verb, false);
            case "Play" -> play(verb, false);
            case "Pause" -> pause(verb, false);
            case "Gather" -> {
                return gather(verb, documentUrl);
            }
            case "Redirect" -> {
                URI url = Twiml.resolve(documentUrl, Twiml.text(verb));
                String method = method(verb);
                log.add(at -> new CallEvent.Redirected(at, url, method));
                return Optional.of(new Navigate(url, method, Map.of(), "redirect"));
            }
            case "Dial" -> {
                return dial(verb, documentUrl);
            }
            case "Record" -> {
                return record(verb, documentUrl);
            }
            case "Hangup" -> {
                log.add(CallEvent.HungUp::new);
                return Optional.of(new Finish(CallEnd.HANGUP, "<Hangup>"));
            }
            case "Connect" -> {
                return connect(verb, documentUrl);
            }
            case "Start" -> {
                return start(verb, documentUrl);
            }
            case "Stop" -> stop(verb);
            case "Reject" -> {
                String reason = Twiml.attribute(verb, "reason").orElse("rejected");
                log.add(at -> new CallEvent.Rejected(at, reason));
                // Twilio: the call ends busy for reason="busy", no-answer for "rejected".
                finalStatus = reason.equals("busy") ? "busy" : "no-answer";
                return Optional.of(new Finish(CallEnd.REJECTED, "<Reject reason=\"" + reason + "\">"));
            }
            default -> skip(verb, "the stand-in does not implement <" + verb.getTagName() + ">; it goes on with the"
                                  + " next verb");
        }
        return Optional.empty();
    }

    private void skip(Element verb, String reason) {
        log.add(at -> new CallEvent.Skipped(at, verb.getTagName(), reason));
    }

    private void say(Element verb, boolean inGather) {
        String text = Twiml.text(verb);
        int loop = Math.max(1, Twiml.intAttribute(verb, "loop", 1));
        clockSeconds += speechSeconds(text, loop);
        log.add(at -> new CallEvent.Said(at, text, Twiml.attribute(verb, "voice"), Twiml.attribute(verb, "language"),
                                         Twiml.intAttribute(verb, "loop", 1), inGather));
    }

    private void play(Element verb, boolean inGather) {
        Optional<String> digits = Twiml.attribute(verb, "digits");
        int loop = Math.max(1, Twiml.intAttribute(verb, "loop", 1));
        // Audio files are not fetched: a file counts three seconds, keys half a second each.
        clockSeconds += digits.map(keys -> keys.length() * 0.5).orElse(3.0) * loop;
        log.add(at -> new CallEvent.Played(at, Twiml.text(verb), digits, Twiml.intAttribute(verb, "loop", 1),
                                           inGather));
    }

    private void pause(Element verb, boolean inGather) {
        int seconds = Twiml.intAttribute(verb, "length", 1);
        clockSeconds += seconds;
        log.add(at -> new CallEvent.Paused(at, seconds, inGather));
    }

    /**
     * {@code <Gather>}: plays its nested verbs, then takes the caller's next turn. Speech or keys the Gather accepts
     * are posted to its action; anything else is no input, and the call goes on with the next verb unless
     * {@code actionOnEmptyResult} asks for the action anyway.
     */
    private Optional<Step> gather(Element verb, URI documentUrl) {
        for (Element nested : Twiml.children(verb)) {
            switch (nested.getTagName()) {
                case "Say" -> say(nested, true);
                case "Play" -> play(nested, true);
                case "Pause" -> pause(nested, true);
                default -> skip(nested, "<" + nested.getTagName() + "> cannot be nested in <Gather>; Twilio allows"
                                        + " <Say>, <Play> and <Pause>");
            }
        }
        String input = Twiml.attribute(verb, "input").orElse("dtmf");
        boolean speech = input.contains("speech");
        boolean dtmf = input.contains("dtmf");
        URI action = Twiml.attribute(verb, "action").map(reference -> Twiml.resolve(documentUrl, reference))
                .orElse(documentUrl);
        String method = method(verb);
        int timeout = Twiml.intAttribute(verb, "timeout", 5);
        Optional<Integer> numDigits = Twiml.attribute(verb, "numDigits").flatMap(CallRunner::integer);
        String finishOnKey = verb.hasAttribute("finishOnKey") ? verb.getAttribute("finishOnKey") : "#";

        CallerTurn turn = turns.pollFirst();
        Map<String, String> answer = new LinkedHashMap<>();
        CallEvent.GatherResult result = CallEvent.GatherResult.NO_INPUT;
        Optional<String> speechResult = Optional.empty();
        Optional<Double> confidence = Optional.empty();
        Optional<String> digits = Optional.empty();
        if (turn instanceof CallerTurn.Speech spoken && speech && !spoken.text().isBlank()) {
            result = CallEvent.GatherResult.SPEECH;
            speechResult = Optional.of(spoken.text());
            confidence = Optional.of(spoken.confidence());
            answer.put("SpeechResult", spoken.text());
            answer.put("Confidence", Double.toString(spoken.confidence()));
            clockSeconds += speechSeconds(spoken.text(), 1) + 1;
            speakOnForks(spoken);
        } else if (turn instanceof CallerTurn.Digits pressed && dtmf) {
            String keys = keysGathered(pressed.digits(), numDigits, finishOnKey);
            if (!keys.isEmpty()) {
                result = CallEvent.GatherResult.DTMF;
                digits = Optional.of(keys);
                answer.put("Digits", keys);
            }
            clockSeconds += pressed.digits().length() * 0.3;
        } else {
            clockSeconds += timeout;
        }
        CallEvent.GatherResult gathered = result;
        Optional<String> heard = speechResult;
        Optional<Double> sure = confidence;
        Optional<String> keys = digits;
        log.add(at -> new CallEvent.Gathered(at, input, Twiml.attribute(verb, "language"), Twiml.attribute(verb, "hints"),
                                             Twiml.attribute(verb, "speechTimeout"), timeout, numDigits, action, method,
                                             gathered, heard, sure, keys));
        if (result == CallEvent.GatherResult.NO_INPUT && !Twiml.booleanAttribute(verb, "actionOnEmptyResult", false)) {
            return Optional.empty();
        }
        return Optional.of(new Navigate(action, method, answer, "gather-action"));
    }

    /** The keys a Gather keeps: up to the finish key, at most {@code numDigits}. */
    private static String keysGathered(String pressed, Optional<Integer> numDigits, String finishOnKey) {
        StringBuilder kept = new StringBuilder();
        for (char key : pressed.toCharArray()) {
            if (!finishOnKey.isEmpty() && finishOnKey.indexOf(key) >= 0) {
                break;
            }
            kept.append(key);
            if (numDigits.isPresent() && kept.length() >= numDigits.get()) {
                break;
            }
        }
        return kept.toString();
    }

    /**
     * {@code <Dial>}: calls the numbers, SIP addresses or clients; how it ends is scripted. With an {@code action},
     * Twilio posts {@code DialCallStatus} there and follows its answer; without one the call goes on with the next
     * verb.
     */
    private Optional<Step> dial(Element verb, URI documentUrl) {
        List<CallEvent.DialTarget> targets = new ArrayList<>();
        List<Element> nouns = Twiml.children(verb);
        if (nouns.isEmpty()) {
            targets.add(new CallEvent.DialTarget("number", Twiml.text(verb), Optional.empty()));
        }
        for (Element noun : nouns) {
            Optional<URI> url = Twiml.attribute(noun, "url").map(reference -> Twiml.resolve(documentUrl, reference));
            targets.add(new CallEvent.DialTarget(noun.getTagName().toLowerCase(Locale.ROOT), Twiml.text(noun), url));
        }
        String status = dialStatuses.isEmpty() ? "completed" : dialStatuses.pollFirst();
        int duration = status.equals("completed") ? settings.dialCallDurationSeconds() : 0;
        String dialCallSid = Sids.next(Sids.CALL);
        Optional<URI> action = Twiml.attribute(verb, "action").map(reference -> Twiml.resolve(documentUrl, reference));
        clockSeconds += status.equals("completed") ? duration : Twiml.intAttribute(verb, "timeout", 30);
        log.add(at -> new CallEvent.Dialled(at, List.copyOf(targets), Twiml.attribute(verb, "callerId"), action, status,
                                            duration, dialCallSid));
        if (status.equals("completed")) {
            for (CallEvent.DialTarget target : targets) {
                target.url().ifPresent(url -> whisper(url, target, dialCallSid, Twiml.attribute(verb, "callerId")));
            }
        }
        if (action.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> result = new LinkedHashMap<>();
        result.put("DialCallStatus", status);
        result.put("DialCallSid", dialCallSid);
        result.put("DialCallDuration", Integer.toString(duration));
        return Optional.of(new Navigate(action.get(), method(verb), result, "dial-action"));
    }

    /**
     * A {@code <Number url>}: Twilio requests it for the called party when they answer, and plays its TwiML to them
     * alone before connecting the call. The stand-in records what it says; it follows nothing further.
     */
    private void whisper(URI url, CallEvent.DialTarget target, String dialCallSid, Optional<String> callerId) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", settings.accountSid());
        params.put("ApiVersion", API_VERSION);
        params.put("CallSid", dialCallSid);
        params.put("CallStatus", "in-progress");
        params.put("Direction", "outbound-dial");
        params.put("From", callerId.orElse(settings.from()));
        params.put("ParentCallSid", callSid);
        params.put("To", target.address());
        WebhookClient.Reply reply = webhooks.send("whisper", "POST", url, params);
        List<String> said = new ArrayList<>();
        if (reply.successful()) {
            try {
                for (Element verb : Twiml.children(Twiml.parse(reply.body()))) {
                    if (verb.getTagName().equals("Say")) {
                        said.add(Twiml.text(verb));
                    }
                }
            } catch (IllegalArgumentException notTwiml) {
                // Twilio drops the dialled leg; the transcript keeps the answer, which shows why.
            }
        }
        log.add(at -> new CallEvent.Whispered(at, url, List.copyOf(said)));
    }

    /**
     * {@code <Record>}: the caller's next turn is the message. Speech makes a recording as long as the text takes to
     * say, posted to the action with {@code RecordingUrl}, {@code RecordingSid} and {@code RecordingDuration}, and,
     * with {@code transcribe="true"} and a {@code transcribeCallback}, the text posted there as the transcription.
     * An empty recording (silence, or a key at once) posts nothing: the call goes on with the next verb.
     */
    private Optional<Step> record(Element verb, URI documentUrl) {
        int maxLength = Twiml.intAttribute(verb, "maxLength", 3600);
        boolean playBeep = Twiml.booleanAttribute(verb, "playBeep", true);
        boolean transcribe = Twiml.booleanAttribute(verb, "transcribe", false);
        Optional<URI> callback = Twiml.attribute(verb, "transcribeCallback")
                .map(reference -> Twiml.resolve(documentUrl, reference));
        Optional<URI> action = Twiml.attribute(verb, "action").map(reference -> Twiml.resolve(documentUrl, reference));
        CallerTurn turn = turns.pollFirst();
        if (!(turn instanceof CallerTurn.Speech message) || message.text().isBlank()) {
            clockSeconds += Twiml.intAttribute(verb, "timeout", 5);
            log.add(at -> new CallEvent.Recorded(at, action, maxLength, playBeep, transcribe, callback,
                                                 Optional.empty(), Optional.empty(), 0, Optional.empty()));
            return Optional.empty();
        }
        int duration = (int) Math.min(maxLength, Math.max(1, Math.ceil(speechSeconds(message.text(), 1))));
        clockSeconds += duration;
        String recordingSid = Sids.next(Sids.RECORDING);
        String recordingUrl = "https://api.twilio.com/" + API_VERSION + "/Accounts/" + settings.accountSid()
                              + "/Recordings/" + recordingSid;
        Optional<String> transcription = transcribe ? Optional.of(message.text()) : Optional.empty();
        log.add(at -> new CallEvent.Recorded(at, action, maxLength, playBeep, transcribe, callback,
                                             Optional.of(recordingSid), Optional.of(recordingUrl), duration,
                                             transcription));
        Map<String, String> recording = new LinkedHashMap<>();
        recording.put("RecordingUrl", recordingUrl);
        recording.put("RecordingSid", recordingSid);
        recording.put("RecordingDuration", Integer.toString(duration));
        // Twilio transcribes after the recording is posted, apart from the call: the callback comes once the action
        // has answered.
        Runnable transcribed = transcribe && callback.isPresent()
                               ? () -> transcriptionCallback(callback.get(), recordingSid, recordingUrl, message.text())
                               : () -> { };
        return Optional.of(new Navigate(action.orElse(documentUrl), method(verb), recording, "record-action",
                                        transcribed));
    }

    /**
     * {@code <Connect><Stream>}: a bidirectional Media Stream, on which the caller takes the script's turns in real
     * time. When the caller hangs up, the call is over; when the server closes the WebSocket, Twilio goes on with
     * {@code <Connect action>} if there is one, else with the next verb.
     */
    private Optional<Step> connect(Element verb, URI documentUrl) {
        Optional<Element> streamNoun = Twiml.children(verb).stream().filter(noun -> noun.getTagName().equals("Stream"))
                .findFirst();
        if (streamNoun.isEmpty()) {
            skip(verb, "the stand-in implements <Connect><Stream> only, not <Connect> with "
                       + Twiml.children(verb).stream().map(noun -> "<" + noun.getTagName() + ">").toList());
            return Optional.empty();
        }
        Optional<MediaStream> opened = openStream(streamNoun.get(), documentUrl, true, List.of("inbound"));
        if (opened.isEmpty()) {
            return Optional.of(new Finish(CallEnd.APPLICATION_ERROR, "see the application-error event"));
        }
        MediaStream stream = opened.get();
        String reason = stream.converse(turns);
        clockSeconds += stream.elapsed().toMillis() / 1000.0;
        if (reason.equals("caller-hung-up") || reason.equals("time-limit")) {
            return Optional.of(new Finish(CallEnd.CALLER_HUNG_UP, reason.equals("time-limit")
                                                                  ? "the stream lasted maxStreamDuration; the caller"
                                                                    + " hung up"
                                                                  : "the caller's script was done; the caller hung"
                                                                    + " up"));
        }
        Optional<URI> action = Twiml.attribute(verb, "action").map(reference -> Twiml.resolve(documentUrl, reference));
        return action.map(url -> new Navigate(url, method(verb), Map.of(), "connect-action"));
    }

    /**
     * {@code <Start><Stream>}: a unidirectional stream forked in the background while the TwiML goes on. The caller's
     * speech at a {@code <Gather>} is sent on it in real time; the server cannot send audio back.
     */
    private Optional<Step> start(Element verb, URI documentUrl) {
        for (Element noun : Twiml.children(verb)) {
            if (!noun.getTagName().equals("Stream")) {
                skip(noun, "the stand-in implements <Start><Stream> only");
                continue;
            }
            List<String> tracks = switch (Twiml.attribute(noun, "track").orElse("inbound_track")) {
                case "outbound_track" -> List.of("outbound");
                case "both_tracks" -> List.of("inbound", "outbound");
                default -> List.of("inbound");
            };
            Optional<MediaStream> opened = openStream(noun, documentUrl, false, tracks);
            if (opened.isEmpty()) {
                return Optional.of(new Finish(CallEnd.APPLICATION_ERROR, "see the application-error event"));
            }
            opened.get().fork();
            forks.add(opened.get());
        }
        return Optional.empty();
    }

    /** {@code <Stop><Stream name>} stops the forked stream of that name; without a name, every one. */
    private void stop(Element verb) {
        for (Element noun : Twiml.children(verb)) {
            Optional<String> name = Twiml.attribute(noun, "name");
            forks.stream().filter(MediaStream::running)
                    .filter(fork -> name.isEmpty() || name.equals(fork.name()))
                    .forEach(MediaStream::stop);
        }
    }

    private Optional<MediaStream> openStream(Element noun, URI documentUrl, boolean bidirectional,
                                             List<String> tracks) {
        URI url = webSocketUrl(Twiml.resolve(documentUrl, Twiml.attribute(noun, "url").orElse("")));
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Element parameter : Twiml.children(noun)) {
            if (parameter.getTagName().equals("Parameter")) {
                parameters.put(parameter.getAttribute("name"), parameter.getAttribute("value"));
            }
        }
        MediaStream stream = new MediaStream(settings, log, callSid, url, bidirectional, Twiml.attribute(noun, "name"),
                                             parameters, tracks);
        try {
            streams.add(stream.open());
            return Optional.of(stream);
        } catch (MediaStream.StreamFailure failed) {
            applicationError(31920, "Stream - WebSocket - Handshake Error: " + failed.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Twilio wants {@code wss://}; the stand-in also takes {@code ws://} for local servers, and maps a URL resolved
     * against an http(s) document to ws(s).
     */
    private static URI webSocketUrl(URI url) {
        return switch (url.getScheme() == null ? "" : url.getScheme()) {
            case "http" -> URI.create("ws" + url.toString().substring(4));
            case "https" -> URI.create("wss" + url.toString().substring(5));
            case "ws", "wss" -> url;
            default -> throw new IllegalArgumentException("a stream URL must be wss:// (or ws:// for a local server),"
                                                          + " not " + url);
        };
    }

    /** The caller speaking at a Gather is heard on every stream forked by {@code <Start><Stream>}, in real time. */
    private void speakOnForks(CallerTurn.Speech spoken) {
        List<MediaStream> running = forks.stream().filter(MediaStream::running).toList();
        if (running.isEmpty()) {
            return;
        }
        byte[] mulaw = spoken.audio().orElseGet(() -> SyntheticVoice.saying(spoken.text())).toMuLaw();
        List<CountDownLatch> said = running.stream().map(fork -> fork.speak(spoken.text(), mulaw))
                .toList();
        for (int i = 0; i < running.size(); i++) {
            running.get(i).awaitSaid(said.get(i));
        }
    }

    /** Twilio transcribes a recording apart from the call and posts the text to {@code transcribeCallback}. */
    private void transcriptionCallback(URI url, String recordingSid, String recordingUrl, String text) {
        String transcriptionSid = Sids.next(Sids.TRANSCRIPTION);
        Map<String, String> params = callParams("in-progress");
        params.put("TranscriptionSid", transcriptionSid);
        params.put("TranscriptionText", text);
        params.put("TranscriptionStatus", "completed");
        params.put("TranscriptionUrl", "https://api.twilio.com/" + API_VERSION + "/Accounts/" + settings.accountSid()
                                       + "/Transcriptions/" + transcriptionSid);
        params.put("RecordingSid", recordingSid);
        params.put("RecordingUrl", recordingUrl);
        webhooks.send("transcribe-callback", "POST", url, params);
    }

    private void statusCallback(URI url, int duration) {
        Map<String, String> params = callParams(finalStatus);
        params.put("CallDuration", Integer.toString(duration));
        params.put("Timestamp", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        params.put("CallbackSource", "call-progress-events");
        params.put("SequenceNumber", "0");
        webhooks.send("status-callback", "POST", url, params);
    }

    /** The parameters Twilio sends with every request of an inbound call. */
    private Map<String, String> callParams(String callStatus) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", settings.accountSid());
        params.put("ApiVersion", API_VERSION);
        params.put("CallSid", callSid);
        params.put("CallStatus", callStatus);
        party(params, "Called", settings.to());
        party(params, "Caller", settings.from());
        params.put("Direction", "inbound");
        party(params, "From", settings.from());
        party(params, "To", settings.to());
        return params;
    }

    /** {@code From}, {@code FromCity}, {@code FromCountry}, {@code FromState}, {@code FromZip}, and so on. */
    private static void party(Map<String, String> params, String role, String number) {
        params.put(role, number);
        params.put(role + "City", "");
        params.put(role + "Country", PhoneCountries.of(number));
        params.put(role + "State", "");
        params.put(role + "Zip", "");
    }

    private static String method(Element verb) {
        return Twiml.attribute(verb, "method").map(method -> method.toUpperCase(Locale.ROOT))
                .filter(method -> method.equals("GET")).orElse("POST");
    }

    private static Optional<Integer> integer(String value) {
        try {
            return Optional.of(Integer.parseInt(value));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    private static double speechSeconds(String text, int loop) {
        return text.strip().length() * SECONDS_PER_CHARACTER * loop;
    }
}
