package io.voicecore.receptionist.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Finds English words in a sentence that should have none: what an English default put into another language looks like. */
public final class EnglishWords {
    /**
     * Words of the receptionist's and the offline engine's English sentences and defaults that no other offered language has
     * ("team" is left out: Italian says "il nostro team").
     */
    static final Set<String> WORDS = Set.of("our", "office", "business", "the", "thank", "thanks", "you", "for", "hello", "goodbye",
                                            "contacting", "calling", "us", "we", "member", "how", "can", "help", "i'm", "please",
                                            "and", "with", "of", "your");

    private EnglishWords() {
    }

    /**
     * @param sentence  what the receptionist said
     * @param names     names that may appear in it (the assistant's), whatever their language
     * @return the English words in it, in order
     */
    public static List<String> in(String sentence, String... names) {
        String text = sentence;
        for (String name : names) {
            text = text.replace(name, " ");
        }
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}']+")).filter(WORDS::contains).toList();
    }
}
