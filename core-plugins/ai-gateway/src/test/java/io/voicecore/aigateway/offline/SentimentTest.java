package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicecore.aigateway.api.Emotion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SentimentTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Thank you, that's perfect!|HAPPY",
            "muchas gracias, perfecto|HAPPY",
            "This is unacceptable!|ANGRY",
            "c'est inadmissible, je suis furieux|ANGRY",
            "I'm so frustrated, this is useless|FRUSTRATED",
            "estoy harta, esto es inútil|FRUSTRATED",
            "ich bin traurig|SAD",
            "I would like an appointment|NEUTRAL"})
    void findsTheEmotion(String text, Emotion emotion) {
        assertEquals(emotion, Sentiment.of(text).emotion());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"I am not happy", "no estoy contento", "je ne suis pas content", "ich bin nicht froh"})
    void negationTurnsPositiveWordsNegative(String text) {
        Sentiment sentiment = Sentiment.of(text);
        assertTrue(sentiment.score() < 0, sentiment.toString());
        assertEquals("negative", sentiment.label());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"not bad", "no está mal", "nicht schlecht"})
    void negatedNegativeWordsAreNotNegative(String text) {
        assertEquals(0.0, Sentiment.of(text).score());
    }
}
