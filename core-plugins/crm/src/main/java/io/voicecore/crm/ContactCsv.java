package io.voicecore.crm;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.voicecore.sdk.json.Json;

/**
 * The CSV form of contacts, shared by import and export so that an export imports again unchanged.
 *
 * <ul>
 *   <li>Columns: {@code name, email, phone, company, tags, owner} (any case on import), then one column per custom
 *       field named by its key. A custom field whose key is one of those names is written {@code customFields.<key>};
 *       that form is accepted for any key.</li>
 *   <li>{@code email}, {@code phone} and {@code tags} hold several values separated by {@code ;}. Inside a value
 *       {@code \;} is a semicolon and {@code \\} a backslash; any other backslash is kept as it is. The {@code phone}
 *       cell has the E.164 numbers, then the numbers to review as given, which an import reads again alike.</li>
 *   <li>Spreadsheet formulas: a cell that starts with {@code = + - @}, a tab or a carriage return (or with
 *       apostrophes followed by one) is exported with one more leading {@code '}, so a spreadsheet shows it as text
 *       instead of running it; the import removes that apostrophe again. The {@code phone} column and custom number,
 *       date and boolean columns are exempt: E.164 numbers start with {@code +} and none of them can be a harmful
 *       formula.</li>
 *   <li>Custom fields: numbers as plain decimals, booleans as {@code true}/{@code false}, dates as
 *       {@code 2025-01-31}, text and enum values as they are. An empty cell is no value.</li>
 *   <li>Consent flags and interactions are not part of the file: imported contacts have given no consent.</li>
 * </ul>
 */
final class ContactCsv {
    static final String NAME = "name";
    static final String EMAIL = "email";
    static final String PHONE = "phone";
    static final String COMPANY = "company";
    static final String TAGS = "tags";
    static final String OWNER = "owner";
    static final List<String> STANDARD = List.of(NAME, EMAIL, PHONE, COMPANY, TAGS, OWNER);
    static final String CUSTOM_PREFIX = "customFields.";

    private ContactCsv() {
    }

    /**
     * A column of the file.
     *
     * @param header   the column name as written in the header
     * @param standard one of {@link #STANDARD}, when it is a contact column
     * @param custom   the custom field, when it is a custom field column
     */
    record Column(String header, Optional<String> standard, Optional<CustomFields.Definition> custom) {
    }

    /** The header of an export: the contact columns, then each custom field in definition order. */
    static List<String> exportHeader(Map<String, CustomFields.Definition> definitions) {
        List<String> header = new ArrayList<>(STANDARD);
        for (String key : definitions.keySet()) {
            header.add(STANDARD.contains(key) ? CUSTOM_PREFIX + key : key);
        }
        return header;
    }

    /**
     * @return the column a header cell names, or empty when it names none
     */
    static Optional<Column> column(String header, Map<String, CustomFields.Definition> definitions) {
        String name = header.strip();
        String lower = name.toLowerCase(Locale.ROOT);
        if (STANDARD.contains(lower)) {
            return Optional.of(new Column(name, Optional.of(lower), Optional.empty()));
        }
        String key = name.startsWith(CUSTOM_PREFIX) ? name.substring(CUSTOM_PREFIX.length()) : name;
        return Optional.ofNullable(definitions.get(key)).map(definition -> new Column(name, Optional.empty(), Optional.of(definition)));
    }

