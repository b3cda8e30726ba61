package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * National numbers read without a default country code, from where they were given: a locale's country first, then a
 * language only when its candidate countries agree, and otherwise kept as given for review, never lost.
 */
class PhoneOriginProperties {
    private static final PhoneNumbers NO_DEFAULT = new PhoneNumbers(Optional.empty());
    private static final List<String> LANGUAGES = List.of("en", "es", "fr", "de", "it", "pt", "nl");
    private static final List<String> LOCALES = List.of("es-ES", "es-MX", "es-CL", "es-PE", "es-UY", "es-419", "es_AR", "fr-FR", "fr-CA",
                                                        "de-AT", "it-IT", "pt-BR", "pt-PT", "en-US", "en-GB", "en-IE", "nl-NL");

    @Property(tries = 2000)
    void aNationalNumberIsNeverLost(@ForAll("national") String digits, @ForAll("separators") List<String> separators,
                                    @ForAll("origin") PhoneNumbers.Origin origin) {
        String written = interleave(digits, separators);
        PhoneNumbers.Reading reading = NO_DEFAULT.read(written, origin);
        switch (reading) {
            case PhoneNumbers.Normalised normalised -> assertTrue(normalised.e164().matches("\\+[1-9][0-9]{7,14}"), normalised.toString());
            case PhoneNumbers.Unresolved unresolved -> {
                assertEquals(digits, PhoneNumbers.digits(unresolved.given()), "the number is kept as given: " + written);
                assertEquals(written.strip().replaceAll("\\s+", " "), unresolved.given());
            }
            case PhoneNumbers.Invalid invalid -> throw new AssertionError(written + " with " + origin + " was refused: " + invalid);
        }
    }

    @Property(tries = 2000)
    void aLanguageSettlesOnlyANumberAllItsFittingCandidatesReadAlike(@ForAll("national") String digits, @ForAll("language") String language) {
        PhoneNumbers.Reading reading = NO_DEFAULT.read(digits, new PhoneNumbers.Origin(Optional.of(language), Optional.empty()));
        List<String> readings = NationalFormats.candidates(language).stream().flatMap(country -> country.e164(digits).stream()).distinct()
                .toList();
        if (readings.size() == 1) {
            assertEquals(Optional.of(readings.get(0)), reading.number(), digits + " in " + language);
        } else {
            assertInstanceOf(PhoneNumbers.Unresolved.class, reading, digits + " in " + language + " could be any of " + readings);
        }
    }

    @Property(tries = 2000)
    void aLocalesCountryComesBeforeTheLanguage(@ForAll("national") String digits, @ForAll("language") String language,
                                               @ForAll("knownCountry") String country) {
        PhoneNumbers.Reading reading = NO_DEFAULT.read(digits, new PhoneNumbers.Origin(Optional.of(language),
                                                                                        Optional.of("xx-" + country)));
        assertEquals(NationalFormats.country(country).orElseThrow().e164(digits), reading.number(), digits + " in " + country);
    }

    @Property(tries = 1000)
    void aNumberReadIsReadAgainUnchangedWhateverTheOrigin(@ForAll("national") String digits, @ForAll("origin") PhoneNumbers.Origin first,
                                                         @ForAll("origin") PhoneNumbers.Origin second) {
        NO_DEFAULT.read(digits, first).number().ifPresent(e164 -> assertEquals(Optional.of(e164), NO_DEFAULT.read(e164, second).number()));
    }

    @Property(tries = 1000)
    void aDefaultCountryCodeComesBeforeTheOrigin(@ForAll("national") String digits, @ForAll("origin") PhoneNumbers.Origin origin) {
        PhoneNumbers mexico = new PhoneNumbers(Optional.of("52"));
        assertEquals(mexico.read(digits), mexico.read(digits, origin));
    }

    @Example
    void spanishSixHundredIsSpainsAndNoOtherCandidatesNumber() {
        PhoneNumbers.Reading reading = NO_DEFAULT.read("600 123 456", spoken("es"));
        assertEquals(new PhoneNumbers.Normalised("+34600123456", "language es (Spain)"), reading);
        assertEquals(Optional.of("+34747123456"), NO_DEFAULT.read("747 12 34 56", spoken("es")).number());
        assertEquals(Optional.of("+34881123456"), NO_DEFAULT.read("881 123 456", spoken("es")).number());
    }

    @Example
    void spanishNumbersOtherSpanishSpeakingCountriesAlsoWriteStayUnresolved() {
        PhoneNumbers.Unresolved chile = (PhoneNumbers.Unresolved) NO_DEFAULT.read("612 345 678", spoken("es"));
        assertEquals("612 345 678", chile.given());
        assertTrue(chile.why().endsWith("Spain or Chile"), chile.why());
        PhoneNumbers.Unresolved mobile = (PhoneNumbers.Unresolved) NO_DEFAULT.read("912 345 678", spoken("es"));
        assertTrue(mobile.why().endsWith("Spain, Peru, Chile or Ecuador"), mobile.why());
        assertInstanceOf(PhoneNumbers.Unresolved.class, NO_DEFAULT.read("33 1234 5678", spoken("es")), "Guadalajara or Argentina");
    }

    @Example
    void aLocaleSettlesWhatTheLanguageLeavesOpen() {
        assertEquals(Optional.of("+34612345678"), NO_DEFAULT.read("612 345 678", locale("es-ES")).number());
        assertEquals(Optional.of("+56612345678"), NO_DEFAULT.read("612 345 678", locale("es-CL")).number());
        assertEquals(Optional.of("+51912345678"), NO_DEFAULT.read("912 345 678", locale("es_PE")).number());
        assertEquals(new PhoneNumbers.Normalised("+34612345678", "locale es-ES (Spain)"), NO_DEFAULT.read("612 345 678", locale("es-ES")));
        PhoneNumbers.Reading notSpanish = NO_DEFAULT.read("612 345 678", locale("fr-FR"));
        assertTrue(notSpanish instanceof PhoneNumbers.Unresolved unresolved && unresolved.why().contains("France"), notSpanish.toString());
    }

