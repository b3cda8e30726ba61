package io.voicecore.receptionist.engine;

import java.util.Locale;

/** Whole-word matching of a configured word or phrase in what a caller said, as the escalation and knowledge rules use it. */
final class Words {
    private Words() {
    }

    /**
     * @param text   what the caller said
     * @param phrase a word or phrase, any case
     * @return whether the phrase occurs in the text, ignoring case, with no letter directly before or after it
     */
    static boolean contains(String text, String phrase) {
        String lowerText = text.toLowerCase(Locale.ROOT);
        String lowerPhrase = phrase.strip().toLowerCase(Locale.ROOT);
        if (lowerPhrase.isEmpty()) {
            return false;
        }
        int from = 0;
        while (true) {
            int at = lowerText.indexOf(lowerPhrase, from);
            if (at < 0) {
                return false;
            }
            int end = at + lowerPhrase.length();
            boolean startOk = at == 0 || !Character.isLetter(lowerText.charAt(at - 1));
            boolean endOk = end == lowerText.length() || !Character.isLetter(lowerText.charAt(end));
            if (startOk && endOk) {
                return true;
            }
            from = at + 1;
        }
    }
}
