package io.voicecore.voice;

import java.util.Map;

/**
 * What the voice plugin says itself, in each of the receptionist's languages: what only a phone call has (voicemail,
 * the keypad menu, the queue, call-backs, recording, a technical problem). The receptionist says everything else. A
 * language without a sentence falls back to English.
 */
final class Prompts {
    private static final Map<String, Map<String, String>> SENTENCES = Map.of(
            "en", sentences(
                    "callback.soon", "Thank you. We'll call you back at this number shortly. Goodbye!",
                    "closed", "Thank you for calling {business}. We're closed right now. Please leave your name, your number and a message after the tone, and we'll call you back.",
                    "closed.unnamed", "Thank you for calling. We're closed right now. Please leave your name, your number and a message after the tone, and we'll call you back.",
                    "unavailable", "I'm sorry, nobody on our team can take your call right now. Please leave your name, your number and a message after the tone.",
                    "saved", "Thank you, we have your message. Goodbye!",
                    "repeat", "Sorry, I didn't catch that. Could you say it again?",
                    "menu", "Sorry, I'm having trouble understanding you. Press 1 to speak to a person, or 2 to leave a message.",
                    "connecting", "Putting you through to a member of our team; please hold.",
                    "problem", "I'm sorry, we're having a technical problem.",
                    "queue", "All our lines are busy. You are number {position} in line. Press 1 if you would rather be called back.",
                    "callback", "Thank you. We'll call you back at this number in about {minutes} minutes. Goodbye!",
                    "recorded", "This call may be recorded."),
            "es", sentences(
                    "callback.soon", "Gracias. Le llamaremos a este número en breve. ¡Hasta pronto!",
                    "closed", "Gracias por llamar a {business}. Ahora mismo estamos cerrados. Deje su nombre, su teléfono y un mensaje después de la señal y le llamaremos.",
                    "closed.unnamed", "Gracias por llamarnos. Ahora mismo estamos cerrados. Deje su nombre, su teléfono y un mensaje después de la señal y le llamaremos.",
                    "unavailable", "Lo siento, ahora mismo nadie de nuestro equipo puede atenderle. Deje su nombre, su teléfono y un mensaje después de la señal.",
                    "saved", "Gracias, hemos recibido su mensaje. ¡Hasta pronto!",
                    "repeat", "Perdone, no le he entendido. ¿Puede repetirlo?",
                    "menu", "Perdone, me cuesta entenderle. Pulse 1 para hablar con una persona o 2 para dejar un mensaje.",
                    "connecting", "Le paso con una persona de nuestro equipo; no cuelgue, por favor.",
                    "problem", "Lo siento, tenemos un problema técnico.",
                    "queue", "Todas nuestras líneas están ocupadas. Es usted el número {position} en la cola. Pulse 1 si prefiere que le llamemos.",
                    "callback", "Gracias. Le llamaremos a este número dentro de unos {minutes} minutos. ¡Hasta pronto!",
                    "recorded", "Esta llamada puede ser grabada."),
            "fr", sentences(
                    "callback.soon", "Merci. Nous vous rappellerons à ce numéro très bientôt. Au revoir !",
                    "closed", "Merci d'avoir appelé {business}. Nous sommes fermés en ce moment. Laissez votre nom, votre numéro et un message après le bip, nous vous rappellerons.",
                    "closed.unnamed", "Merci de nous avoir appelés. Nous sommes fermés en ce moment. Laissez votre nom, votre numéro et un message après le bip, nous vous rappellerons.",
                    "unavailable", "Désolé, personne dans notre équipe ne peut vous répondre pour le moment. Laissez votre nom, votre numéro et un message après le bip.",
                    "saved", "Merci, nous avons bien reçu votre message. Au revoir !",
                    "repeat", "Pardon, je n'ai pas compris. Pouvez-vous répéter ?",
                    "menu", "Pardon, j'ai du mal à vous comprendre. Tapez 1 pour parler à une personne, ou 2 pour laisser un message.",
                    "connecting", "Je vous passe un membre de notre équipe ; ne quittez pas.",
                    "problem", "Désolé, nous rencontrons un problème technique.",
                    "queue", "Toutes nos lignes sont occupées. Vous êtes le numéro {position} dans la file. Tapez 1 si vous préférez être rappelé.",
                    "callback", "Merci. Nous vous rappellerons à ce numéro dans environ {minutes} minutes. Au revoir !",
                    "recorded", "Cet appel peut être enregistré."),
            "de", sentences(
                    "callback.soon", "Danke. Wir rufen Sie in Kürze unter dieser Nummer zurück. Auf Wiederhören!",
                    "closed", "Danke für Ihren Anruf bei {business}. Wir haben gerade geschlossen. Bitte hinterlassen Sie nach dem Signalton Ihren Namen, Ihre Nummer und eine Nachricht; wir rufen Sie zurück.",
                    "closed.unnamed", "Danke für Ihren Anruf. Wir haben gerade geschlossen. Bitte hinterlassen Sie nach dem Signalton Ihren Namen, Ihre Nummer und eine Nachricht; wir rufen Sie zurück.",
                    "unavailable", "Leider kann gerade niemand aus unserem Team Ihren Anruf annehmen. Bitte hinterlassen Sie nach dem Signalton Ihren Namen, Ihre Nummer und eine Nachricht.",
                    "saved", "Danke, wir haben Ihre Nachricht erhalten. Auf Wiederhören!",
                    "repeat", "Entschuldigung, das habe ich nicht verstanden. Können Sie es wiederholen?",
                    "menu", "Entschuldigung, ich verstehe Sie schlecht. Drücken Sie 1 für einen Mitarbeiter oder 2, um eine Nachricht zu hinterlassen.",
                    "connecting", "Ich verbinde Sie mit einem Mitarbeiter; bitte bleiben Sie dran.",
                    "problem", "Entschuldigung, wir haben ein technisches Problem.",
                    "queue", "Alle Leitungen sind besetzt. Sie sind Nummer {position} in der Warteschlange. Drücken Sie 1, wenn Sie lieber zurückgerufen werden möchten.",
                    "callback", "Danke. Wir rufen Sie in etwa {minutes} Minuten unter dieser Nummer zurück. Auf Wiederhören!",
                    "recorded", "Dieser Anruf kann aufgezeichnet werden."),
            "it", sentences(
                    "callback.soon", "Grazie. La richiameremo a questo numero a breve. Arrivederci!",
                    "closed", "Grazie per aver chiamato {business}. In questo momento siamo chiusi. Lasci il suo nome, il suo numero e un messaggio dopo il segnale e la richiameremo.",
                    "closed.unnamed", "Grazie per averci chiamato. In questo momento siamo chiusi. Lasci il suo nome, il suo numero e un messaggio dopo il segnale e la richiameremo.",
                    "unavailable", "Mi dispiace, in questo momento nessuno del nostro team può rispondere. Lasci il suo nome, il suo numero e un messaggio dopo il segnale.",
                    "saved", "Grazie, abbiamo ricevuto il suo messaggio. Arrivederci!",
                    "repeat", "Mi scusi, non ho capito. Può ripetere?",
                    "menu", "Mi scusi, faccio fatica a capirla. Prema 1 per parlare con una persona o 2 per lasciare un messaggio.",
                    "connecting", "La passo a una persona del nostro team; resti in linea, per favore.",
                    "problem", "Mi dispiace, abbiamo un problema tecnico.",
                    "queue", "Tutte le nostre linee sono occupate. Lei è il numero {position} in coda. Prema 1 se preferisce essere richiamato.",
                    "callback", "Grazie. La richiameremo a questo numero tra circa {minutes} minuti. Arrivederci!",
                    "recorded", "Questa chiamata potrebbe essere registrata."),
            "pt", sentences(
                    "callback.soon", "Obrigado. Ligaremos para este número em breve. Até breve!",
                    "closed", "Obrigado por ligar para {business}. Neste momento estamos fechados. Deixe o seu nome, o seu número e uma mensagem depois do sinal e ligaremos de volta.",
                    "closed.unnamed", "Agradecemos a sua chamada. Neste momento estamos fechados. Deixe o seu nome, o seu número e uma mensagem depois do sinal e ligaremos de volta.",
                    "unavailable", "Lamento, neste momento ninguém da nossa equipa pode atender. Deixe o seu nome, o seu número e uma mensagem depois do sinal.",
                    "saved", "Obrigado, recebemos a sua mensagem. Até breve!",
                    "repeat", "Desculpe, não percebi. Pode repetir?",
                    "menu", "Desculpe, estou com dificuldade em percebê-lo. Prima 1 para falar com uma pessoa ou 2 para deixar uma mensagem.",
                    "connecting", "Vou passá-lo a uma pessoa da nossa equipa; não desligue, por favor.",
                    "problem", "Lamento, temos um problema técnico.",
                    "queue", "Todas as nossas linhas estão ocupadas. É o número {position} na fila. Prima 1 se preferir que lhe liguemos.",
                    "callback", "Obrigado. Ligaremos para este número dentro de cerca de {minutes} minutos. Até breve!",
                    "recorded", "Esta chamada pode ser gravada."));

    private Prompts() {
    }

    /** @param keysAndValues each sentence's key followed by the sentence @return them as a map */
    private static Map<String, String> sentences(String... keysAndValues) {
        Map<String, String> sentences = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            sentences.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Map.copyOf(sentences);
    }

    /**
     * @param language ISO 639-1 code
     * @param key      the sentence, e.g. {@code closed}
     * @param values   what fills its {@code {placeholders}}
     * @return the sentence in the language, or in English when the language has none
     */
    static String say(String language, String key, Map<String, String> values) {
        String sentence = SENTENCES.getOrDefault(language, SENTENCES.get("en")).get(key);
        if (sentence == null) {
            throw new IllegalArgumentException("no sentence '" + key + "'");
        }
        for (Map.Entry<String, String> value : values.entrySet()) {
            sentence = sentence.replace("{" + value.getKey() + "}", value.getValue());
        }
        return sentence;
    }

    static String say(String language, String key) {
        return say(language, key, Map.of());
    }
}
