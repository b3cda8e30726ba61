package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import io.voicecore.aigateway.api.Confirmation;
import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.RelativeDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExtractionTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Me llamo Lucía García|Lucía García",
            "hola, me llamo lucía garcía y quiero una cita|Lucía García",
            "My name is John Smith, and I need help|John Smith",
            "Je m'appelle Marie Curie|Marie Curie",
            "Ich heiße Jürgen Müller und möchte einen Termin|Jürgen Müller",
            "Mi chiamo Giulia Rossi|Giulia Rossi",
            "Meu nome é João Silva|João Silva",
            "Chamo-me Ana Sousa|Ana Sousa",
            "Hola, soy Pedro|Pedro",
            "Hi, I'm Anna Berg|Anna Berg"})
    void findsTheCallersName(String text, String name) {
        assertEquals(Optional.of(name), Extraction.name(text));
    }

    @Test
    void aWeakPhraseBeforeALowerCaseWordIsNoName() {
        assertEquals(Optional.empty(), Extraction.name("I am tired of waiting"));
        assertEquals(Optional.empty(), Extraction.name("soy muy paciente"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mi teléfono es 612 345 678|612 345 678",
            "call me on +1 (415) 555-0100 please|+1 (415) 555-0100",
            "mon numéro: 06.12.34.56.78|06.12.34.56.78",
            "+4915112345678|+4915112345678"})
    void findsPhoneNumbers(String text, String phone) {
        assertEquals(Optional.of(phone), Extraction.phone(text));
    }

    @Test
    void shortNumbersDatesAndEmailsAreNoPhoneNumbers() {
        assertEquals(Optional.empty(), Extraction.phone("room 12345"));
        assertEquals(Optional.empty(), Extraction.phone("on 2025-03-01"));
        assertEquals(Optional.empty(), Extraction.phone("write to user1234567@example.com"));
    }

    @Test
    void findsEmailsWithoutTrailingPunctuation() {
        assertEquals(Optional.of("lucia@example.es"), Extraction.email("mi correo es Lucia@Example.es."));
        assertEquals(Optional.empty(), Extraction.email("no email here @ all"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "quiero reservar una cita para mañana|BOOK",
            "I'd like to book an appointment|BOOK",
            "I need to reschedule my appointment|RESCHEDULE",
            "je veux annuler mon rendez-vous|CANCEL",
            "Ich möchte mich beschweren|COMPLAINT",
            "posso parlare con una persona?|HUMAN",
            "What are your opening hours?|QUESTION",
            "¿Dónde están?|QUESTION"})
    void findsTheIntent(String text, Intent intent) {
        assertEquals(Optional.of(intent), Extraction.intent(text));
    }

    @Test
    void plainStatementsHaveNoIntent() {
        assertEquals(Optional.empty(), Extraction.intent("Me llamo Lucía García"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "para mañana|tomorrow", "tomorrow please|tomorrow", "demain matin|tomorrow", "morgen|tomorrow", "domani|tomorrow",
            "amanhã|tomorrow", "pasado mañana|day after tomorrow", "on Friday|friday", "el lunes|monday", "aujourd'hui|today"})
    void findsRelativeDates(String text, String keyword) {
        assertEquals(Optional.of(keyword), Extraction.relativeDate(text).map(RelativeDate::keyword));
    }

    @Test
    void morningIsNotTomorrow() {
        assertEquals(Optional.empty(), Extraction.relativeDate("Guten Morgen, ich heiße Jürgen"));
        assertEquals(Optional.empty(), Extraction.relativeDate("llamé esta mañana"));
        assertEquals(Optional.of("tomorrow"), Extraction.relativeDate("mañana por la mañana").map(RelativeDate::keyword));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"yes, that's correct|YES", "sí|YES", "oui, exactement|YES", "ja genau|YES", "no|NO",
            "nein, falsch|NO", "não|NO", "yes, no problem|YES"})
    void findsAYesOrANoAndAYesWins(String text, Confirmation confirmation) {
        assertEquals(Optional.of(confirmation), Extraction.confirmation(text));
    }

    @Test
    void aTextWithoutYesOrNoConfirmsNothing() {
        assertEquals(Optional.empty(), Extraction.confirmation("my email is a@b.co"));
        assertEquals(Optional.empty(), Extraction.confirmation("nobody knows"), "whole words only");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"Are you open on Saturday?", "¿Cuál es su horario?", "¿Están abiertos hoy?", "Quels sont vos horaires ?",
            "Wann haben Sie geöffnet?", "Siete aperti domani?", "Estão abertos?", "When are you closed?"})
    void findsQuestionsAboutOpeningHours(String text) {
        assertTrue(Extraction.mentionsOpeningHours(text), text);
    }

    @Test
    void otherTextsAreNotAboutOpeningHours() {
        assertFalse(Extraction.mentionsOpeningHours("Is there parking close to you?"));
        assertFalse(Extraction.mentionsOpeningHours("Me llamo Lucía"));
    }
}