    @Example
    void aLocaleWhoseCountryIsNotKnownLeavesTheNumberUnresolvedRatherThanGuessFromItsLanguage() {
        PhoneNumbers.Reading uruguay = NO_DEFAULT.read("600 123 456", new PhoneNumbers.Origin(Optional.of("es"), Optional.of("es-UY")));
        assertTrue(uruguay instanceof PhoneNumbers.Unresolved unresolved && unresolved.why().contains("UY"), uruguay.toString());
        assertEquals(Optional.of("+34600123456"), NO_DEFAULT.read("600 123 456", locale("es-419")).number(), "a region, not a country");
    }

    @Example
    void eachLanguagesNationalForms() {
        assertEquals(Optional.of("+33612345678"), NO_DEFAULT.read("06 12 34 56 78", spoken("fr")).number());
        assertEquals(Optional.of("+49301234567"), NO_DEFAULT.read("030 1234567", spoken("de")).number());
        assertEquals(Optional.of("+4915123456789"), NO_DEFAULT.read("0151 23456789", spoken("de")).number());
        assertEquals(Optional.of("+390612345678"), NO_DEFAULT.read("06 1234 5678", spoken("it")).number(), "Italy keeps the 0");
        assertEquals(Optional.of("+393331234567"), NO_DEFAULT.read("333 123 4567", spoken("it")).number());
        assertEquals(Optional.of("+351912345678"), NO_DEFAULT.read("912 345 678", spoken("pt")).number());
        assertEquals(Optional.of("+5511987654321"), NO_DEFAULT.read("(11) 98765-4321", spoken("pt")).number());
        assertEquals(Optional.of("+5511987654321"), NO_DEFAULT.read("011 98765-4321", spoken("pt")).number(), "the trunk 0 is dropped");
        assertEquals(Optional.of("+14155550123"), NO_DEFAULT.read("(415) 555-0123", spoken("en")).number(), "the US and Canada agree on +1");
        assertEquals(Optional.of("+14155550123"), NO_DEFAULT.read("1 415 555 0123", spoken("en")).number());
        assertEquals(Optional.of("+442079460000"), NO_DEFAULT.read("020 7946 0000", spoken("en")).number());
        assertEquals(Optional.of("+541141234567"), NO_DEFAULT.read("011 4123-4567", spoken("es")).number());
        assertEquals(Optional.of("+525512345678"), NO_DEFAULT.read("55 1234 5678", spoken("es")).number());
        assertInstanceOf(PhoneNumbers.Unresolved.class, NO_DEFAULT.read("0412 345 678", spoken("en")), "the UK or Australia");
        assertInstanceOf(PhoneNumbers.Unresolved.class, NO_DEFAULT.read("06 12 34 56 78", spoken("nl")), "no candidates for Dutch");
    }

    @Example
    void tooFewDigitsForACompleteNumberAreRefused() {
        assertInstanceOf(PhoneNumbers.Invalid.class, NO_DEFAULT.read("12345", spoken("es")));
        assertInstanceOf(PhoneNumbers.Invalid.class, NO_DEFAULT.read("1234567890123456", spoken("es")));
        assertInstanceOf(PhoneNumbers.Invalid.class, NO_DEFAULT.read("600 CALL NOW", spoken("es")));
    }

    private static PhoneNumbers.Origin spoken(String language) {
        return new PhoneNumbers.Origin(Optional.of(language), Optional.empty());
    }

    private static PhoneNumbers.Origin locale(String locale) {
        return new PhoneNumbers.Origin(Optional.empty(), Optional.of(locale));
    }

    /** Digits of a national number: often with a common first digit or trunk prefix, 6 to 15 in all, never starting 00. */
    @Provide
    Arbitrary<String> national() {
        return Arbitraries.of("", "0", "1", "3", "6", "9", "60", "61", "01", "011", "02", "04", "06", "55", "91")
                .flatMap(prefix -> Arbitraries.strings().numeric().ofMinLength(Math.max(0, 6 - prefix.length())).ofMaxLength(15 - prefix.length())
                        .map(rest -> prefix + rest))
                .filter(digits -> !digits.startsWith("00"));
    }

    @Provide
    Arbitrary<String> language() {
        return Arbitraries.of(LANGUAGES);
    }

    @Provide
    Arbitrary<String> knownCountry() {
        return Arbitraries.of("US", "CA", "GB", "AU", "ES", "MX", "CO", "AR", "PE", "VE", "CL", "EC", "GT", "FR", "DE", "IT", "BR", "PT");
    }

    @Provide
    Arbitrary<PhoneNumbers.Origin> origin() {
        return Combinators.combine(Arbitraries.of(LANGUAGES).optional(0.8), Arbitraries.of(LOCALES).optional(0.4)).as(PhoneNumbers.Origin::new);
    }

    /** Formatting after each digit, short enough for the number to stay within {@link PhoneNumbers#MAX_GIVEN} characters. */
    @Provide
    Arbitrary<List<String>> separators() {
        return Arbitraries.of("", "", " ", "-", ".", "(", ")", "/", " - ").list().ofMaxSize(14);
    }

    private static String interleave(String plain, List<String> separators) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < plain.length(); i++) {
            out.append(plain.charAt(i));
            if (i < separators.size()) {
                out.append(separators.get(i));
            }
        }
        return out.toString();
    }
}
