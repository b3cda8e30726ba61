package io.voicecore.aigateway.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.voicecore.aigateway.api.Emotion;

/**
 * The sentiment and emotion of one turn, from word lists covering all supported languages. A negation word up to
 * two words before a lexicon word flips it: "not happy" counts as negative, "not bad" as neither.
 *
 * @param score   from -1 (negative) to 1 (positive)
 * @param emotion the dominant emotion
 */
public record Sentiment(double score, Emotion emotion) {
    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");
    private static final Set<String> NEGATIONS = Languages.wordSet("not", "no", "never", "don't", "isn't", "wasn't", "nada", "nunca", "ni", "ne", "pas",
            "jamais", "nicht", "kein", "keine", "nie", "non", "mai", "não", "nem", "nunca");
    private static final Set<String> POSITIVE = Languages.wordSet("good", "great", "thanks", "thank", "perfect", "happy", "excellent", "wonderful", "love",
            "nice", "fantastic", "bien", "bueno", "buena", "genial", "gracias", "perfecto", "excelente", "encantado", "encantada", "feliz",
            "merci", "parfait", "super", "content", "contente", "heureux", "heureuse", "excellent", "gut", "danke", "perfekt", "toll", "prima",
            "froh", "wunderbar", "bene", "buono", "grazie", "perfetto", "ottimo", "felice", "contento", "bom", "boa", "obrigado", "obrigada",
            "perfeito", "ótimo", "otimo", "feliz", "excelente");
    private static final Set<String> NEGATIVE = Languages.wordSet("bad", "terrible", "awful", "poor", "problem", "wrong", "malo", "mala", "mal",
            "terrible", "problema", "mauvais", "mauvaise", "nul", "problème", "schlecht", "schlimm", "furchtbar", "cattivo", "male", "pessimo",
            "ruim", "péssimo", "pessimo");
    private static final Set<String> ANGRY = Languages.wordSet("angry", "furious", "outrageous", "unacceptable", "ridiculous", "hate", "enfadado",
            "enfadada", "furioso", "furiosa", "inaceptable", "ridículo", "indignante", "odio", "fâché", "fâchée", "furieux", "furieuse",
            "inacceptable", "ridicule", "inadmissible", "wütend", "sauer", "unverschämt", "inakzeptabel", "lächerlich", "arrabbiato",
            "arrabbiata", "inaccettabile", "ridicolo", "vergognoso", "bravo", "zangado", "zangada", "furioso", "inaceitável", "ridículo",
            "absurdo", "absurd", "scandaleux");
    private static final Set<String> FRUSTRATED = Languages.wordSet("frustrated", "frustrating", "annoyed", "annoying", "useless",
            "frustrado", "frustrada", "harto", "harta", "molesto", "molesta", "inútil", "frustré", "frustrée", "agacé", "agacée", "inutile",
            "marre", "genervt", "frustriert", "nutzlos", "frustrato", "frustrata", "stufo", "stufa", "irritato", "farto", "farta", "irritado");
    private static final Set<String> SAD = Languages.wordSet("sad", "unhappy", "sorry", "disappointed", "upset", "worried", "triste", "decepcionado",
            "decepcionada", "preocupado", "preocupada", "déçu", "déçue", "inquiet", "inquiète", "traurig", "enttäuscht", "besorgt",
            "deluso", "delusa", "preoccupato", "preoccupata", "decepcionado", "chateado", "chateada");

    /**
     * @param text what the caller said
     * @return the turn's sentiment and emotion
     */
    public static Sentiment of(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            words.add(matcher.group());
        }
        int positive = 0;
        int negative = 0;
        int angry = 0;
        int frustrated = 0;
        int sad = 0;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            boolean negated = (i > 0 && NEGATIONS.contains(words.get(i - 1))) || (i > 1 && NEGATIONS.contains(words.get(i - 2)));
            if (POSITIVE.contains(word)) {
                if (negated) {
                    negative++;
                } else {
                    positive++;
                }
            } else if (NEGATIVE.contains(word)) {
                if (!negated) {
                    negative++;
                }
            } else if (ANGRY.contains(word) && !negated) {
                angry++;
                negative += 2;
            } else if (FRUSTRATED.contains(word) && !negated) {
                frustrated++;
                negative++;
            } else if (SAD.contains(word) && !negated) {
                sad++;
                negative++;
            }
        }
        double score = positive + negative == 0 ? 0 : (positive - negative) / (double) (positive + negative);
        Emotion emotion;
        if (angry > 0) {
            emotion = Emotion.ANGRY;
        } else if (frustrated > 0 && score < 0) {
            emotion = Emotion.FRUSTRATED;
        } else if (sad > 0) {
            emotion = Emotion.SAD;
        } else if (score > 0) {
            emotion = Emotion.HAPPY;
        } else {
            emotion = Emotion.NEUTRAL;
        }
        return new Sentiment(Math.round(score * 100) / 100.0, emotion);
    }

    /** @return {@code positive}, {@code negative} or {@code neutral} */
    public String label() {
        return score > 0.2 ? "positive" : score < -0.2 ? "negative" : "neutral";
    }
}
