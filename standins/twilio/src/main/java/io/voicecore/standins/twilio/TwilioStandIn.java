package io.voicecore.standins.twilio;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of the Twilio stand-in: {@code ./voicecore standin twilio call …} places one scripted call and
 * prints its transcript as JSON lines on standard output, one event a line, as they happen.
 *
 * <p>Exit status: 0 when the call completed (the application hung up, ran out of TwiML, or the caller hung up on a
 * stream), 1 when it did not (an application error, a TwiML loop), 2 for a command line that cannot be run.
 */
public final class TwilioStandIn {
    static final String USAGE = """
            usage: ./voicecore standin twilio call --webhook URL --auth-token TOKEN [options]
              --from NUMBER             the caller (default %s)
              --to NUMBER               the number called (default %s)
              --say TEXT                the caller says TEXT (a <Gather>'s SpeechResult; spoken on a stream)
              --wav FILE                the audio of the --say before it on a stream (a WAV file, any rate);
                                        alone, a turn whose text is the file's name
              --digits KEYS             the caller presses KEYS (0-9, * and #)
              --silence SECONDS         the caller says nothing (a <Gather> gets no input)
              --confidence N            the recogniser's confidence for the --say before it (default 0.92)
              --dial-status STATUS      how the next <Dial> ends: completed, busy, no-answer, failed, canceled
                                        (repeatable, in order; completed once used up)
              --status-callback URL     where the end of the call is posted
              --method GET|POST         how the webhook is requested (default POST)
              --account-sid AC…         the account (default a random one)
              --reply-timeout-ms N      on a stream, how long the caller waits for a reply (default 10000)
              --hang-up-after-ms N      on a stream, quiet after the last reply before hanging up (default 1000)
              --max-stream-seconds N    on a stream, the longest the call stays (default 120)
              --heard-wav FILE          write what the caller heard on the first stream, as a WAV file
              --received-wav FILE       write the audio received on the first stream, as a WAV file
              --sign-with TOKEN         sign with another token: a forged call the application must refuse
            The transcript goes to standard output as JSON lines; the exit status is 0 when the call completed.
            """.formatted(TwilioCallSettings.DEFAULT_FROM, TwilioCallSettings.DEFAULT_TO);

    private TwilioStandIn() {
    }

