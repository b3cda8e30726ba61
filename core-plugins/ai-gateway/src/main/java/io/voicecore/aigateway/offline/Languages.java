package io.voicecore.aigateway.offline;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Deterministic language detection among English, Spanish, French, German, Italian and Portuguese by scoring
 * stop words and characters typical of each language. No model and no randomness: the same text always gives
 * the same answer, ties resolve in the fixed order of {@link #SUPPORTED}.
 */
public final class Languages {
    /** ISO 639-1 codes, in tie-break order. */
    public static final List<String> SUPPORTED = List.of("en", "es", "fr", "de", "it", "pt");

    /** Below this score a text says too little to change the conversation's language. */
    static final int MIN_CONFIDENT_SCORE = 2;

    private static final Pattern EMAIL_OR_DIGITS = Pattern.compile("\\S+@\\S+|[+\\d][\\d\\s().-]*");
    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");

    private static final Map<String, Set<String>> STOP_WORDS = Map.of(
            "en", wordSet("the", "and", "is", "my", "name", "i", "i'm", "you", "to", "was", "will", "be", "there", "get",
                         "for", "appointment", "want", "would", "like",
                         "please", "tomorrow", "with", "hello", "hi", "can", "book", "phone", "number", "email", "what", "your", "this",
                         "of", "are", "it", "not", "need", "speak", "do", "have", "thanks", "thank", "yes", "an", "on", "at", "in"),
            "es", wordSet("el", "la", "los", "las", "de", "que", "y", "es", "mi", "me", "llamo", "soy", "quiero", "una", "cita", "para",
                         "mañana", "teléfono", "telefono", "hola", "por", "favor", "con", "correo", "gracias", "en", "un", "reservar",
                         "está", "tengo", "necesito", "hablar", "cuál", "qué", "sí", "muy", "estoy", "usted", "su", "del", "nombre", "pero",
                         "a", "al", "lo", "se", "le", "voy", "tienen", "tiene", "hay", "puedo", "puede",
                         "porque", "como", "mis", "ya", "también", "llamar", "hora", "día"),
            "fr", wordSet("le", "la", "les", "de", "et", "est", "je", "mon", "ma", "mes", "m'appelle", "appelle", "suis", "voudrais", "veux",
                         "un", "une", "rendez", "vous", "pour", "demain", "bonjour", "merci", "avec", "numéro", "téléphone", "s'il",
                         "plaît", "pas", "c'est", "ne", "au", "du", "des", "parler", "prendre", "oui", "j'ai", "nom", "mail"),
            "de", wordSet("der", "die", "das", "und", "ist", "ich", "mein", "meine", "heiße", "heisse", "bin", "möchte", "einen", "ein",
                         "termin", "für", "morgen", "hallo", "danke", "bitte", "mit", "nummer", "telefon", "nicht", "sie", "guten", "tag",
                         "buchen", "sprechen", "zu", "mich", "mir", "ja", "name", "habe"),
            "it", wordSet("il", "lo", "la", "di", "e", "è", "mi", "chiamo", "sono", "vorrei", "un", "una", "appuntamento", "per", "domani",
                         "ciao", "buongiorno", "grazie", "con", "numero", "telefono", "non", "prenotare", "parlare", "che", "mio", "sì",
                         "nome", "ho", "della"),
            "pt", wordSet("o", "a", "os", "as", "de", "e", "é", "meu", "minha", "nome", "chamo", "chamo-me", "sou", "quero", "gostaria",
                         "uma", "um", "consulta", "marcar", "para", "amanhã", "olá", "obrigado", "obrigada", "com", "número", "telefone",
                         "não", "falar", "você", "por", "favor", "sim", "tenho", "do", "da"));

    private static final Map<String, String> TYPICAL_CHARACTERS = Map.of(
            "es", "ñ¿¡", "fr", "œêèûùîç", "de", "ßäöü", "it", "òì", "pt", "ãõç");

    private Languages() {
    }

    /** A set of words where the same word may be listed twice (word lists of several languages overlap). */
    static Set<String> wordSet(String... words) {
        return Set.copyOf(java.util.Arrays.asList(words));
    }

    /**
     * Scores a text for each supported language.
     *
     * @param text what the caller said
     * @return the score per language (two points per stop word, one per typical character)
     */
    public static Map<String, Integer> scores(String text) {
        String lower = EMAIL_OR_DIGITS.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        Map<String, Integer> scores = new java.util.LinkedHashMap<>();
        for (String language : SUPPORTED) {
            int score = 0;
            var words = WORD.matcher(lower);
            while (words.find()) {
                if (STOP_WORDS.get(language).contains(words.group())) {
                    score += 2;
                }
            }
            String typical = TYPICAL_CHARACTERS.getOrDefault(language, "");
            for (int i = 0; i < lower.length(); i++) {
                if (typical.indexOf(lower.charAt(i)) >= 0) {
                    score += 1;
                }
            }
            scores.put(language, score);
        }
        return scores;
    }

    /**
     * The most likely language of a text, when the text says enough to tell.
     *
     * @param text    what the caller said
     * @param allowed the languages offered; others are never returned
     * @return the ISO 639-1 code, empty when no allowed language scores at least {@link #MIN_CONFIDENT_SCORE}
     */
    public static Optional<String> detect(String text, List<String> allowed) {
        Map<String, Integer> scores = scores(text);
        String best = null;
        int bestScore = MIN_CONFIDENT_SCORE - 1;
        for (String language : SUPPORTED) {
            if (allowed.contains(language) && scores.get(language) > bestScore) {
                best = language;
                bestScore = scores.get(language);
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The language to answer in: the detected one, else the conversation's current one.
     *
     * @param text    what the caller said
     * @param current the conversation's language so far
     * @param allowed the languages offered
     * @return an ISO 639-1 code
     */
    public static String detect(String text, String current, List<String> allowed) {
        return detect(text, allowed).orElse(current);
    }
}
