package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class CallerCountriesTest {

    @Test
    void aNumbersCountryTellsItsLanguageWhereOneLanguageIsSpoken() {
        assertEquals(Optional.of("es"), CallerCountries.language("+34612345678"));
        assertEquals(Optional.of("es"), CallerCountries.language("+5215512345678"));
        assertEquals(Optional.of("pt"), CallerCountries.language("+351912345678"));
        assertEquals(Optional.of("pt"), CallerCountries.language("+5511912345678"));
        assertEquals(Optional.of("fr"), CallerCountries.language("+33612345678"));
        assertEquals(Optional.of("de"), CallerCountries.language("+4915112345678"));
        assertEquals(Optional.of("it"), CallerCountries.language("+393123456789"));
        assertEquals(Optional.of("en"), CallerCountries.language("+447700900123"));
    }

    @Test
    void countriesOfSeveralLanguagesAndNoNumberTellNothing() {
        assertEquals(Optional.empty(), CallerCountries.language("+12125550101"), "the United States and Canada");
        assertEquals(Optional.empty(), CallerCountries.language("+32470123456"), "Belgium");
        assertEquals(Optional.empty(), CallerCountries.language("+41791234567"), "Switzerland");
        assertEquals(Optional.empty(), CallerCountries.language(""));
        assertEquals(Optional.empty(), CallerCountries.language(null));
    }
}
