package io.voicecore.receptionist.engine;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
        List<String> points = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        state.name().ifPresent(name -> points.add("Caller: " + name));
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
        if (state.phone().isPresent()) {
            actions.add("Call back " + state.phone().get());
        } else if (state.email().isPresent()) {
            actions.add("Reply to " + state.email().get());
        }
        String who = state.name().orElse("Unknown caller");
        String text = who + " (" + state.language() + "): " + (actions.isEmpty() ? "no action needed." : String.join("; ", actions) + ".");
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
