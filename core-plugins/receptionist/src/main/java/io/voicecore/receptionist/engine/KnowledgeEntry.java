package io.voicecore.receptionist.engine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One answer of the tenant's knowledge base and the keywords that call for it.
 *
 * @param keywords words or phrases, any language; matched case-insensitively as whole words
 * @param answer   what the receptionist says
 */
public record KnowledgeEntry(List<String> keywords, String answer) {

    /** Copies the keywords. */
    public KnowledgeEntry {
        keywords = List.copyOf(keywords);
    }

    /** @param text what the caller said @return how many of the keywords it contains */
    public int score(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return (int) keywords.stream().filter(k -> !k.isBlank() && Extraction.containsWord(lower, k.strip().toLowerCase(Locale.ROOT))).count();
    }

    /**
     * @param entries the knowledge base, oldest first
     * @param text    what the caller said
     * @return the entry with most matching keywords (the oldest on a tie), if any matches
     */
    public static Optional<KnowledgeEntry> best(List<KnowledgeEntry> entries, String text) {
        KnowledgeEntry best = null;
        int bestScore = 0;
        for (KnowledgeEntry entry : entries) {
            int score = entry.score(text);
            if (score > bestScore) {
                best = entry;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }
}
