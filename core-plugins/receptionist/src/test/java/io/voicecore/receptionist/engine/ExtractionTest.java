package io.voicecore.receptionist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

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

    @Test
    void relativeDatesResolveFromToday() {
        java.time.LocalDate thursday = java.time.LocalDate.of(2026, 11, 26);
        assertEquals(thursday.plusDays(1), new RelativeDate("tomorrow", "mañana").resolve(thursday));
        assertEquals(java.time.LocalDate.of(2026, 11, 30), new RelativeDate("monday", "lunes").resolve(thursday));
        assertEquals(java.time.LocalDate.of(2026, 12, 3), new RelativeDate("thursday", "jueves").resolve(thursday));
    }
}