    /** Runs the command line; see {@link #USAGE}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return the exit status */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            err.print(USAGE);
            return 0;
        }
        if (!args[0].equals("call")) {
            err.println("twilio stand-in: unknown command '" + args[0] + "'; the command is 'call'");
            err.print(USAGE);
            return 2;
        }
        Command command;
        try {
            command = parse(args);
        } catch (IllegalArgumentException | UncheckedIOException wrong) {
            err.println("twilio stand-in: " + wrong.getMessage());
            return 2;
        }
        CallTranscript call = TwilioCall.place(command.settings(), command.turns(),
                                               event -> {
                                                   out.println(CallTranscript.jsonLine(event));
                                                   out.flush();
                                               });
        if (!call.streams().isEmpty()) {
            command.heardWav().ifPresent(file -> call.streams().get(0).writeHeardWav(file));
            command.receivedWav().ifPresent(file -> call.streams().get(0).writeReceivedWav(file));
        }
        if (call.completed()) {
            return 0;
        }
        String why = call.applicationError()
                .map(error -> "an application error (" + error.code() + "): " + error.detail())
                .orElse(call.ended().detail());
        err.println("twilio stand-in: the call did not complete (" + call.end().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "): " + why);
        return 1;
    }

    private record Command(TwilioCallSettings settings, List<CallerTurn> turns, Optional<Path> heardWav,
                           Optional<Path> receivedWav) {
    }

    private static Command parse(String[] args) {
        Optional<URI> webhook = Optional.empty();
        Optional<String> token = Optional.empty();
        String from = TwilioCallSettings.DEFAULT_FROM;
        String to = TwilioCallSettings.DEFAULT_TO;
        List<CallerTurn> turns = new ArrayList<>();
        List<String> dialStatuses = new ArrayList<>();
        Optional<URI> statusCallback = Optional.empty();
        String method = "POST";
        Optional<String> accountSid = Optional.empty();
        Duration replyTimeout = Duration.ofSeconds(10);
        Duration hangUpAfter = Duration.ofSeconds(1);
        Duration maxStream = Duration.ofMinutes(2);
        Optional<Path> heardWav = Optional.empty();
        Optional<Path> receivedWav = Optional.empty();
        Optional<String> signWith = Optional.empty();
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value (see --help)");
            }
            String value = args[++i];
            switch (option) {
                case "--webhook" -> webhook = Optional.of(URI.create(value));
                case "--auth-token" -> token = Optional.of(value);
                case "--from" -> from = value;
                case "--to" -> to = value;
                case "--say" -> turns.add(CallerTurn.say(value));
                case "--wav" -> {
                    PcmAudio audio = PcmAudio.readWav(Path.of(value));
                    int last = turns.size() - 1;
                    if (last >= 0 && turns.get(last) instanceof CallerTurn.Speech speech && speech.audio().isEmpty()) {
                        turns.set(last, new CallerTurn.Speech(speech.text(), speech.confidence(), Optional.of(audio),
                                                              speech.start()));
                    } else {
                        String name = Path.of(value).getFileName().toString().replaceFirst("\\.[^.]*$", "");
                        turns.add(CallerTurn.say(name, audio));
                    }
                }
                case "--digits" -> turns.add(CallerTurn.press(value));
                case "--silence" -> turns.add(CallerTurn.silence(Duration.ofMillis(
                        Math.round(number(option, value) * 1000))));
                case "--confidence" -> {
                    int last = turns.size() - 1;
                    if (last < 0 || !(turns.get(last) instanceof CallerTurn.Speech speech)) {
                        throw new IllegalArgumentException("--confidence follows the --say it is for");
                    }
                    turns.set(last, speech.withConfidence(number(option, value)));
                }
                case "--dial-status" -> dialStatuses.add(value);
                case "--status-callback" -> statusCallback = Optional.of(URI.create(value));
                case "--method" -> method = value.toUpperCase(java.util.Locale.ROOT);
                case "--account-sid" -> accountSid = Optional.of(value);
                case "--reply-timeout-ms" -> replyTimeout = Duration.ofMillis((long) number(option, value));
                case "--hang-up-after-ms" -> hangUpAfter = Duration.ofMillis((long) number(option, value));
                case "--max-stream-seconds" -> maxStream = Duration.ofMillis(Math.round(number(option, value) * 1000));
                case "--heard-wav" -> heardWav = Optional.of(Path.of(value));
                case "--received-wav" -> receivedWav = Optional.of(Path.of(value));
                case "--sign-with" -> signWith = Optional.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option + " (see --help)");
            }
        }
        TwilioCallSettings settings = TwilioCallSettings.call(
                        webhook.orElseThrow(() -> new IllegalArgumentException("--webhook URL is needed: the voice"
                                                                               + " webhook the call rings")),
                        token.orElseThrow(() -> new IllegalArgumentException("--auth-token is needed: the token the"
                                                                             + " application checks signatures with")))
                .withFrom(from).withTo(to).withWebhookMethod(method)
                .withDialStatuses(dialStatuses.toArray(String[]::new))
                .withStreamTiming(replyTimeout, hangUpAfter, maxStream);
        if (statusCallback.isPresent()) {
            settings = settings.withStatusCallback(statusCallback.get());
        }
        if (accountSid.isPresent()) {
            settings = settings.withAccountSid(accountSid.get());
        }
        if (signWith.isPresent()) {
            settings = settings.signedWith(signWith.get());
        }
        return new Command(settings, List.copyOf(turns), heardWav, receivedWav);
    }

    private static double number(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException(option + " takes a number, not " + value);
        }
    }
}
