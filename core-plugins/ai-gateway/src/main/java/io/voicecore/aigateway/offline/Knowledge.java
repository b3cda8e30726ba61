package io.voicecore.aigateway.offline;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.voicecore.aigateway.api.KnowledgeEntry;

/** Picks the knowledge entry a caller's words call for, by whole-word keyword matches. */
final class Knowledge {
    private Knowledge() {
    }

    /** @param entry an entry @param text what the caller said @return how many of the entry's keywords the text contains */
    static int score(KnowledgeEntry entry, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return (int) entry.keywords().stream()
                .filter(k -> !k.isBlank() && Extraction.containsWord(lower, k.strip().toLowerCase(Locale.ROOT))).count();
    }

    /**
     * @param entries the entries, in order of preference
     * @param text    what the caller said
     * @return the entry with most matching keywords (the first on a tie), if any matches
     */
    static Optional<KnowledgeEntry> best(List<KnowledgeEntry> entries, String text) {
        KnowledgeEntry best = null;
        int bestScore = 0;
        for (KnowledgeEntry entry : entries) {
            int score = score(entry, text);
            if (score > bestScore) {
                best = entry;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }
}
