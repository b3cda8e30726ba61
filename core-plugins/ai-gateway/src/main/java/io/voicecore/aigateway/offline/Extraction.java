package io.voicecore.aigateway.offline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.voicecore.aigateway.api.Confirmation;
import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.RelativeDate;

/**
 * Finds the caller's details in what they said, in any of the supported languages: name, phone number, e-mail,
 * intent, a relative date, a yes or no, and whether opening hours are meant. Rules, not a model: each finder is a
 * fixed set of patterns and keywords.
 */
public final class Extraction {
    private static final List<String> YES = List.of("yes", "yeah", "yep", "correct", "right", "sí", "si", "correcto", "exacto", "oui",
            "exact", "exactement", "c'est ça", "ja", "genau", "richtig", "sì", "esatto", "giusto", "sim", "certo", "correto");
    private static final List<String> NO = List.of("no", "nope", "not correct", "incorrect", "incorrecto", "non", "nein", "falsch", "não",
            "sbagliato", "errado");
    private static final List<String> HOURS_WORDS = List.of("hours", "open", "opening", "closed", "closing", "horario", "abierto",
            "abiertos", "abierta", "abren", "abrís", "cerrado", "cerrados", "cierran", "horaires", "ouvert", "ouverts", "ouverte", "fermé",
            "fermés", "fermez", "öffnungszeiten", "geöffnet", "offen", "geschlossen", "orari", "orario", "aperto", "aperti", "chiuso",
            "chiusi", "horário", "aberto", "abertos", "fechado", "fechados");
    private static final String NAME_WORD = "\\p{L}[\\p{L}'’-]*";
    /** Phrases after which a name always follows, whatever its case. */
    private static final Pattern STRONG_NAME = Pattern.compile(
            "(?iu)(?:my name is|my name's|me llamo|mi nombre es|je m'appelle|je m’appelle|mon nom est|ich heiße|ich heisse|mein name ist"
            + "|mi chiamo|il mio nome è|meu nome é|meu nome e|chamo-me|me chamo|eu me chamo)\\s+((?:" + NAME_WORD + ")(?:\\s+" + NAME_WORD + "){0,3})");
    /** Phrases after which a capitalised word is a name ("I am Anna", not "I am tired"). */
    private static final Pattern WEAK_NAME = Pattern.compile(
            "(?u)(?:\\b[Tt]his is|\\b[Ii] am|\\b[Ii]'m|\\b[Ss]oy|\\b[Jj]e suis|\\b[Ii]ch bin|\\b[Ss]ono|\\b[Ss]ou|\\b[Hh]ier ist|\\b[Cc]'est)"
            + "\\s+(\\p{Lu}[\\p{L}'’-]*(?:\\s+\\p{Lu}[\\p{L}'’-]*){0,2})");
    /** Words that end a name: what usually follows it in a sentence. */
    private static final Set<String> AFTER_NAME = Languages.wordSet(
            "and", "y", "et", "und", "e", "my", "mi", "mon", "ma", "mein", "meine", "mio", "meu", "minha", "i", "je", "ich", "io", "eu",
            "from", "de", "von", "da", "calling", "here", "aquí", "ici", "hier", "qui", "aqui", "please", "thanks", "gracias", "merci",
            "danke", "grazie", "obrigado", "obrigada", "und", "the", "is", "es", "est", "ist", "è", "é", "y", "tel", "phone", "quiero",
            "want", "would", "voudrais", "möchte", "vorrei", "quero", "gostaria", "and", "et", "but", "pero", "mais", "aber", "ma", "mas");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w@.+])(\\+?\\d[\\d\\s().-]{5,}\\d)(?![\\w@])");
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}(?![A-Za-z0-9-])");

    /** Checked in this order: the first intent with a matching keyword wins. */
    private static final Map<Intent, List<String>> INTENT_KEYWORDS = intentKeywords();
    private static final Pattern QUESTION_WORDS = Pattern.compile(
            "(?iu)(?<!\\p{L})(what|when|where|how|do you|are you|qué|que hora|cuándo|cuando|dónde|donde|cómo|cuánto|quel|quelle|quand|où|comment"
            + "|combien|est-ce que|was|wann|wo|wie|cosa|quando|dove|come|quanto|o que|onde|quanto)(?!\\p{L})");

    private static final Map<String, String> DAY_WORDS = dayWords();
    /** Phrases where "mañana" or "morgen" mean "morning", not "tomorrow". */
    private static final List<String> NOT_A_DAY = List.of("guten morgen", "por la mañana", "de la mañana", "esta mañana", "en la mañana");

    private Extraction() {
    }

    /**
     * @param text what the caller said
     * @return the caller's name, each word capitalised, when they gave it
     */
    public static Optional<String> name(String text) {
        Matcher strong = STRONG_NAME.matcher(text);
        if (strong.find()) {
            return trimName(strong.group(1));
        }
        Matcher weak = WEAK_NAME.matcher(text);
        if (weak.find()) {
            return trimName(weak.group(1));
        }
        return Optional.empty();
    }

    private static Optional<String> trimName(String words) {
        List<String> kept = new ArrayList<>();
        for (String word : words.split("\\s+")) {
            if (AFTER_NAME.contains(word.toLowerCase(Locale.ROOT)) || kept.size() == 3) {
                break;
            }
            kept.add(Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return kept.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", kept));
    }

    /**
     * @param text what the caller said
     * @return the first phone number (7 to 15 digits, separators and a leading + kept as written)
     */
    public static Optional<String> phone(String text) {
        String withoutEmails = EMAIL.matcher(text).replaceAll(" ");
        Matcher matcher = PHONE.matcher(withoutEmails);
        while (matcher.find()) {
            String candidate = matcher.group(1).strip();
            long digits = candidate.chars().filter(Character::isDigit).count();
            if (digits >= 7 && digits <= 15 && !ISO_DATE.matcher(candidate).find()) {
                return Optional.of(candidate.replaceAll("\\s+", " "));
            }
        }
        return Optional.empty();
    }

    /**
     * @param text what the caller said
     * @return the first e-mail address, lower-cased
     */
    public static Optional<String> email(String text) {
        Matcher matcher = EMAIL.matcher(text);
        return matcher.find() ? Optional.of(matcher.group().toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * @param text what the caller said
     * @return what the caller wants, when their words tell
     */
    public static Optional<Intent> intent(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (Map.Entry<Intent, List<String>> entry : INTENT_KEYWORDS.entrySet()) {
            for (String keyword : entry.getValue()) {
                if (containsWord(lower, keyword)) {
                    return Optional.of(entry.getKey());
                }
            }
        }
        if (text.contains("?") || QUESTION_WORDS.matcher(text).find()) {
            return Optional.of(Intent.QUESTION);
        }
        return Optional.empty();
    }

    /**
     * @param text what the caller said
     * @return the day named relative to today, if any
     */
    public static Optional<RelativeDate> relativeDate(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String notADay : NOT_A_DAY) {
            lower = lower.replace(notADay, " ");
        }
        for (Map.Entry<String, String> entry : DAY_WORDS.entrySet()) {
            if (containsWord(lower, entry.getKey())) {
                return Optional.of(new RelativeDate(entry.getValue(), entry.getKey()));
            }
        }
        return Optional.empty();
    }

    /**
     * @param text what the caller said
     * @return a yes or a no; a yes wins when both are said
     */
    public static Optional<Confirmation> confirmation(String text) {
        if (mentionsAny(text, YES)) {
            return Optional.of(Confirmation.YES);
        }
        return mentionsAny(text, NO) ? Optional.of(Confirmation.NO) : Optional.empty();
    }

    /** @param text what the caller said @return whether it is about opening hours ("are you open?", "horario") */
    public static boolean mentionsOpeningHours(String text) {
        return mentionsAny(text, HOURS_WORDS);
    }

    private static boolean mentionsAny(String text, List<String> words) {
        String lower = text.toLowerCase(Locale.ROOT);
        return words.stream().anyMatch(word -> containsWord(lower, word));
    }

    /** Whether {@code phrase} occurs in {@code lowerText} with no letter directly before or after it. */
    static boolean containsWord(String lowerText, String phrase) {
        int from = 0;
        while (true) {
            int at = lowerText.indexOf(phrase, from);
            if (at < 0) {
                return false;
            }
            int end = at + phrase.length();
            boolean startOk = at == 0 || !Character.isLetter(lowerText.charAt(at - 1));
            boolean endOk = end == lowerText.length() || !Character.isLetter(lowerText.charAt(end));
            if (startOk && endOk) {
                return true;
            }
            from = at + 1;
        }
    }

    private static Map<Intent, List<String>> intentKeywords() {
        Map<Intent, List<String>> keywords = new LinkedHashMap<>();
        keywords.put(Intent.HUMAN, List.of("human", "real person", "a person", "an agent", "representative", "operator", "speak to someone",
                "talk to someone", "persona real", "humano", "un agente", "hablar con alguien", "hablar con una persona", "humain",
                "un conseiller", "quelqu'un", "une personne", "mensch", "mitarbeiter", "einem menschen", "eine person", "operatore",
                "una persona", "atendente", "uma pessoa", "falar com alguém"));
        keywords.put(Intent.CANCEL, List.of("cancel", "cancelar", "anular", "annuler", "stornieren", "absagen", "annullare", "disdire"));
        keywords.put(Intent.RESCHEDULE, List.of("reschedule", "move my appointment", "change my appointment", "reprogramar", "cambiar la cita",
                "cambiar mi cita", "déplacer", "reporter", "changer mon rendez-vous", "verschieben", "umbuchen", "spostare", "rimandare",
                "remarcar", "reagendar"));
        keywords.put(Intent.COMPLAINT, List.of("complaint", "complain", "queja", "reclamación", "reclamacion", "plainte", "réclamation",
                "beschwerde", "beschweren", "reclamo", "lamentela", "reclamação", "queixa"));
        keywords.put(Intent.BOOK, List.of("book", "appointment", "schedule", "reserve", "reservar", "cita", "pedir hora", "rendez-vous",
                "réserver", "reserver", "termin", "buchen", "vereinbaren", "appuntamento", "prenotare", "prenotazione", "marcar",
                "consulta", "agendar"));
        return keywords;
    }

    private static Map<String, String> dayWords() {
        // Longer phrases first, so "pasado mañana" is not read as "mañana".
        Map<String, String> days = new LinkedHashMap<>();
        for (String phrase : List.of("day after tomorrow", "pasado mañana", "après-demain", "übermorgen", "dopodomani", "depois de amanhã")) {
            days.put(phrase, "day after tomorrow");
        }
        for (String phrase : List.of("tomorrow", "mañana", "demain", "morgen", "domani", "amanhã", "amanha")) {
            days.put(phrase, "tomorrow");
        }
        for (String phrase : List.of("today", "hoy", "aujourd'hui", "heute", "oggi", "hoje")) {
            days.put(phrase, "today");
        }
        String[][] weekdays = {
                {"monday", "lunes", "lundi", "montag", "lunedì", "segunda-feira"},
                {"tuesday", "martes", "mardi", "dienstag", "martedì", "terça-feira"},
                {"wednesday", "miércoles", "mercredi", "mittwoch", "mercoledì", "quarta-feira"},
                {"thursday", "jueves", "jeudi", "donnerstag", "giovedì", "quinta-feira"},
                {"friday", "viernes", "vendredi", "freitag", "venerdì", "sexta-feira"},
                {"saturday", "sábado", "samedi", "samstag", "sabato", "sábado"},
                {"sunday", "domingo", "dimanche", "sonntag", "domenica", "domingo"}};
        for (String[] day : weekdays) {
            for (String word : day) {
                days.putIfAbsent(word, day[0]);
            }
        }
        return days;
    }
}
