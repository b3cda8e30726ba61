package io.voicecore.receptionist.engine;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.RelativeDate;

/**
 * The end-of-conversation summary for the team, in English whatever the caller's language (the caller's own words
 * for the day are kept in parentheses).
 *
 * @param keyPoints   what was learnt
 * @param actionItems what the team has to do
 * @param text        one paragraph: the caller and the action items
 */
public record Summary(List<String> keyPoints, List<String> actionItems, String text) {

    /** Copies the lists. */
    public Summary {
        keyPoints = List.copyOf(keyPoints);
        actionItems = List.copyOf(actionItems);
    }

    /**
     * @param state the conversation's final state
     * @param today today's date in the business's time zone, to turn "tomorrow" into a date
     * @return the summary
     */
    public static Summary of(ConversationState state, LocalDate today) {
        return of(state, today, Optional.empty());
    }

    /**
     * The summary of a phone call: the conversation's, with the caller's number, how the call ended and how long it
     * lasted, and the caller's voicemail quoted; the team calls back the number on the line when the caller gave none.
     *
     * @param state the conversation's final state
     * @param today today's date in the business's time zone
     * @param call  the call's number, outcome, duration and voicemail
     * @return the summary
     */
    public static Summary ofCall(ConversationState state, LocalDate today, Call call) {
        return of(state, today, Optional.of(call));
    }

    /**
     * What a phone call adds to its conversation's summary.
     *
     * @param callerNumber     the caller's number in E.164, empty when withheld
     * @param outcome          how the call ended, e.g. {@code voicemail}
     * @param durationSeconds  how long it lasted
     * @param voicemail        the transcription of the caller's voicemail
     */
    public record Call(Optional<String> callerNumber, String outcome, long durationSeconds, Optional<String> voicemail) {
    }

    private static Summary of(ConversationState state, LocalDate today, Optional<Call> call) {
        List<String> points = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        state.name().ifPresent(name -> points.add("Caller: " + name));
        call.flatMap(Call::callerNumber).ifPresent(number -> points.add("Called from: " + number));
        call.ifPresent(c -> points.add("Call: " + c.outcome() + " after " + c.durationSeconds() + " s"));
        call.flatMap(Call::voicemail).ifPresent(message -> points.add("Voicemail: " + message.strip()));
        state.phone().ifPresent(phone -> points.add("Phone: " + phone));
        state.email().ifPresent(email -> points.add("Email: " + email));
        points.add("Language: " + state.language());
        state.reason().ifPresent(reason -> points.add("Reason: " + action(reason)));
        String day = state.date().map(date -> date.keyword() + " (" + (date.spoken().equals(date.keyword()) ? "" : date.spoken() + ", ")
                                               + resolve(date, today) + ")").orElse("");
        if (!day.isEmpty()) {
            points.add("Requested day: " + day);
        }
        state.answered().forEach(question -> points.add("Answered: " + question));
        state.unanswered().forEach(question -> points.add("Unanswered question: " + question));
        state.escalation().ifPresent(why -> points.add("Escalated to a person: " + why));
        points.add("Caller sentiment: " + state.averageSentiment());

        state.reason().filter(reason -> reason != Intent.QUESTION && reason != Intent.HUMAN).ifPresent(reason -> {
            boolean aboutAppointment = reason == Intent.BOOK || reason == Intent.RESCHEDULE;
            actions.add(action(reason) + (aboutAppointment && !day.isEmpty() ? " for " + day : ""));
        });
        state.escalation().ifPresent(why -> actions.add("Have a person contact the caller (" + why + ")"));
        state.unanswered().forEach(question -> actions.add("Answer the question: " + question));
        // A voicemail that could not be transcribed is only in the recording.
        call.filter(c -> c.outcome().equals("voicemail") && c.voicemail().isEmpty()).ifPresent(c -> actions.add("Listen to the voicemail"));
        Optional<String> lineNumber = call.flatMap(Call::callerNumber);
        if (state.phone().isPresent()) {
            actions.add("Call back " + state.phone().get());
        } else if (lineNumber.isPresent() && !call.get().outcome().equals("transferred")) {
            actions.add("Call back " + lineNumber.get());
        } else if (state.email().isPresent()) {
            actions.add("Reply to " + state.email().get());
        }
        String who = state.name().orElse(lineNumber.map(number -> "Caller " + number).orElse("Unknown caller"));
        String text = who + " (" + state.language() + "): " + (actions.isEmpty() ? "no action needed." : String.join("; ", actions) + ".")
                      + call.flatMap(Call::voicemail).map(message -> " Voicemail: \"" + message.strip() + "\"").orElse("");
        return new Summary(points, actions, text);
    }

    /** @param reason why the caller was in touch @return the action item for the team, in English */
    static String action(Intent reason) {
        return switch (reason) {
            case BOOK -> "Book an appointment";
            case RESCHEDULE -> "Reschedule an appointment";
            case CANCEL -> "Cancel an appointment";
            case QUESTION -> "Answer a question";
            case COMPLAINT -> "Follow up on a complaint";
            case HUMAN -> "Speak to a person";
        };
    }

    /**
     * @param date  a day the caller named
     * @param today today's date in the business's time zone
     * @return the calendar date meant: today, tomorrow, the day after, or the next such weekday
     */
    static LocalDate resolve(RelativeDate date, LocalDate today) {
        return switch (date.keyword()) {
            case "today" -> today;
            case "tomorrow" -> today.plusDays(1);
            case "day after tomorrow" -> today.plusDays(2);
            default -> today.with(TemporalAdjusters.next(DayOfWeek.valueOf(date.keyword().toUpperCase(Locale.ROOT))));
        };
    }
}
