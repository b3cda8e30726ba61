package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LanguagesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Hello, my name is John and I would like to book an appointment|en",
            "Me llamo Lucía García|es",
            "mi teléfono es 612 345 678|es",
            "quiero reservar una cita para mañana|es",
            "Bonjour, je m'appelle Marie et je voudrais un rendez-vous|fr",
            "Guten Tag, ich heiße Jürgen und möchte einen Termin für morgen|de",
            "Buongiorno, mi chiamo Giulia e vorrei un appuntamento per domani|it",
            "Olá, o meu nome é João e quero marcar uma consulta para amanhã|pt"})
    void detectsTheLanguageOfTypicalSentences(String text, String expected) {
        assertEquals(Optional.of(expected), Languages.detect(text, Languages.SUPPORTED));
    }

    @Test
    void aTextWithoutWordsKeepsTheConversationsLanguage() {
        assertEquals(Optional.empty(), Languages.detect("lucia@example.es", Languages.SUPPORTED));
        assertEquals("es", Languages.detect("lucia@example.es", "es", Languages.SUPPORTED));
        assertEquals("fr", Languages.detect("+33 6 12 34 56 78", "fr", Languages.SUPPORTED));
    }

    @Test
    void neverAnswersALanguageThatIsNotOffered() {
        assertEquals("en", Languages.detect("quiero reservar una cita para mañana", "en", List.of("en", "fr")));
    }
}
