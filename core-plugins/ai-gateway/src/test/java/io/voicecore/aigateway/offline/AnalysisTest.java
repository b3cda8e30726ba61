package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Analysis;
import io.voicecore.aigateway.api.Confirmation;
import io.voicecore.aigateway.api.Emotion;
import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.RelativeDate;
import org.junit.jupiter.api.Test;

class AnalysisTest {
    final OfflineEngine engine = new OfflineEngine();

    @Test
    void findsLanguageSentimentEmotionAndDetails() {
        Analysis analysis = engine.analyse("Me llamo Lucía García, mi teléfono es 612 345 678 y quiero una cita para mañana, gracias",
                                           Languages.SUPPORTED, Optional.of("en"));
        assertEquals("es", analysis.language());
        assertEquals(Emotion.HAPPY, analysis.emotion());
        assertEquals("positive", analysis.sentiment().label());
        assertTrue(analysis.sentiment().score() > 0.2);
        assertEquals(Optional.of("Lucía García"), analysis.details().name());
        assertEquals(Optional.of("612 345 678"), analysis.details().phone());
        assertEquals(Optional.of(Intent.BOOK), analysis.details().intent());
        assertEquals(Optional.of(new RelativeDate("tomorrow", "mañana")), analysis.details().date());
        assertEquals(Optional.empty(), analysis.details().email());
        assertTrue(analysis.details().givesDetails());
        assertFalse(analysis.details().mentionsOpeningHours());
    }

    @Test
    void aShortTextKeepsTheCurrentLanguageAndOnlyOfferedLanguagesAreFound() {
        assertEquals("fr", engine.analyse("lucia@example.es", Languages.SUPPORTED, Optional.of("fr")).language());
        assertEquals("en", engine.analyse("lucia@example.es", List.of("en", "es"), Optional.empty()).language(), "the first offered");
        assertEquals("en", engine.analyse("quiero reservar una cita para mañana", List.of("en", "fr"), Optional.of("en")).language());
        assertEquals("de", engine.analyse("ok", List.of("de", "en"), Optional.of("it")).language(),
                     "a current language no longer offered gives way to the first offered");
    }

    @Test
    void findsYesNoAndQuestionsAboutOpeningHours() {
        Analysis yes = engine.analyse("yes, that's correct", Languages.SUPPORTED, Optional.empty());
        assertEquals(Optional.of(Confirmation.YES), yes.details().confirmation());
        assertFalse(yes.details().givesDetails());
        Analysis hours = engine.analyse("Are you open on Saturday?", Languages.SUPPORTED, Optional.empty());
        assertTrue(hours.details().mentionsOpeningHours());
        assertEquals(Optional.of(Intent.QUESTION), hours.details().intent());
        assertEquals(Optional.of(new RelativeDate("saturday", "saturday")), hours.details().date());
    }

    @Test
    void anAngryMessageIsNegative() {
        Analysis angry = engine.analyse("This is unacceptable!", Languages.SUPPORTED, Optional.empty());
        assertEquals(Emotion.ANGRY, angry.emotion());
        assertEquals("negative", angry.sentiment().label());
    }

    @Test
    void refusesAnAnalysisWithoutLanguages() {
        assertThrows(IllegalArgumentException.class, () -> engine.analyse("hello", List.of(), Optional.empty()));
    }
}
