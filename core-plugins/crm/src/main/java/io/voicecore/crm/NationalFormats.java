package io.voicecore.crm;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How complete phone numbers are written inside the countries whose numbers {@link PhoneNumbers} can place without a
 * country code, and which of those countries a conversation's language makes candidates.
 *
 * <p><b>Candidates of a language</b>: the countries where it is the first language of most people and that have more
 * than 15 million inhabitants, and for Portuguese also Portugal, where it comes from:
 * <ul>
 *   <li>{@code en}: United States, Canada (both +1), United Kingdom, Australia;</li>
 *   <li>{@code es}: Mexico, Colombia, Spain, Argentina, Peru, Venezuela, Chile, Ecuador, Guatemala;</li>
 *   <li>{@code fr}: France; {@code de}: Germany; {@code it}: Italy;</li>
 *   <li>{@code pt}: Brazil, Portugal.</li>
 * </ul>
 * A language settles a number only when every candidate whose national shape fits it gives the same E.164 number
 * ({@link #byLanguage}); a shape left out of a country's pattern (old or rare forms, such as Argentina's mobile numbers
 * with 15) fits no candidate, so such a number is never guessed. Callers from a country that is not a candidate (a Swiss
 * caller speaking French, an Uruguayan speaking Spanish) are read as the candidate whose shape their number fits, if
 * exactly one does: the reason a tenant should still set {@code defaultCountryCode}, and the reason a locale's country,
 * when the conversation carries one, comes before its language.
 *
 * <p>Shapes are the digits as written, formatting removed, with the trunk prefix where the country uses one. They are
 * deliberately broad within each country (a number the country could not have still fits when its length and first
 * digits are right): a broad shape can only make a language settle fewer numbers, never a wrong one among candidates.
 * This is not a numbering-plan library.
 */
final class NationalFormats {
    /**
     * A country's complete numbers as written inside it.
     *
     * @param iso         ISO 3166-1 alpha-2 code
     * @param name        the country's English name, for messages
     * @param callingCode its country calling code
     * @param trunk       the prefix written before national numbers and left out after the calling code ({@code 0},
     *                    {@code 1} in North America), empty when none; Italy keeps its leading 0, so it has none
     * @param shape       the complete national numbers, digits only, trunk prefix included where it is written
     */
    record Country(String iso, String name, String callingCode, String trunk, Pattern shape) {
        /** @param digits a number's digits as written nationally @return its E.164 form, when the digits fit this country's shape */
        Optional<String> e164(String digits) {
            if (!shape.matcher(digits).matches()) {
                return Optional.empty();
            }
            String national = !trunk.isEmpty() && digits.startsWith(trunk) ? digits.substring(trunk.length()) : digits;
            return Optional.of("+" + callingCode + national);
        }
    }

    private static final Map<String, Country> COUNTRIES = new LinkedHashMap<>();
    private static final Map<String, List<Country>> CANDIDATES = new LinkedHashMap<>();

    static {
        // North America: 10 digits, area code and exchange not starting with 0 or 1; 1 is the long-distance prefix.
        country("US", "the United States", "1", "1", "1?[2-9]\\d{2}[2-9]\\d{6}");
        country("CA", "Canada", "1", "1", "1?[2-9]\\d{2}[2-9]\\d{6}");
        country("GB", "the United Kingdom", "44", "0", "0[1-9]\\d{8,9}");
        country("AU", "Australia", "61", "0", "0[2-478]\\d{8}");
        // Spain: 9 digits, mobiles 6 and 7, fixed lines 8 and 9; no trunk prefix.
        country("ES", "Spain", "34", "", "[6-9]\\d{8}");
        country("MX", "Mexico", "52", "", "[2-9]\\d{9}");
        country("CO", "Colombia", "57", "", "3\\d{9}|60[1-8]\\d{7}");
        country("AR", "Argentina", "54", "0", "0?[1-3]\\d{9}");
        country("PE", "Peru", "51", "0", "9\\d{8}|0?1\\d{7}|0?[4-8]\\d{7}");
        country("VE", "Venezuela", "58", "0", "0?[24]\\d{9}");
        // Chile: mobiles 9, Santiago 2, the regions' two-digit area codes, and 800 numbers; 9 digits, no trunk prefix.
        country("CL", "Chile", "56", "", "9\\d{8}|2\\d{8}|(3[2-5]|4[1-35]|5[1-35578]|6[13457]|7[1-35])\\d{7}|800\\d{6}");
        country("EC", "Ecuador", "593", "0", "0?9\\d{8}|0?[2-7]\\d{7}");
        country("GT", "Guatemala", "502", "", "[2-7]\\d{7}");
        country("FR", "France", "33", "0", "0[1-9]\\d{8}");
        country("DE", "Germany", "49", "0", "0[1-9]\\d{5,10}");
        country("IT", "Italy", "39", "", "0\\d{5,10}|3\\d{8,9}");
        country("BR", "Brazil", "55", "0", "0?[1-9][1-9](9\\d{8}|[2-5]\\d{7})");
        country("PT", "Portugal", "351", "", "[2-9]\\d{8}");
        candidates("en", "US", "CA", "GB", "AU");
        candidates("es", "MX", "CO", "ES", "AR", "PE", "VE", "CL", "EC", "GT");
        candidates("fr", "FR");
        candidates("de", "DE");
        candidates("it", "IT");
        candidates("pt", "BR", "PT");
    }

    private NationalFormats() {
    }

    private static void country(String iso, String name, String callingCode, String trunk, String shape) {
        COUNTRIES.put(iso, new Country(iso, name, callingCode, trunk, Pattern.compile(shape)));
    }

    private static void candidates(String language, String... isoCodes) {
        CANDIDATES.put(language, Arrays.stream(isoCodes).map(COUNTRIES::get).toList());
    }

    /** @param iso an ISO 3166-1 alpha-2 code, any case @return the country, when its numbers are known here */
    static Optional<Country> country(String iso) {
        return Optional.ofNullable(COUNTRIES.get(iso.toUpperCase(Locale.ROOT)));
    }

    /** @param language an ISO 639-1 code, lower case @return the language's candidate countries; empty for another language */
    static List<Country> candidates(String language) {
        return CANDIDATES.getOrDefault(language, List.of());
    }

    /**
     * The reading a language gives a national number.
     *
     * @param fitting the candidates whose shape the number fits, in candidate order
     * @param e164    the number they all give, when there is exactly one (several countries may share a calling code)
     */
    record LanguageReading(List<Country> fitting, Optional<String> e164) {
    }

    /**
     * @param language an ISO 639-1 code, lower case
     * @param digits   a number's digits as written nationally
     * @return the candidates the number fits, and the number when they all agree on it
     */
    static LanguageReading byLanguage(String language, String digits) {
        List<Country> fitting = candidates(language).stream().filter(country -> country.e164(digits).isPresent()).toList();
        List<String> numbers = fitting.stream().map(country -> country.e164(digits).orElseThrow()).distinct().toList();
        return new LanguageReading(fitting, numbers.size() == 1 ? Optional.of(numbers.get(0)) : Optional.empty());
    }
}
