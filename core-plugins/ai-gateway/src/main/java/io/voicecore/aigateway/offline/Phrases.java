package io.voicecore.aigateway.offline;

import java.util.Map;

/**
 * The offline engine's sentences in each supported language. Placeholders in braces ({@code {name}}) are filled by
 * {@link #say}; a language without sentences falls back to English. A sentence that names the business has an
 * {@code .unnamed} form for a business that has given no name, written as each language thanks "us".
 */
final class Phrases {
    private static final Map<String, Map<String, String>> TEMPLATES = Map.of(
            "en", Map.ofEntries(
                    Map.entry("hours.open", "We're open right now, until {time}."),
                    Map.entry("hours.closed.today", "We're closed right now; we open again today at {time}."),
                    Map.entry("hours.closed.later", "We're closed right now; we open again on {day} at {time}."),
                    Map.entry("greeting", "Hello, thank you for contacting {business}. I'm {assistant}, how can I help you?"),
                    Map.entry("greeting.unnamed", "Hello, thank you for contacting us. I'm {assistant}, how can I help you?"),
                    Map.entry("ask.name", "May I have your name, please?"),
                    Map.entry("ask.phone", "Thank you{name}. What phone number can we reach you on?"),
                    Map.entry("ask.email", "And what is your email address?"),
                    Map.entry("offer.email", "If you'd like to leave an email address, please tell me it now; otherwise, just say no."),
                    Map.entry("ask.reason", "How can I help you today?"),
                    Map.entry("confirm", "Let me confirm: {details}. Is that correct?"),
                    Map.entry("confirmed", "Perfect, it's noted and the team will get back to you. Is there anything else?"),
                    Map.entry("correct", "Of course, what should I correct?"),
                    Map.entry("unknown", "I don't have that information, but I have noted your question for the team."),
                    Map.entry("reason.book", "an appointment"), Map.entry("reason.reschedule", "rescheduling your appointment"),
                    Map.entry("reason.cancel", "cancelling your appointment"), Map.entry("reason.question", "a question"),
                    Map.entry("reason.complaint", "a complaint"), Map.entry("reason.human", "speaking to a person"),
                    Map.entry("label.phone", "phone"), Map.entry("label.email", "email"), Map.entry("label.reason", "reason")),
            "es", Map.ofEntries(
                    Map.entry("hours.open", "Ahora mismo estamos abiertos, hasta las {time}."),
                    Map.entry("hours.closed.today", "Ahora mismo estamos cerrados; volvemos a abrir hoy a las {time}."),
                    Map.entry("hours.closed.later", "Ahora mismo estamos cerrados; volvemos a abrir el {day} a las {time}."),
                    Map.entry("greeting", "Hola, gracias por contactar con {business}. Soy {assistant}, ¿en qué puedo ayudarle?"),
                    Map.entry("greeting.unnamed", "Hola, gracias por contactar con nosotros. Soy {assistant}, ¿en qué puedo ayudarle?"),
                    Map.entry("ask.name", "¿Me puede decir su nombre, por favor?"),
                    Map.entry("ask.phone", "Gracias{name}. ¿En qué número de teléfono podemos localizarle?"),
                    Map.entry("ask.email", "¿Y cuál es su correo electrónico?"),
                    Map.entry("offer.email", "Si quiere dejarnos un correo electrónico, dígamelo ahora; si no, basta con que diga que no."),
                    Map.entry("ask.reason", "¿En qué puedo ayudarle hoy?"),
                    Map.entry("confirm", "Le confirmo: {details}. ¿Es correcto?"),
                    Map.entry("confirmed", "Perfecto, queda anotado y el equipo se pondrá en contacto con usted. ¿Algo más?"),
                    Map.entry("correct", "Por supuesto, ¿qué debo corregir?"),
                    Map.entry("unknown", "No tengo esa información, pero he anotado su pregunta para el equipo."),
                    Map.entry("reason.book", "una cita"), Map.entry("reason.reschedule", "cambiar su cita"),
                    Map.entry("reason.cancel", "cancelar su cita"), Map.entry("reason.question", "una pregunta"),
                    Map.entry("reason.complaint", "una queja"), Map.entry("reason.human", "hablar con una persona"),
                    Map.entry("label.phone", "teléfono"), Map.entry("label.email", "correo"), Map.entry("label.reason", "motivo")),
            "fr", Map.ofEntries(
                    Map.entry("hours.open", "Nous sommes ouverts en ce moment, jusqu'à {time}."),
                    Map.entry("hours.closed.today", "Nous sommes fermés en ce moment ; nous rouvrons aujourd'hui à {time}."),
                    Map.entry("hours.closed.later", "Nous sommes fermés en ce moment ; nous rouvrons {day} à {time}."),
                    Map.entry("greeting", "Bonjour, merci d'avoir contacté {business}. Je suis {assistant}, comment puis-je vous aider ?"),
                    Map.entry("greeting.unnamed", "Bonjour, merci de nous avoir contactés. Je suis {assistant}, comment puis-je vous aider ?"),
                    Map.entry("ask.name", "Puis-je avoir votre nom, s'il vous plaît ?"),
                    Map.entry("ask.phone", "Merci{name}. À quel numéro de téléphone pouvons-nous vous joindre ?"),
                    Map.entry("ask.email", "Et quelle est votre adresse e-mail ?"),
                    Map.entry("offer.email", "Si vous souhaitez nous laisser une adresse e-mail, donnez-la-moi maintenant ; sinon, dites simplement non."),
                    Map.entry("ask.reason", "Comment puis-je vous aider aujourd'hui ?"),
                    Map.entry("confirm", "Je récapitule : {details}. Est-ce correct ?"),
                    Map.entry("confirmed", "Parfait, c'est noté et l'équipe reviendra vers vous. Puis-je faire autre chose pour vous ?"),
                    Map.entry("correct", "Bien sûr, que dois-je corriger ?"),
                    Map.entry("unknown", "Je n'ai pas cette information, mais j'ai noté votre question pour l'équipe."),
                    Map.entry("reason.book", "un rendez-vous"), Map.entry("reason.reschedule", "déplacer votre rendez-vous"),
                    Map.entry("reason.cancel", "annuler votre rendez-vous"), Map.entry("reason.question", "une question"),
                    Map.entry("reason.complaint", "une réclamation"), Map.entry("reason.human", "parler à une personne"),
                    Map.entry("label.phone", "téléphone"), Map.entry("label.email", "e-mail"), Map.entry("label.reason", "motif")),
            "de", Map.ofEntries(
                    Map.entry("hours.open", "Wir haben gerade geöffnet, bis {time} Uhr."),
                    Map.entry("hours.closed.today", "Wir haben gerade geschlossen; wir öffnen heute wieder um {time} Uhr."),
                    Map.entry("hours.closed.later", "Wir haben gerade geschlossen; wir öffnen wieder am {day} um {time} Uhr."),
                    Map.entry("greeting", "Hallo, danke, dass Sie {business} kontaktieren. Ich bin {assistant}, wie kann ich Ihnen helfen?"),
                    Map.entry("greeting.unnamed", "Hallo, danke, dass Sie uns kontaktieren. Ich bin {assistant}, wie kann ich Ihnen helfen?"),
                    Map.entry("ask.name", "Darf ich bitte Ihren Namen erfahren?"),
                    Map.entry("ask.phone", "Danke{name}. Unter welcher Telefonnummer erreichen wir Sie?"),
                    Map.entry("ask.email", "Und wie lautet Ihre E-Mail-Adresse?"),
                    Map.entry("offer.email", "Wenn Sie uns eine E-Mail-Adresse hinterlassen möchten, nennen Sie sie mir bitte jetzt; sonst sagen Sie einfach Nein."),
                    Map.entry("ask.reason", "Wie kann ich Ihnen heute helfen?"),
                    Map.entry("confirm", "Ich fasse zusammen: {details}. Ist das richtig?"),
                    Map.entry("confirmed", "Perfekt, das ist notiert und das Team meldet sich bei Ihnen. Kann ich sonst noch helfen?"),
                    Map.entry("correct", "Natürlich, was soll ich korrigieren?"),
                    Map.entry("unknown", "Diese Information habe ich nicht, aber ich habe Ihre Frage für das Team notiert."),
                    Map.entry("reason.book", "einen Termin"), Map.entry("reason.reschedule", "Ihren Termin verschieben"),
                    Map.entry("reason.cancel", "Ihren Termin absagen"), Map.entry("reason.question", "eine Frage"),
                    Map.entry("reason.complaint", "eine Beschwerde"), Map.entry("reason.human", "mit einer Person sprechen"),
                    Map.entry("label.phone", "Telefon"), Map.entry("label.email", "E-Mail"), Map.entry("label.reason", "Anliegen")),
            "it", Map.ofEntries(
                    Map.entry("hours.open", "In questo momento siamo aperti, fino alle {time}."),
                    Map.entry("hours.closed.today", "In questo momento siamo chiusi; riapriamo oggi alle {time}."),
                    Map.entry("hours.closed.later", "In questo momento siamo chiusi; riapriamo {day} alle {time}."),
                    Map.entry("greeting", "Buongiorno, grazie per aver contattato {business}. Sono {assistant}, come posso aiutarla?"),
                    Map.entry("greeting.unnamed", "Buongiorno, grazie per averci contattato. Sono {assistant}, come posso aiutarla?"),
                    Map.entry("ask.name", "Posso avere il suo nome, per favore?"),
                    Map.entry("ask.phone", "Grazie{name}. A quale numero di telefono possiamo contattarla?"),
                    Map.entry("ask.email", "E qual è il suo indirizzo e-mail?"),
                    Map.entry("offer.email", "Se desidera lasciarci un indirizzo e-mail, me lo dica pure ora; altrimenti basta dire di no."),
                    Map.entry("ask.reason", "Come posso aiutarla oggi?"),
                    Map.entry("confirm", "Riepilogo: {details}. È corretto?"),
                    Map.entry("confirmed", "Perfetto, è annotato e il team la ricontatterà. Posso fare altro per lei?"),
                    Map.entry("correct", "Certo, cosa devo correggere?"),
                    Map.entry("unknown", "Non ho questa informazione, ma ho annotato la sua domanda per il team."),
                    Map.entry("reason.book", "un appuntamento"), Map.entry("reason.reschedule", "spostare il suo appuntamento"),
                    Map.entry("reason.cancel", "annullare il suo appuntamento"), Map.entry("reason.question", "una domanda"),
                    Map.entry("reason.complaint", "un reclamo"), Map.entry("reason.human", "parlare con una persona"),
                    Map.entry("label.phone", "telefono"), Map.entry("label.email", "e-mail"), Map.entry("label.reason", "motivo")),
            "pt", Map.ofEntries(
                    Map.entry("hours.open", "Neste momento estamos abertos, até às {time}."),
                    Map.entry("hours.closed.today", "Neste momento estamos fechados; voltamos a abrir hoje às {time}."),
                    Map.entry("hours.closed.later", "Neste momento estamos fechados; voltamos a abrir {day} às {time}."),
                    Map.entry("greeting", "Olá, obrigado por contactar {business}. Sou {assistant}, como posso ajudar?"),
                    Map.entry("greeting.unnamed", "Olá, agradecemos o seu contacto. Sou {assistant}, como posso ajudar?"),
                    Map.entry("ask.name", "Pode dizer-me o seu nome, por favor?"),
                    Map.entry("ask.phone", "Obrigado{name}. Em que número de telefone o podemos contactar?"),
                    Map.entry("ask.email", "E qual é o seu endereço de e-mail?"),
                    Map.entry("offer.email", "Se quiser deixar-nos um endereço de e-mail, pode dizer-mo agora; caso contrário, basta dizer que não."),
                    Map.entry("ask.reason", "Como posso ajudar hoje?"),
                    Map.entry("confirm", "Confirmo: {details}. Está correto?"),
                    Map.entry("confirmed", "Perfeito, fica registado e a equipa entrará em contacto consigo. Posso ajudar em mais alguma coisa?"),
                    Map.entry("correct", "Claro, o que devo corrigir?"),
                    Map.entry("unknown", "Não tenho essa informação, mas registei a sua pergunta para a equipa."),
                    Map.entry("reason.book", "uma consulta"), Map.entry("reason.reschedule", "remarcar a sua consulta"),
                    Map.entry("reason.cancel", "cancelar a sua consulta"), Map.entry("reason.question", "uma pergunta"),
                    Map.entry("reason.complaint", "uma reclamação"), Map.entry("reason.human", "falar com uma pessoa"),
                    Map.entry("label.phone", "telefone"), Map.entry("label.email", "e-mail"), Map.entry("label.reason", "motivo")));

    private Phrases() {
    }

    /**
     * @param language ISO 639-1 code
     * @param key      the sentence, e.g. {@code ask.phone}
     * @param values   placeholder values, by name
     * @return the sentence in the language with the placeholders filled
     */
    static String say(String language, String key, Map<String, String> values) {
        String template = TEMPLATES.getOrDefault(language, TEMPLATES.get("en")).get(key);
        if (template == null) {
            throw new IllegalArgumentException("no sentence '" + key + "'");
        }
        for (Map.Entry<String, String> value : values.entrySet()) {
            template = template.replace("{" + value.getKey() + "}", value.getValue());
        }
        return template;
    }

    /** @param language ISO 639-1 code @param key the sentence @return it, without placeholders to fill */
    static String say(String language, String key) {
        return say(language, key, Map.of());
    }
}
