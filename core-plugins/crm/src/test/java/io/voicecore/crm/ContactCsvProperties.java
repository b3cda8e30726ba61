package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** What the export writes, the import reads back unchanged: CSV records, list cells and formula guards. */
class ContactCsvProperties {

    /** Text rich in what CSV and the list and guard encodings must escape. */
    @Provide
    Arbitrary<String> awkwardText() {
        return Arbitraries.strings().withChars(',', '"', '\r', '\n', ';', '\\', '\'', '=', '+', '-', '@', '\t', ' ', 'a', 'é', '日')
                .ofMaxLength(12);
    }

    @Property
    void recordsWrittenAreReadBackFieldForField(@ForAll @Size(min = 1, max = 8) List<@From("awkwardText") String> first,
                                                @ForAll @Size(min = 1, max = 8) List<@From("awkwardText") String> second) throws Exception {
        StringWriter out = new StringWriter();
        ContactCsv.writeRecord(out, first);
        ContactCsv.writeRecord(out, second);
        CsvReader reader = new CsvReader(new StringReader("\uFEFF" + out));
        CsvReader.Record one = reader.next().orElseThrow();
        CsvReader.Record two = reader.next().orElseThrow();
        assertEquals(first, one.fields());
        assertEquals(second, two.fields());
        assertEquals(1, one.line());
        assertEquals(1 + lineBreaks(first), two.line(), "the second record starts after the line breaks inside the first");
        assertEquals(Optional.empty(), reader.next());
    }

    /** Line breaks as the reader counts them: CRLF, LF or a lone CR each end one line. */
    private static long lineBreaks(List<String> fields) {
        String text = String.join(",", fields) + "\r\n";
        long breaks = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                breaks++;
            }
        }
        return breaks;
    }

    @Property
    void listCellsKeepEveryValue(@ForAll @Size(max = 6) List<@From("awkwardText") String> raw) {
        // The import strips values and drops empty ones, as it does for any list member.
        List<String> values = new ArrayList<>();
        for (String value : raw) {
            if (!value.strip().isEmpty() && !values.contains(value.strip())) {
                values.add(value.strip());
            }
        }
        assertEquals(values, ContactCsv.splitList(ContactCsv.joinList(values)));
    }

    @Property
    void theFormulaGuardIsUndoneExactly(@ForAll("awkwardText") String cell) {
        String guarded = ContactCsv.guardFormula(cell);
        assertEquals(cell, ContactCsv.unguardFormula(guarded));
        if (!guarded.isEmpty()) {
            char first = guarded.charAt(0);
            assertEquals(false, first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r',
                         "a spreadsheet would run '" + guarded + "'");
        }
    }
}
