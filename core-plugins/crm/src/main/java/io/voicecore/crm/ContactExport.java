package io.voicecore.crm;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;

/**
 * {@code GET /contacts/export}: every contact matching the filters of {@code GET /contacts} ({@code q}, {@code tag},
 * {@code company}, {@code owner}, {@code phoneNeedsReview}) as CSV in the columns of the import ({@link ContactCsv}), oldest first, streamed page
 * by page so that no more than one page is held in memory. UTF-8 without a byte order mark, records ended by CRLF.
 */
final class ContactExport {
    static final int PAGE_ROWS = 1000;

    private ContactExport() {
    }

    static Response handle(Request request, PluginContext context) {
        for (String paging : new String[] {"limit", "cursor"}) {
            if (request.query(paging).isPresent()) {
                throw new PluginProblem(400, "invalid-parameter", "The export has every matching contact and takes no '" + paging
                                                                  + "'; filter with q, tag, company, owner or phoneNeedsReview.");
            }
        }
        Optional<String> q = nonBlank(request.query("q"));
        Optional<String> qAsPhone = q.flatMap(text -> CrmPlugin.phoneNumbers(context).read(text).number());
        Optional<String> tag = nonBlank(request.query("tag"));
        Optional<String> company = nonBlank(request.query("company"));
        Optional<String> owner = nonBlank(request.query("owner"));
        Optional<Boolean> phoneNeedsReview = CrmPlugin.phoneNeedsReview(request);
        // Read before the first byte is sent: a failure here can still be answered as a problem.
        Map<String, CustomFields.Definition> definitions = CustomFields.all(context.storage());
        return Response.stream(200, "text/csv; charset=utf-8", out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            ContactCsv.writeRecord(writer, ContactCsv.exportHeader(definitions));
            Optional<Contacts.Position> after = Optional.empty();
            do {
                Contacts.Page page = Contacts.page(context.storage(), new Contacts.Query(q, qAsPhone, tag, company, owner, phoneNeedsReview,
                                                                                       PAGE_ROWS, after));
                for (Contact contact : page.items()) {
                    ContactCsv.writeRecord(writer, ContactCsv.row(contact, definitions));
                }
                writer.flush();
                after = page.next().map(Contacts.Position::decode);
            } while (after.isPresent());
        }).withHeader("Content-Disposition", "attachment; filename=\"contacts.csv\"");
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.map(String::strip).filter(text -> !text.isEmpty());
    }
}
