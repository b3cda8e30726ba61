package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PromptsTest {
    static final List<String> KEYS = List.of("closed", "closed.unnamed", "unavailable", "saved", "repeat", "menu", "connecting", "problem", "queue",
                                             "callback", "callback.soon", "recorded");

    @Test
    void everyLanguageSaysEverySentenceInItsOwnWords() {
        for (String language : List.of("es", "fr", "de", "it", "pt")) {
            for (String key : KEYS) {
                String sentence = Prompts.say(language, key, Map.of("business", "Clínica Sol", "position", "2", "minutes", "10"));
                assertFalse(sentence.equals(Prompts.say("en", key, Map.of("business", "Clínica Sol", "position", "2", "minutes", "10"))),
                            language + " " + key);
                assertFalse(sentence.contains("{"), language + " " + key + ": " + sentence);
            }
        }
    }

    @Test
    void anotherLanguageFallsBackToEnglish() {
        assertEquals("Sorry, I didn't catch that. Could you say it again?", Prompts.say("nl", "repeat"));
        assertEquals("Gracias por llamar a Clínica Sol. Ahora mismo estamos cerrados. Deje su nombre, su teléfono y un mensaje después de "
                     + "la señal y le llamaremos.", Prompts.say("es", "closed", Map.of("business", "Clínica Sol")));
    }
}
