package io.voicecore.receptionist.engine;

import java.util.List;

import io.voicecore.aigateway.api.KnowledgeEntry;

/**
 * Picks the tenant's knowledge entries that a caller's words call for (a keyword said as a whole word), so the
 * language model gets only those, and the summary can tell answered questions from unanswered ones.
 */
public final class KnowledgeBase {
    private KnowledgeBase() {
    }

    /**
     * @param entries the tenant's knowledge base, oldest first
     * @param text    what the caller said
     * @return the entries with at least one keyword in the text, oldest first
     */
    public static List<KnowledgeEntry> matching(List<KnowledgeEntry> entries, String text) {
        return entries.stream().filter(entry -> entry.keywords().stream().anyMatch(keyword -> Words.contains(text, keyword))).toList();
    }
}
