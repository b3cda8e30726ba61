package io.voicecore.kernel.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Whatever a field holds, an RFC 4180 reader gets back exactly the fields the export wrote. */
class CsvQuotingProperties {

    @Property(tries = 500)
    void everyRowReadsBackAsWritten(@ForAll @Size(min = 1, max = 6) List<@StringLength(max = 12)
                                    @Chars({'a', 'Z', '0', ',', '"', '\r', '\n', ' ', '{', '\u00e9', '\u4e2d'}) String> fields)
            throws IOException {
        StringWriter out = new StringWriter();
        AuditExport.writeCsvRow(out, fields);
        AuditExport.writeCsvRow(out, fields);
        assertEquals(List.of(fields, fields), CsvReader.parse(out.toString()));
    }
}
