package io.voicecore.receptionist.api;

import java.util.List;
import java.util.Objects;

/**
 * A call's conversation once ended.
 *
 * @param summary     the summary for the team (English): the caller and the action items
 * @param keyPoints   what was learnt
 * @param actionItems what the team has to do
 * @param language    the caller's ISO 639-1 language
 * @param goodbye     the receptionist's goodbye in that language
 */
public record CallEnded(String summary, List<String> keyPoints, List<String> actionItems, String language, String goodbye) {

    /** Checks the values and copies the lists. */
    public CallEnded {
        Objects.requireNonNull(summary, "summary");
        keyPoints = List.copyOf(keyPoints);
        actionItems = List.copyOf(actionItems);
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(goodbye, "goodbye");
    }
}