    /** The values of a list cell ({@code a;b\;c}), stripped, empty ones dropped. */
    static List<String> splitList(String cell) {
        List<String> values = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c == '\\' && i + 1 < cell.length() && (cell.charAt(i + 1) == ';' || cell.charAt(i + 1) == '\\')) {
                value.append(cell.charAt(++i));
            } else if (c == ';') {
                addValue(values, value);
            } else {
                value.append(c);
            }
        }
        addValue(values, value);
        return values;
    }

    private static void addValue(List<String> values, StringBuilder value) {
        String stripped = value.toString().strip();
        if (!stripped.isEmpty()) {
            values.add(stripped);
        }
        value.setLength(0);
    }

    /** The cell of a list: values joined by {@code ;}, each semicolon and backslash escaped. */
    static String joinList(List<String> values) {
        StringBuilder cell = new StringBuilder();
        for (String value : values) {
            if (!cell.isEmpty()) {
                cell.append(';');
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == ';' || c == '\\') {
                    cell.append('\\');
                }
                cell.append(c);
            }
        }
        return cell.toString();
    }

    /** Protects a cell a spreadsheet would run as a formula by one more leading apostrophe. */
    static String guardFormula(String cell) {
        return looksLikeFormula(cell) ? "'" + cell : cell;
    }

    /** Removes the apostrophe {@link #guardFormula} added. */
    static String unguardFormula(String cell) {
        return looksLikeFormula(cell) && cell.startsWith("'") ? cell.substring(1) : cell;
    }

    /** Starts, after any apostrophes, with a character that makes a spreadsheet read a formula. */
    private static boolean looksLikeFormula(String cell) {
        int i = 0;
        while (i < cell.length() && cell.charAt(i) == '\'') {
            i++;
        }
        if (i == cell.length()) {
            return false;
        }
        char c = cell.charAt(i);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    }

    /**
     * A custom field's cell as the JSON value {@code POST /contacts} would take: a number or boolean when the field
     * has that type and the text is one, otherwise the text (which the custom field check then reports).
     */
    static Json customValue(CustomFields.Definition definition, String cell) {
        String text = cell.strip();
        switch (definition.type()) {
            case "number" -> {
                try {
                    return new Json.Num(new BigDecimal(text));
                } catch (NumberFormatException e) {
                    return Json.of(cell);
                }
            }
            case "boolean" -> {
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Json.of(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
                }
                return Json.of(cell);
            }
            case "date" -> {
                return Json.of(text);
            }
            default -> {
                return Json.of(cell);
            }
        }
    }

    /** A custom field's value as a cell. */
    static String customCell(Json value) {
        return switch (value) {
            case Json.Num number -> number.value().toPlainString();
            case Json.Bool bool -> Boolean.toString(bool.value());
            case Json.Str text -> text.value();
            case Json.Null nothing -> "";
            default -> value.toString();
        };
    }

    /** A contact's row of an export with {@link #exportHeader}. */
    static List<String> row(Contact contact, Map<String, CustomFields.Definition> definitions) {
        List<String> cells = new ArrayList<>(STANDARD.size() + definitions.size());
        cells.add(guardFormula(contact.name()));
        cells.add(guardFormula(joinList(contact.emails())));
        cells.add(joinList(Stream.concat(contact.phones().stream(), contact.phonesToReview().stream()).toList()));
        cells.add(guardFormula(contact.company().orElse("")));
        cells.add(guardFormula(joinList(contact.tags())));
        cells.add(guardFormula(contact.owner().orElse("")));
        for (CustomFields.Definition definition : definitions.values()) {
            String cell = contact.customFields().has(definition.key()) ? customCell(contact.customFields().get(definition.key())) : "";
            // Numbers, dates and booleans cannot be a harmful formula ("-3" is a number to a spreadsheet).
            cells.add(definition.type().equals("string") || definition.type().equals("enum") ? guardFormula(cell) : cell);
        }
        return cells;
    }

    /** Writes one record, quoting a field that holds a comma, quote or line break, and ending it with CRLF. */
    static void writeRecord(Writer out, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            String field = fields.get(i);
            if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
                out.write('"');
                out.write(field.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(field);
            }
        }
        out.write("\r\n");
    }

    /**
     * The body {@code POST /contacts} would take for a row, so the same validation applies: empty cells are left
     * out, list cells become lists, custom cells typed values.
     *
     * @param columns the file's columns, in order
     * @param cells   the row's cells, as many as columns
     */
    static Json body(List<Column> columns, List<String> cells) {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Json> custom = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            String cell = unguardFormula(cells.get(i));
            if (cell.isBlank()) {
                continue;
            }
            if (column.custom().isPresent()) {
                custom.put(column.custom().get().key(), customValue(column.custom().get(), cell));
                continue;
            }
            switch (column.standard().orElseThrow()) {
                case EMAIL -> body.put("emails", splitList(cell));
                case PHONE -> body.put("phones", splitList(cell));
                case TAGS -> body.put("tags", splitList(cell));
                default -> body.put(column.standard().get(), cell);
            }
        }
        if (!custom.isEmpty()) {
            body.put("customFields", new Json.Obj(custom));
        }
        return Json.of(body);
    }

    /**
     * The column a field error of {@link ContactChanges} or {@link CustomFields#check} belongs to, e.g.
     * {@code phones[1]} to {@code phone} and {@code customFields.vip} to the column {@code vip}.
     */
    static String columnOf(String field, List<Column> columns) {
        if (field.startsWith("phones")) {
            return PHONE;
        }
        if (field.startsWith("emails")) {
            return EMAIL;
        }
        if (field.startsWith("tags")) {
            return TAGS;
        }
        if (field.startsWith(CUSTOM_PREFIX)) {
            String key = field.substring(CUSTOM_PREFIX.length());
            return columns.stream().filter(c -> c.custom().filter(d -> d.key().equals(key)).isPresent()).map(Column::header)
                    .findFirst().orElse(key);
        }
        if (field.equals("phones/emails/tags")) {
            return "phone/email/tags";
        }
        return field;
    }
}
