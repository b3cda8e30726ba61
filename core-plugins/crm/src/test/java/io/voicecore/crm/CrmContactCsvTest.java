package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.json.Json;
import io.voicecore.testkit.PluginTestKit;
import io.voicecore.testkit.TestResponse;
import io.voicecore.testkit.TestTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CSV import and export of contacts through the plugin test kit, streamed as over HTTP: round trips between tenants,
 * invalid rows reported by line and row with nothing imported, {@code skipInvalid}, RFC 4180 quoting, duplicates,
 * header and file problems, export filters, and an import of 100,000 rows.
 */
class CrmContactCsvTest {
    static final String HEADER = "name,email,phone,company,tags,owner";
    static PluginTestKit kit;

    @BeforeAll
    static void start() {
        kit = PluginTestKit.builder(Path.of("target/classes")).config(Json.object().put("defaultCountryCode", "34").build())
                .withSecondTenant().start();
        // The same custom fields in both tenants, 'owner' colliding with the contact column of that name.
        for (TestTenant tenant : List.of(kit.tenant(), kit.secondTenant())) {
            define(tenant, Json.object().put("key", "vipLevel").put("label", "VIP level").put("type", "enum")
                    .put("values", List.of("gold", "silver")).build());
            define(tenant, Json.object().put("key", "since").put("label", "Customer since").put("type", "date").build());
            define(tenant, Json.object().put("key", "score").put("label", "Score").put("type", "number").build());
            define(tenant, Json.object().put("key", "active").put("label", "Active").put("type", "boolean").build());
            define(tenant, Json.object().put("key", "owner").put("label", "Owner code").put("type", "string").build());
        }
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    static void define(TestTenant tenant, Json field) {
        TestResponse defined = tenant.post("/custom-fields", field);
        assertEquals(201, defined.status(), defined.toString());
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** A phone number no other test uses: +34 7 then eight digits. */
    static String phone() {
        return "+347" + String.format("%08d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 100_000_000L));
    }

    static TestResponse importCsv(TestTenant tenant, String query, String csv) {
        return importBytes(tenant, query, csv.getBytes(StandardCharsets.UTF_8));
    }

    static TestResponse importBytes(TestTenant tenant, String query, byte[] csv) {
        return tenant.request(HttpMethod.POST, "/contacts/import" + query, Map.of("Content-Type", "text/csv; charset=utf-8"), csv);
    }

    static String export(TestTenant tenant, String query) {
        TestResponse exported = tenant.get("/contacts/export" + query);
        assertEquals(200, exported.status(), exported.toString());
        assertEquals("text/csv; charset=utf-8", exported.contentType().orElseThrow());
        assertEquals("attachment; filename=\"contacts.csv\"", exported.header("Content-Disposition").orElseThrow());
        return exported.body();
    }

    static List<Json> tagged(TestTenant tenant, String tag) {
        TestResponse list = tenant.get("/contacts?limit=200&tag=" + tag);
        assertEquals(200, list.status(), list.toString());
        return list.json().get("items").asList();
    }

    /** The members an import carries over (not ids, times or consent). */
    static Json portable(Json contact) {
        return Json.object().put("name", contact.get("name")).put("phones", contact.get("phones")).put("emails", contact.get("emails"))
                .put("company", contact.get("company")).put("tags", contact.get("tags")).put("owner", contact.get("owner"))
                .put("customFields", contact.get("customFields")).build();
    }

    static List<Event> importedEvents(TestTenant tenant) {
        return tenant.published(ContactImport.TOPIC);
    }

    @Test
    void anExportImportsIntoAnotherTenantUnchanged() {
        String tag = unique("trip");
        String shared = phone();
        List<Json> bodies = List.of(
                Json.object().put("name", "O'Brien, \"Bob\"").put("phones", List.of(shared, "+1 415 555 0101"))
                        .put("emails", List.of("bob@example.com", "b.obrien@Work.Example")).put("company", "Acme\nLabs, Inc.")
                        .put("tags", List.of("=SUM(A1)", tag, "a;b", "back\\slash")).put("owner", "user:1")
                        .put("customFields", Json.object().put("vipLevel", "gold").put("since", "2024-02-29").put("score", new java.math.BigDecimal("12.50"))
                                .put("active", true).put("owner", "-ops").build()).build(),
                Json.object().put("name", "=cmd|' /C calc'!A0").put("phone", phone()).put("tags", List.of(tag))
                        .put("customFields", Json.object().put("score", -3).put("active", false).build()).build(),
                Json.object().put("name", "Zoë Ünïcödé 日本").put("email", "zoe@example.jp").put("tags", List.of(tag)).build());
        for (Json body : bodies) {
            TestResponse created = kit.post("/contacts", body);
            assertEquals(201, created.status(), created.toString());
        }
        String exported = export(kit.tenant(), "?tag=" + tag);
        List<String> records = exported.lines().toList();
        assertEquals(HEADER + ",vipLevel,since,score,active,customFields.owner", records.get(0));
        assertTrue(exported.contains("\"O'Brien, \"\"Bob\"\"\""), exported);
        assertTrue(exported.contains("\"Acme\nLabs, Inc.\""), "a line break stays inside its quoted field: " + exported);
        assertTrue(exported.contains("'=SUM(A1);" + tag + ";a\\;b;back\\\\slash"), "formula guarded, list escaped: " + exported);
        assertTrue(exported.contains("'=cmd|' /C calc'!A0"), exported);
        assertTrue(exported.contains(",'-ops\r\n"), exported);
        assertTrue(exported.endsWith("\r\n"), "records end with CRLF");

        int contactsOfA = tagged(kit.tenant(), tag).size();
        int eventsOfB = importedEvents(kit.secondTenant()).size();
        TestResponse imported = importCsv(kit.secondTenant(), "", exported);
        assertEquals(200, imported.status(), imported.toString());
        assertEquals(3, imported.json().get("imported").asLong(), "the same phone in another tenant is no duplicate: " + imported);
        assertEquals(0, imported.json().get("skipped").asLong());

        assertEquals(exported, export(kit.secondTenant(), "?tag=" + tag), "exporting the import gives the same file");
        List<Json> original = tagged(kit.tenant(), tag).stream().map(CrmContactCsvTest::portable).toList();
        List<Json> copied = tagged(kit.secondTenant(), tag).stream().map(CrmContactCsvTest::portable).toList();
        assertEquals(original, copied);
        assertEquals(contactsOfA, tagged(kit.tenant(), tag).size(), "the first tenant gained nothing");

        List<Event> events = importedEvents(kit.secondTenant());
        assertEquals(eventsOfB + 1, events.size(), "one summary event per import");
        Json summary = events.get(events.size() - 1).payload();
        assertEquals(3, summary.get("imported").asLong());
        assertEquals(0, summary.get("skipped").asLong());
        assertTrue(kit.secondTenant().published(CrmPlugin.CONTACT_CREATED).stream()
                           .noneMatch(e -> e.payload().get("tags").asList().contains(Json.of(tag))), "no event per imported contact");
    }

    /**
     * Three valid rows (1, 3, 8) and five invalid ones; the quoted name of row 1 spans lines 2 and 3, so from there on a
     * row's line is its number plus two. Row 6 repeats row 1's phone (written with a space), row 7 an existing contact's.
     */
    static String mixedFile(String tag, String existingPhone, String[] phones) {
        String spaced = phones[0].substring(0, 3) + " " + phones[0].substring(3);
        return HEADER + ",vipLevel,score\n"
               + "\"Ada\nLovelace\",ada-" + tag + "@example.com," + phones[0] + ",," + tag + ",,gold,1\n"
               + "Bad Phone,,12ab,," + tag + ",,,\n"
               + "Grace,grace-" + tag + "@example.com," + phones[1] + ",Navy," + tag + ",,silver,2.5\n"
               + "Wrong,not-an-address,,," + tag + ",,platinum,many\n"
               + "Short row," + tag + "\n"
               + "Copy of Ada,," + spaced + ",," + tag + ",,,\n"
               + "Known,," + existingPhone + ",," + tag + ",,,\n"
               + "Linus,linus-" + tag + "@example.com," + phones[2] + ",," + tag + ",,,\n";
    }

    @Test
    void aNationalNumberOfAFileWithoutADefaultCountryCodeIsKeptForReviewAndExportedAsGiven() {
        String tag = unique("review");
        String csv = "name,phone,tags\nAna,\"600 123 456; +34 612 345 678\"," + tag + "\nBen,(91) 234-5678," + tag + "\n";
        TestResponse imported = importCsv(kit.secondTenant(), "", csv);
        assertEquals(200, imported.status(), imported.toString());
        assertEquals(2, imported.json().get("imported").asLong(), imported.toString());
        List<Json> contacts = tagged(kit.secondTenant(), tag);
        assertEquals(List.of(Json.of("+34612345678")), contacts.get(0).get("phones").asList());
        assertEquals(List.of(Json.of("600 123 456")), contacts.get(0).get("phonesToReview").asList());
        assertEquals(List.of(Json.of("(91) 234-5678")), contacts.get(1).get("phonesToReview").asList());
        assertTrue(contacts.stream().allMatch(c -> c.get("phoneNeedsReview").asBoolean()), contacts.toString());

        String exported = export(kit.secondTenant(), "?tag=" + tag + "&phoneNeedsReview=true");
        assertEquals(List.of("name,email,phone,company,tags,owner,vipLevel,since,score,active,customFields.owner",
                             "Ana,,+34612345678;600 123 456,," + tag + ",,,,,,", "Ben,,(91) 234-5678,," + tag + ",,,,,,"),
                     exported.lines().toList());
        contacts.forEach(c -> assertEquals(204, kit.secondTenant().delete("/contacts/" + c.get("id").asString()).status()));
        assertEquals(2, importCsv(kit.secondTenant(), "", exported).json().get("imported").asLong());
        assertEquals(exported, export(kit.secondTenant(), "?tag=" + tag), "the export imports again unchanged");

        TestResponse configured = importCsv(kit.tenant(), "", csv);
        assertEquals(2, configured.json().get("imported").asLong(), configured.toString());
        List<Json> read = tagged(kit.tenant(), tag);
        assertEquals(List.of(Json.of("+34600123456"), Json.of("+34612345678")), read.get(0).get("phones").asList(), "defaultCountryCode 34");
        assertEquals(List.of(Json.of("+34912345678")), read.get(1).get("phones").asList());
        assertTrue(read.stream().noneMatch(c -> c.get("phoneNeedsReview").asBoolean()), read.toString());
    }

    @Test
    void aFileWithInvalidRowsImportsNothingAndListsEachRowByLineAndRow() {
        String tag = unique("bad");
        TestResponse existing = kit.post("/contacts", Json.object().put("name", "Existing").put("phone", phone()).build());
        String existingPhone = existing.json().get("phones").asList().get(0).asString();
        String[] phones = {phone(), phone(), phone()};
        int eventsBefore = importedEvents(kit.tenant()).size();

        TestResponse refused = importCsv(kit.tenant(), "", mixedFile(tag, existingPhone, phones));
        assertEquals(422, refused.status(), refused.toString());
        Json problem = refused.json();
        assertEquals("urn:voicecore:plugin:crm:invalid-rows", problem.get("type").asString());
        assertTrue(problem.get("detail").asString().startsWith("5 of 8 rows are invalid, so nothing was imported."), problem.toString());
        assertTrue(problem.get("detail").asString().contains("skipInvalid=true"), problem.toString());
        assertEquals(8, problem.get("rows").asLong());
        assertEquals(5, problem.get("invalidRows").asLong());
        assertEquals(0, problem.get("imported").asLong());
        assertFalse(problem.get("errorsTruncated").asBoolean());

        List<String> errors = new ArrayList<>();
        for (Json error : problem.get("errors").asList()) {
            errors.add(error.get("line").asLong() + "/" + error.get("row").asLong() + " " + error.get("field").asOptionalString().orElse("-")
                       + ": " + error.get("reason").asString());
        }
        assertEquals(7, errors.size(), errors.toString());
        assertEquals(problem.get("errorCount").asLong(), errors.size());
        assertTrue(errors.get(0).startsWith("4/2 phone: '12ab' is not a phone number"), errors.toString());
        assertTrue(errors.get(1).startsWith("6/4 email: is not an e-mail address"), errors.toString());
        assertTrue(errors.get(2).startsWith("6/4 vipLevel: must be one of gold, silver"), errors.toString());
        assertTrue(errors.get(3).startsWith("6/4 score: must be a number"), errors.toString());
        assertTrue(errors.get(4).startsWith("7/5 -: has 2 fields; the header has 8 columns"), errors.toString());
        assertEquals("8/6 phone: " + phones[0] + " is also the phone of line 2 of this file", errors.get(5));
        assertTrue(errors.get(6).startsWith("9/7 phone: " + existingPhone + " is already the phone of contact "), errors.toString());

        assertEquals(List.of(), tagged(kit.tenant(), tag), "nothing was imported");
        assertEquals(eventsBefore, importedEvents(kit.tenant()).size(), "no event for a refused import");
    }

    @Test
    void aRowWhosePhoneOrAddressBelongsToAContactIsADuplicate() {
        String tag = unique("dup");
        String number = phone();
        TestResponse existing = kit.post("/contacts", Json.object().put("name", "Already here").put("phone", number)
                .put("email", "here-" + tag + "@Example.com").build());
        String id = existing.json().get("id").asString();
        String national = number.substring(3); // the same number written nationally, as defaultCountryCode 34 reads it
        TestResponse refused = importCsv(kit.tenant(), "", HEADER + "\nSame number," + "," + national + ",," + tag + ",\n"
                                                             + "Same address,here-" + tag + "@EXAMPLE.COM,,," + tag + ",\n");
        assertEquals(422, refused.status(), refused.toString());
        List<Json> errors = refused.json().get("errors").asList();
        assertEquals(2, errors.size(), refused.toString());
        assertEquals(number + " is already the phone of contact " + id + "; an import does not create duplicates",
                     errors.get(0).get("reason").asString());
        assertEquals(Json.of("email"), errors.get(1).get("field"));
        assertTrue(errors.get(1).get("reason").asString().contains("contact " + id), errors.toString());
        assertEquals(List.of(), tagged(kit.tenant(), tag));
    }

    @Test
    void aDuplicateOfARowInAnEarlierBatchIsReportedByItsLine() {
        String tag = unique("batch");
        String first = phone();
        StringBuilder csv = new StringBuilder("name,phone,tags\nFirst," + first + "," + tag + "\n");
        for (int i = 1; i < ContactImport.BATCH_ROWS + 100; i++) {
            csv.append("Filler ").append(i).append(",,").append(tag).append('\n');
        }
        csv.append("Late copy,").append(first).append(',').append(tag).append('\n');
        TestResponse refused = importCsv(kit.tenant(), "", csv.toString());
        assertEquals(422, refused.status(), refused.toString());
        Json error = refused.json().get("errors").asList().get(0);
        assertEquals(ContactImport.BATCH_ROWS + 102, error.get("line").asLong());
        assertEquals(first + " is also the phone of line 2 of this file", error.get("reason").asString(),
                     "found among the rows inserted by an earlier batch, and named by its line");
        assertEquals(List.of(), tagged(kit.tenant(), tag));
    }

    @Test
    void skipInvalidImportsTheValidRowsAndReportsTheOthers() {
        String tag = unique("skip");
        TestResponse existing = kit.post("/contacts", Json.object().put("name", "Existing").put("phone", phone()).build());
        String existingPhone = existing.json().get("phones").asList().get(0).asString();
        String[] phones = {phone(), phone(), phone()};
        int eventsBefore = importedEvents(kit.tenant()).size();

        TestResponse imported = importCsv(kit.tenant(), "?skipInvalid=true", mixedFile(tag, existingPhone, phones));
        assertEquals(200, imported.status(), imported.toString());
        Json report = imported.json();
        assertEquals(8, report.get("rows").asLong());
        assertEquals(3, report.get("imported").asLong(), report.toString());
        assertEquals(5, report.get("skipped").asLong());
        assertEquals(List.of(2L, 4L, 5L, 6L, 7L), report.get("errors").asList().stream().map(e -> e.get("row").asLong()).distinct().toList());

        List<Json> contacts = tagged(kit.tenant(), tag);
        assertEquals(List.of("Ada\nLovelace", "Grace", "Linus"), contacts.stream().map(c -> c.get("name").asString()).toList(),
                     "the valid rows, in the order of the file");
        Json ada = contacts.get(0);
        assertEquals(List.of(Json.of(phones[0])), ada.get("phones").asList());
        assertEquals("gold", ada.get("customFields").get("vipLevel").asString());
        assertEquals(1, ada.get("customFields").get("score").asLong());
        assertEquals(Json.NULL, ada.get("company"));
        assertFalse(ada.get("consent").get("marketing").asBoolean(), "an import records no consent");
        assertEquals("2.5", contacts.get(1).get("customFields").get("score").toString());

        List<Event> events = importedEvents(kit.tenant());
        assertEquals(eventsBefore + 1, events.size());
        Json summary = events.get(events.size() - 1).payload();
        assertEquals(3, summary.get("imported").asLong());
        assertEquals(5, summary.get("skipped").asLong());
        assertEquals(8, summary.get("rows").asLong());
        assertEquals(ada.get("createdAt"), summary.get("firstCreatedAt"));
        assertEquals(contacts.get(2).get("createdAt"), summary.get("lastCreatedAt"));

        TestResponse nothingValid = importCsv(kit.tenant(), "?skipInvalid=true", HEADER + "\n,,,,,\n");
        assertEquals(200, nothingValid.status(), nothingValid.toString());
        assertEquals(0, nothingValid.json().get("imported").asLong());
        assertEquals(events.size(), importedEvents(kit.tenant()).size(), "no event when nothing was imported");
    }

    @Test
    void quotingByteOrderMarksAndLineEndsFollowRfc4180() {
        String tag = unique("quote");
        String[] phones = {phone(), phone(), phone(), phone()};
        String crlf = "\uFEFFName,EMAIL,Phone,company,TAGS,owner\r\n"
                      + "\"Smith, Jane\",,\"" + phones[0] + "\",\"Quote \"\"Co\"\"\"," + tag + ",\r\n"
                      + "\r\n"
                      + "\"Multi\r\nLine\",,\"" + phones[1] + "\",,\"" + tag + "\",\"\"\r\n"
                      + "Last without line end,," + phones[2] + ",," + tag + ",";
        TestResponse imported = importBytes(kit.tenant(), "", crlf.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, imported.status(), imported.toString());
        assertEquals(3, imported.json().get("rows").asLong(), "a blank line is no row");
        TestResponse lf = importCsv(kit.tenant(), "", "name,phone,tags\nPlain LF," + phones[3] + "," + tag + "\n\n");
        assertEquals(200, lf.status(), lf.toString());

        List<Json> contacts = tagged(kit.tenant(), tag);
        assertEquals(List.of("Smith, Jane", "Multi\r\nLine", "Last without line end", "Plain LF"),
                     contacts.stream().map(c -> c.get("name").asString()).toList());
        assertEquals("Quote \"Co\"", contacts.get(0).get("company").asString());
        assertEquals(Json.NULL, contacts.get(1).get("owner"), "an empty quoted field is no value");
    }

    @Test
    void headerProblemsAreAllNamedAndNothingIsImported() {
        TestResponse unknown = importCsv(kit.tenant(), "", "name,email,foo,Phone,bar\nAda,,x,,y\n");
        assertEquals(422, unknown.status(), unknown.toString());
        assertEquals("urn:voicecore:plugin:crm:invalid-header", unknown.json().get("type").asString());
        String detail = unknown.json().get("detail").asString();
        assertTrue(detail.startsWith("The header names unknown columns 'foo', 'bar'"), detail);
        assertTrue(detail.contains("name, email, phone, company, tags, owner") && detail.contains("vipLevel"), detail);
        assertEquals(List.of("foo", "bar"), unknown.json().get("errors").asList().stream().map(e -> e.get("field").asString()).toList());

        TestResponse problems = importCsv(kit.tenant(), "", "email,phone,Email,,score,customFields.score\nx@example.com\n");
        assertEquals(422, problems.status(), problems.toString());
        List<String> reasons = problems.json().get("errors").asList().stream()
                .map(e -> e.get("field").asString() + ": " + e.get("reason").asString()).toList();
        assertEquals(List.of("Email: appears twice (columns 1 and 3)", ": column 4 has no name",
                             "customFields.score: appears twice (columns 5 and 6)", "name: is required: every contact has a name"), reasons);
    }

    @Test
    void filesThatAreNotUtf8CsvAreRefusedWithTheLine() {
        TestResponse unclosed = importCsv(kit.tenant(), "", "name,company\nAda,Acme\n\"Open,Quote\nBob,Inc\n");
        assertEquals(422, unclosed.status(), unclosed.toString());
        assertEquals("urn:voicecore:plugin:crm:malformed-csv", unclosed.json().get("type").asString());
        assertEquals(3, unclosed.json().get("line").asLong());
        assertTrue(unclosed.json().get("detail").asString().contains("not closed"), unclosed.toString());

        TestResponse trailing = importCsv(kit.tenant(), "", "name,company\n\"Ada\" Lovelace,Acme\n");
        assertEquals(422, trailing.status(), trailing.toString());
        assertEquals(2, trailing.json().get("line").asLong());

        byte[] latin1 = "name\nAda\nJos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        TestResponse notUtf8 = importBytes(kit.tenant(), "", latin1);
        assertEquals(422, notUtf8.status(), notUtf8.toString());
        assertEquals("urn:voicecore:plugin:crm:not-utf8", notUtf8.json().get("type").asString());

        assertEquals("urn:voicecore:plugin:crm:empty-file", importCsv(kit.tenant(), "", "").json().get("type").asString());
        TestResponse json = kit.request(HttpMethod.POST, "/contacts/import", Map.of("Content-Type", "application/json"),
                                        "[]".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, json.status(), json.toString());
        TestResponse latinDeclared = kit.request(HttpMethod.POST, "/contacts/import", Map.of("Content-Type", "text/csv; charset=iso-8859-1"),
                                                 latin1);
        assertEquals(415, latinDeclared.status(), latinDeclared.toString());
        assertEquals(400, importCsv(kit.tenant(), "?skipInvalid=maybe", "name\nAda\n").status());
    }

    @Test
    void theExportTakesTheFiltersOfTheListAndNoPaging() {
        String tag = unique("filter");
        String company = unique("Company");
        String csv = HEADER + "\n"
                     + "Filtered One,,," + company + "," + tag + ",user:9\n"
                     + "Filtered Two,,,Other," + tag + ",user:9\n"
                     + "Filtered Three,,," + company + "," + tag + ",user:8\n";
        assertEquals(200, importCsv(kit.tenant(), "", csv).status());
        assertEquals(List.of("Filtered One", "Filtered Three"), names(export(kit.tenant(), "?tag=" + tag + "&company=" + company.toLowerCase())));
        assertEquals(List.of("Filtered One", "Filtered Two"), names(export(kit.tenant(), "?tag=" + tag + "&owner=user:9")));
        assertEquals(List.of("Filtered Two"), names(export(kit.tenant(), "?tag=" + tag + "&q=filtered+two")));
        assertEquals(List.of(), names(export(kit.secondTenant(), "?tag=" + tag)), "another tenant's export has none of them");
        TestResponse paged = kit.get("/contacts/export?limit=10");
        assertEquals(400, paged.status(), paged.toString());
    }

    static List<String> names(String csv) {
        return csv.lines().skip(1).map(line -> line.substring(0, line.indexOf(','))).toList();
    }

    /** {@code count} rows generated as they are read, so the test holds no file. */
    static InputStream generated(int count, String tag) {
        return new SequenceInputStream(new Enumeration<InputStream>() {
            int next = -1;

            @Override
            public boolean hasMoreElements() {
                return next < count;
            }

            @Override
            public InputStream nextElement() {
                String text = next < 0 ? HEADER + ",score\n"
                        : "Bulk contact " + next + ",bulk" + next + "-" + tag + "@example.com,+3480" + String.format("%07d", next)
                          + ",Company " + (next % 500) + "," + tag + ";bulk,user:" + (next % 20) + "," + next + "\n";
                next++;
                return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void aHundredThousandRowImportWorks() {
        String tag = unique("bulk");
        int rows = 100_000;
        TestResponse imported = kit.request(HttpMethod.POST, "/contacts/import", Map.of("Content-Type", "text/csv"), generated(rows, tag));
        assertEquals(200, imported.status(), imported.toString());
        assertEquals(rows, imported.json().get("imported").asLong());
        assertEquals(0, imported.json().get("skipped").asLong());

        String exported = export(kit.tenant(), "?tag=" + tag);
        List<String> lines = exported.lines().toList();
        assertEquals(rows + 1, lines.size());
        assertEquals("Bulk contact 0,bulk0-" + tag + "@example.com,+34800000000,Company 0," + tag + ";bulk,user:0,,,0,,", lines.get(1));
        assertEquals("Bulk contact 99999,bulk99999-" + tag + "@example.com,+34800099999,Company 499," + tag + ";bulk,user:19,,,99999,,",
                     lines.get(rows));
    }
}
