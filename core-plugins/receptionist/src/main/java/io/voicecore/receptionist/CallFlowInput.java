package io.voicecore.receptionist;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

import io.voicecore.sdk.json.Json;

/**
 * The turn a call-flow script's {@code decide(turn)} is given: what the caller said and how the receptionist understood
 * it, who the caller is as far as known, where the conversation is, and the business's time and opening hours. The
 * same for a live turn and a dry run.
 *
 * @param text           what the caller said
 * @param intent         why the caller is in touch, as understood from this turn ({@code book}, {@code reschedule},
 *                       {@code cancel}, {@code question}, {@code complaint}, {@code human}); empty when not clear
 * @param language       the turn's language (ISO 639-1)
 * @param sentimentScore -1 to 1
 * @param sentimentLabel {@code positive}, {@code neutral} or {@code negative}
 * @param emotion        {@code happy}, {@code neutral}, {@code sad}, {@code angry} or {@code frustrated}
 * @param channel        {@code chat}, {@code voice} or {@code call} (a phone call)
 * @param phone          the caller's number: on a call the number on the line, else one they said
 * @param name           the caller's name, once said
 * @param email          their e-mail address, once said
 * @param turnNumber     1 for the caller's first turn
 * @param stage          {@code collecting}, {@code confirming} or {@code confirmed}, before this turn
 * @param now            the moment of the turn in the business's time zone
 * @param businessHours  the configured opening hours, as written
 * @param open           whether the business is open at {@code now}; empty without hours written as days and times
 */
record CallFlowInput(String text, Optional<String> intent, String language, double sentimentScore, String sentimentLabel, String emotion,
                     String channel, Optional<String> phone, Optional<String> name, Optional<String> email, int turnNumber, String stage,
                     ZonedDateTime now, Optional<String> businessHours, Optional<Boolean> open) {

    /** @return the script's argument */
    Json toJson() {
        ZonedDateTime at = now.truncatedTo(ChronoUnit.SECONDS);
        return Json.object()
                .put("text", text).put("intent", intent.orElse(null)).put("language", language)
                .put("sentiment", Json.object().put("label", sentimentLabel).put("score", sentimentScore).build())
                .put("emotion", emotion).put("channel", channel)
                .put("caller", Json.object().put("phone", phone.orElse(null)).put("name", name.orElse(null))
                        .put("email", email.orElse(null)).build())
                .put("turnNumber", turnNumber).put("stage", stage)
                .put("now", Json.object().put("iso", at.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                        .put("date", at.toLocalDate().toString())
                        .put("weekday", at.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                        .put("hour", at.getHour()).put("minute", at.getMinute())
                        .put("timezone", at.getZone().getId()).build())
                .put("businessHours", Json.object().put("text", businessHours.orElse(null)).put("open", open.orElse(null)).build())
                .build();
    }

    /** @param score a sentiment score, -1 to 1 @return its label, as the AI gateway gives it */
    static String sentimentLabel(double score) {
        return score > 0.2 ? "positive" : score < -0.2 ? "negative" : "neutral";
    }
}
