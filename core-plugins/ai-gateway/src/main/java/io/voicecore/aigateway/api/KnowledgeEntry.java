package io.voicecore.aigateway.api;

import java.util.List;
import java.util.Objects;

/**
 * One answer the business wants given, and the keywords that call for it.
 *
 * @param keywords words or phrases in any language, at least one; the offline engine matches them case-insensitively
 *                 as whole words, and answers with the entry matching the most (the first on a tie)
 * @param answer   what the assistant says
 */
public record KnowledgeEntry(List<String> keywords, String answer) {

    /** Checks the values and copies the keywords. */
    public KnowledgeEntry {
        keywords = List.copyOf(keywords);
        Objects.requireNonNull(answer, "answer");
    }
}
