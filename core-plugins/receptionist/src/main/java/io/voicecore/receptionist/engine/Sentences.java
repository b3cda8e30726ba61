package io.voicecore.receptionist.engine;

import java.util.Map;
import java.util.Optional;

/**
 * What the receptionist says itself, whatever the language model: handing over to a person (when its escalation rules
 * say so; on a phone call, putting the caller through) and the goodbye, in each offered language. A language without
 * sentences falls back to English. A sentence that names the business has an {@code .unnamed} form for a business that
 * has given no name, written as each language thanks "us" ("Gracias por contactar con nosotros"), never with an English
 * stand-in for the name.
 */
public final class Sentences {
    private static final Map<String, Map<String, String>> TEMPLATES = Map.of(
            "en", Map.of(
                    "transfer", "I understand. I'm putting you through to a member of our team now; please hold.",
                    "escalate", "I understand. I'm passing you to a member of our team, who will contact you as soon as possible.",
                    "escalated", "A member of our team has been notified and will contact you shortly.",
                    "closed", "Thank you for calling {business}. Goodbye!",
                    "closed.unnamed", "Thank you for contacting us. Goodbye!"),
            "es", Map.of(
                    "transfer", "Lo entiendo. Le paso ahora con una persona de nuestro equipo; no cuelgue, por favor.",
                    "escalate", "Lo entiendo. Le paso con una persona de nuestro equipo, que le contactará lo antes posible.",
                    "escalated", "Una persona de nuestro equipo ya está avisada y le contactará en breve.",
                    "closed", "Gracias por contactar con {business}. ¡Hasta pronto!",
                    "closed.unnamed", "Gracias por contactar con nosotros. ¡Hasta pronto!"),
            "fr", Map.of(
                    "transfer", "Je comprends. Je vous passe un membre de notre équipe ; ne quittez pas, s'il vous plaît.",
                    "escalate", "Je comprends. Je transmets votre demande à un membre de notre équipe, qui vous contactera au plus vite.",
                    "escalated", "Un membre de notre équipe est prévenu et vous contactera très bientôt.",
                    "closed", "Merci d'avoir contacté {business}. Au revoir !",
                    "closed.unnamed", "Merci de nous avoir contactés. Au revoir !"),
            "de", Map.of(
                    "transfer", "Ich verstehe. Ich verbinde Sie jetzt mit einem Mitarbeiter; bitte bleiben Sie dran.",
                    "escalate", "Ich verstehe. Ich gebe Sie an einen Mitarbeiter weiter, der sich so schnell wie möglich meldet.",
                    "escalated", "Ein Mitarbeiter ist informiert und meldet sich in Kürze bei Ihnen.",
                    "closed", "Danke, dass Sie {business} kontaktiert haben. Auf Wiederhören!",
                    "closed.unnamed", "Danke, dass Sie uns kontaktiert haben. Auf Wiederhören!"),
            "it", Map.of(
                    "transfer", "Capisco. La passo subito a una persona del nostro team; resti in linea, per favore.",
                    "escalate", "Capisco. La passo a una persona del nostro team, che la contatterà il prima possibile.",
                    "escalated", "Una persona del nostro team è stata avvisata e la contatterà a breve.",
                    "closed", "Grazie per aver contattato {business}. Arrivederci!",
                    "closed.unnamed", "Grazie per averci contattato. Arrivederci!"),
            "pt", Map.of(
                    "transfer", "Compreendo. Vou passá-lo agora a uma pessoa da nossa equipa; não desligue, por favor.",
                    "escalate", "Compreendo. Vou passá-lo a uma pessoa da nossa equipa, que o contactará o mais depressa possível.",
                    "escalated", "Uma pessoa da nossa equipa já foi avisada e irá contactá-lo em breve.",
                    "closed", "Obrigado por contactar {business}. Até breve!",
                    "closed.unnamed", "Agradecemos o seu contacto. Até breve!"));

    private Sentences() {
    }

    /** @param language ISO 639-1 code @return the sentence handing the conversation over to a person, said once */
    public static String handover(String language) {
        return say(language, "escalate");
    }

    /** @param language ISO 639-1 code @return the sentence putting a phone caller through to a person, said once */
    public static String transfer(String language) {
        return say(language, "transfer");
    }

    /** @param language ISO 639-1 code @return what is said to a caller whose conversation a person has taken over */
    public static String handedOver(String language) {
        return say(language, "escalated");
    }

    /**
     * @param language ISO 639-1 code
     * @param business the business's name; empty when it has given none
     * @return the goodbye, naming the business, or thanking the caller for contacting "us" when it has no name
     */
    public static String goodbye(String language, Optional<String> business) {
        return business.map(String::strip).filter(name -> !name.isEmpty())
                .map(name -> say(language, "closed").replace("{business}", name))
                .orElseGet(() -> say(language, "closed.unnamed"));
    }

    private static String say(String language, String key) {
        return TEMPLATES.getOrDefault(language, TEMPLATES.get("en")).get(key);
    }
}
