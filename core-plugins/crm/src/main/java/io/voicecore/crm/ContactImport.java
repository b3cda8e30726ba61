package io.voicecore.crm;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * {@code POST /contacts/import}: contacts from a CSV file ({@link ContactCsv} describes the columns), streamed.
 *
 * <p>One pass over the body, in constant memory: rows are validated as {@code POST /contacts} validates a body and
 * inserted in batches of {@value #BATCH_ROWS}, all in one storage transaction. If any row is invalid, the transaction
 * is rolled back at the end and the answer is 422 {@code invalid-rows} listing the first {@value #MAX_REPORTED_ERRORS}
 * errors with their line and row; with {@code ?skipInvalid=true} the valid rows are kept and the invalid ones
 * reported as skipped. A row whose phone number or e-mail address belongs to an existing contact, or to an earlier
 * row of the file, is invalid: an import never creates duplicates (merge them with {@code POST /contacts/{id}/merge}).
 * A national number whose country nothing settles is kept on the contact to review, as {@code POST /contacts} keeps it;
 * such numbers are not checked for duplicates (without a country, two of them may be different numbers).
 * One {@value #TOPIC} event summarises an import instead of one {@code crm.contact.created} per row.
 *
 * <p>Imported contacts get ids made of a random part shared by the import and the row's line (UUID version 8), so a
 * duplicate found in the database among this import's own rows is reported by its line.
 */
final class ContactImport {
    static final String TOPIC = "crm.contacts.imported";
    static final int BATCH_ROWS = 500;
    /** Phones and e-mails looked up per batch at most, which keeps the duplicate query's result within the row limit. */
    static final int BATCH_KEYS = 4000;
    static final int MAX_REPORTED_ERRORS = 1000;
    private static final long LINE_MASK = (1L << 62) - 1;

    private ContactImport() {
    }

    static Response handle(Request request, PluginContext context) throws IOException {
        String type = request.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("text/csv")) {
            throw new PluginProblem(415, "unsupported-media-type", "Send the file as the body with 'Content-Type: text/csv', in UTF-8.");
        }
        if (type.contains("charset=") && !type.replace(" ", "").matches(".*charset=\"?utf-8\"?.*")) {
            throw new PluginProblem(415, "unsupported-media-type", "Only UTF-8 files are accepted; save the file as UTF-8 and send"
                                                                   + " 'Content-Type: text/csv; charset=utf-8'.");
        }
        boolean skipInvalid = request.query("skipInvalid").map(ContactImport::flag).orElse(false);
        PhoneNumbers phoneNumbers = CrmPlugin.phoneNumbers(context);
        Report report;
        try {
            report = context.storage().transaction(storage -> {
                Report done = read(request, storage, phoneNumbers);
                if (done.invalidRows > 0 && !skipInvalid) {
                    throw done.problem(); // rolls the transaction back: nothing is imported
                }
                if (done.imported > 0) {
                    context.events().publish(TOPIC, done.event());
                }
                return done;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return Response.ok(report.toJson());
    }

    private static boolean flag(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new PluginProblem(400, "invalid-parameter", "skipInvalid must be true or false, not '" + text + "'.");
        };
    }

    /** Reads, checks and inserts every row; the report says what was imported and what is wrong. */
    private static Report read(Request request, Storage storage, PhoneNumbers phoneNumbers) {
        Map<String, CustomFields.Definition> definitions = CustomFields.all(storage);
        CsvReader csv = new CsvReader(new InputStreamReader(request.bodyStream(), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        try {
            CsvReader.Record header = csv.next().filter(record -> !record.blank()).orElseThrow(() -> new PluginProblem(422, "empty-file",
                    "The file is empty; its first line must be the header, e.g. name,email,phone,company,tags,owner."));
            Batch batch = new Batch(storage, columns(header, definitions), new ContactChanges(phoneNumbers), definitions);
            for (Optional<CsvReader.Record> record = csv.next(); record.isPresent(); record = csv.next()) {
                if (!record.get().blank()) {
                    batch.add(record.get());
                }
            }
            batch.flush();
            return batch.report;
        } catch (CsvReader.MalformedCsv malformed) {
            throw new PluginProblem(422, "malformed-csv", "The file is not valid CSV: " + malformed.getMessage()
                                                          + ". Nothing was imported.", Map.of("line", Json.of(malformed.line())));
        } catch (CharacterCodingException e) {
            throw new PluginProblem(422, "not-utf8", "The file is not UTF-8 text (an invalid byte on line " + csv.line()
                                                     + "); save it as UTF-8 and send it again. Nothing was imported.",
                                    Map.of("line", Json.of(csv.line())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's columns from its header; every problem with the header at once. */
    private static List<ContactCsv.Column> columns(CsvReader.Record header, Map<String, CustomFields.Definition> definitions) {
        List<ContactCsv.Column> columns = new ArrayList<>();
        List<Json> errors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip();
            Optional<ContactCsv.Column> column = name.isEmpty() ? Optional.empty() : ContactCsv.column(name, definitions);
            if (name.isEmpty()) {
                errors.add(headerError(name, "column " + (i + 1) + " has no name"));
            } else if (column.isEmpty()) {
                unknown.add(name);
                errors.add(headerError(name, "is not a contact column or a custom field key"));
            } else {
                String identity = column.get().standard().orElseGet(() -> ContactCsv.CUSTOM_PREFIX + column.get().custom().orElseThrow().key());
                Integer first = seen.putIfAbsent(identity, i + 1);
                if (first != null) {
                    errors.add(headerError(name, "appears twice (columns " + first + " and " + (i + 1) + ")"));
                }
                columns.add(column.get());
            }
        }
        if (!seen.containsKey(ContactCsv.NAME)) {
            errors.add(headerError(ContactCsv.NAME, "is required: every contact has a name"));
        }
        if (errors.isEmpty()) {
            return columns;
        }
        String known = "use " + String.join(", ", ContactCsv.STANDARD)
                       + (definitions.isEmpty() ? "; no custom fields are defined" : ", or a custom field key: " + String.join(", ", definitions.keySet()));
        String detail = unknown.isEmpty() ? "The header row is not valid; " + known + "."
                : "The header names unknown columns " + String.join(", ", unknown.stream().map(n -> "'" + n + "'").toList()) + "; " + known + ".";
        throw new PluginProblem(422, "invalid-header", detail + " Nothing was imported.", Map.of("errors", Json.of(errors)));
    }

    private static Json headerError(String column, String reason) {
        return Json.object().put("line", 1).put("field", column).put("reason", reason).build();
    }

    /** A valid row waiting for its batch's duplicate check and insert. */
    private record Pending(long line, long row, Contact contact) {
    }

    /** The rows read since the last insert, and everything needed to check and insert them. */
    private static final class Batch {
        private final Storage storage;
        private final List<ContactCsv.Column> columns;
        private final ContactChanges changes;
        private final Map<String, CustomFields.Definition> definitions;
        private final long idPrefix = (UUID.randomUUID().getMostSignificantBits() & ~0xF000L) | 0x8000L; // UUID version 8
        private final List<Pending> pending = new ArrayList<>();
        private int pendingKeys;
        private Instant lastCreated = Instant.EPOCH;
        final Report report = new Report();

        Batch(Storage storage, List<ContactCsv.Column> columns, ContactChanges changes, Map<String, CustomFields.Definition> definitions) {
            this.storage = storage;
            this.columns = columns;
            this.changes = changes;
            this.definitions = definitions;
        }

        void add(CsvReader.Record record) {
            long row = ++report.rows;
            if (record.fields().size() != columns.size()) {
                report.invalid(record.line(), row, List.of(new FieldErrors.FieldError(null, "has " + record.fields().size()
                        + " fields; the header has " + columns.size() + " columns (quote a value that contains a comma)")));
                return;
            }
            FieldErrors errors = new FieldErrors();
            Instant createdAt = nextCreatedAt();
            Contact parsed = changes.create(ContactCsv.body(columns, record.fields()), createdAt, errors);
            CustomFields.check(parsed.customFields(), definitions, errors);
            if (!errors.isEmpty()) {
                report.invalid(record.line(), row, errors.entries().stream()
                        .map(e -> new FieldErrors.FieldError(ContactCsv.columnOf(e.field(), columns), e.problem())).toList());
                return;
            }
            UUID id = new UUID(idPrefix, Long.MIN_VALUE | record.line()); // variant bits 10, then the line
            Contact contact = new Contact(id, parsed.name(), parsed.company(), parsed.owner(), parsed.phones(), parsed.phonesToReview(),
                                          parsed.emails(), parsed.tags(), false, false, parsed.customFields(), createdAt, createdAt);
            pending.add(new Pending(record.line(), row, contact));
            pendingKeys += contact.phones().size() + contact.emails().size();
            if (pending.size() >= BATCH_ROWS || pendingKeys >= BATCH_KEYS) {
                flush();
            }
        }

        /** Creation times in file order, so an import lists (and exports) in the order of its file. */
        private Instant nextCreatedAt() {
            Instant now = CrmPlugin.now();
            lastCreated = now.isAfter(lastCreated) ? now : lastCreated.plusNanos(1000);
            return lastCreated;
        }

        /** Refuses the pending rows that duplicate a contact or an earlier row, and inserts the others. */
        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            Set<String> phones = new LinkedHashSet<>();
            Set<String> emails = new LinkedHashSet<>();
            pending.forEach(p -> {
                phones.addAll(p.contact().phones());
                emails.addAll(p.contact().emails());
            });
            Map<String, UUID> taken = existing(phones, emails);
            Map<String, Long> earlier = new HashMap<>();
            List<Pending> clean = new ArrayList<>();
            for (Pending p : pending) {
                List<FieldErrors.FieldError> errors = new ArrayList<>();
                duplicates(p.contact().phones(), "phone", taken, earlier, errors);
                duplicates(p.contact().emails(), "email", taken, earlier, errors);
                if (!errors.isEmpty()) {
                    report.invalid(p.line(), p.row(), errors);
                    continue;
                }
                p.contact().phones().forEach(phone -> earlier.putIfAbsent("phone:" + phone, p.line()));
                p.contact().emails().forEach(email -> earlier.putIfAbsent("email:" + email, p.line()));
                clean.add(p);
            }
            insert(clean);
            pending.clear();
            pendingKeys = 0;
        }

        private void duplicates(List<String> values, String kind, Map<String, UUID> taken, Map<String, Long> earlier,
                                List<FieldErrors.FieldError> errors) {
            for (String value : values) {
                String key = kind + ":" + value;
                UUID owner = taken.get(key);
                Long line = earlier.get(key);
                if (owner != null && owner.getMostSignificantBits() == idPrefix) {
                    errors.add(new FieldErrors.FieldError(kind, value + " is also the " + kind + " of line "
                                                                + (owner.getLeastSignificantBits() & LINE_MASK) + " of this file"));
                } else if (owner != null) {
                    errors.add(new FieldErrors.FieldError(kind, value + " is already the " + kind + " of contact " + owner
                                                                + "; an import does not create duplicates"));
                } else if (line != null) {
                    errors.add(new FieldErrors.FieldError(kind, value + " is also the " + kind + " of line " + line + " of this file"));
                }
            }
        }

        /**
         * A contact (including rows this import inserted already) having each of the phones or e-mails, by kind and value:
         * equality lookups in {@code contact_keys}, which its triggers keep in step with the contacts.
         */
        private Map<String, UUID> existing(Set<String> phones, Set<String> emails) {
            Map<String, UUID> found = new HashMap<>();
            if (phones.isEmpty() && emails.isEmpty()) {
                return found;
            }
            for (Row row : storage.query("SELECT DISTINCT ON (kind, value) kind, value, contact_id FROM contact_keys "
                    + "WHERE (kind = 'phone' AND value = ANY (ARRAY(SELECT jsonb_array_elements_text(?::jsonb)))) "
                    + "OR (kind = 'email' AND value = ANY (ARRAY(SELECT jsonb_array_elements_text(?::jsonb)))) "
                    + "ORDER BY kind, value, contact_id", Json.of(List.copyOf(phones)), Json.of(List.copyOf(emails)))) {
                found.put(row.string("kind").orElseThrow() + ":" + row.string("value").orElseThrow(),
                          row.uuid("contact_id").orElseThrow());
            }
            return found;
        }

        /** One statement for the whole batch: the rows travel as one JSON array. */
        private void insert(List<Pending> rows) {
            if (rows.isEmpty()) {
                return;
            }
            List<Json> records = new ArrayList<>(rows.size());
            for (Pending p : rows) {
                Contact c = p.contact();
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("id", c.id().toString());
                record.put("name", c.name());
                record.put("company", c.company().orElse(null));
                record.put("owner", c.owner().orElse(null));
                record.put("phones", c.phones());
                record.put("phones_to_review", c.phonesToReview());
                record.put("emails", c.emails());
                record.put("tags", c.tags());
                record.put("custom_fields", c.customFields());
                record.put("created_at", c.createdAt().toString());
                records.add(Json.of(record));
            }
            storage.update("INSERT INTO contacts (id, tenant_id, name, company, owner, phones, phones_to_review, emails, tags, "
                           + "consent_marketing, consent_recording, custom_fields, created_at, updated_at) "
                           + "SELECT r.id, ?, r.name, r.company, r.owner, r.phones, r.phones_to_review, r.emails, r.tags, false, false, "
                           + "r.custom_fields, r.created_at, r.created_at FROM jsonb_to_recordset(?::jsonb) AS r(id uuid, name text, "
                           + "company text, owner text, phones jsonb, phones_to_review jsonb, emails jsonb, tags jsonb, custom_fields jsonb, "
                           + "created_at timestamptz)",
                           Storage.TENANT, new Json.Arr(records));
            report.imported(rows.size(), rows.get(0).contact().createdAt(), rows.get(rows.size() - 1).contact().createdAt());
        }
    }

    /** What an import did, with at most {@value #MAX_REPORTED_ERRORS} errors kept. */
    private static final class Report {
        long rows;
        long imported;
        long invalidRows;
        long errorCount;
        private final List<Json> errors = new ArrayList<>();
        private Optional<Instant> firstCreated = Optional.empty();
        private Optional<Instant> lastCreated = Optional.empty();

        void invalid(long line, long row, List<FieldErrors.FieldError> rowErrors) {
            invalidRows++;
            for (FieldErrors.FieldError error : rowErrors) {
                errorCount++;
                if (errors.size() < MAX_REPORTED_ERRORS) {
                    errors.add(Json.object().put("line", line).put("row", row).put("field", error.field())
                                       .put("reason", error.problem()).build());
                }
            }
        }

        void imported(int count, Instant first, Instant last) {
            imported += count;
            if (firstCreated.isEmpty()) {
                firstCreated = Optional.of(first);
            }
            lastCreated = Optional.of(last);
        }

        private Map<String, Json> counts() {
            Map<String, Json> counts = new LinkedHashMap<>();
            counts.put("rows", Json.of(rows));
            counts.put("imported", Json.of(imported));
            counts.put("skipped", Json.of(invalidRows));
            counts.put("invalidRows", Json.of(invalidRows));
            counts.put("errorCount", Json.of(errorCount));
            counts.put("errors", Json.of(errors));
            counts.put("errorsTruncated", Json.of(errorCount > errors.size()));
            return counts;
        }

        Json toJson() {
            return new Json.Obj(counts());
        }

        PluginProblem problem() {
            Map<String, Json> members = counts();
            members.put("imported", Json.of(0));
            members.remove("skipped");
            return new PluginProblem(422, "invalid-rows", invalidRows + " of " + rows + " rows are invalid, so nothing was imported. "
                    + "Correct them (each error gives the file line, counting the header as line 1, and the data row) and send the"
                    + " file again, or send it with ?skipInvalid=true to import only the valid rows."
                    + (errorCount > errors.size() ? " The first " + errors.size() + " of " + errorCount + " errors are listed." : ""),
                    members);
        }

        Json event() {
            return Json.object().put("imported", imported).put("skipped", invalidRows).put("rows", rows)
                    .put("firstCreatedAt", firstCreated.orElse(null)).put("lastCreatedAt", lastCreated.orElse(null)).build();
        }
    }
}
