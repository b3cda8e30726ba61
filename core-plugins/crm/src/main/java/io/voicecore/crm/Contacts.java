package io.voicecore.crm;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.UUID;

import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/** The {@code contacts} table. Row-level security limits every statement to the current tenant. */
final class Contacts {
    /** What separates the words of a search (compiled once: a search runs on every request). */
    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    /** The words whose PostgreSQL lexeme is the word itself, usable in the prefix index. */
    private static final Pattern INDEXED_WORD = Pattern.compile("[a-z0-9]+");

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;

    private Contacts() {
    }

    private static final String INSERT = "INSERT INTO contacts (id, tenant_id, name, company, owner, phones, phones_to_review, emails, "
                                         + "tags, consent_marketing, consent_recording, custom_fields, created_at, updated_at) "
                                         + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    static void insert(Storage storage, Contact c) {
        storage.update(INSERT, insertParams(c));
    }

    /**
     * Inserts the contact and reads the tenant's custom field definitions in one statement, one round trip instead of
     * two while the create holds its connection. The caller checks the contact's custom fields against the definitions
     * and fails its transaction when they do not match, which undoes the insert (a data-modifying {@code WITH} runs
     * whether or not its rows are read).
     *
     * @return the tenant's definitions by key, as {@link CustomFields#all} reads them
     */
    static Map<String, CustomFields.Definition> insertReadingCustomFields(Storage storage, Contact c) {
        return CustomFields.read(storage.query("WITH inserted AS (" + INSERT + ") " + CustomFields.SELECT_ALL, insertParams(c)));
    }

    private static Object[] insertParams(Contact c) {
        return new Object[] {c.id(), Storage.TENANT, c.name(), c.company().orElse(null), c.owner().orElse(null), Json.of(c.phones()),
                             Json.of(c.phonesToReview()), Json.of(c.emails()), Json.of(c.tags()), c.consentMarketing(),
                             c.consentRecording(), c.customFields(), c.createdAt(), c.updatedAt()};
    }

    static void update(Storage storage, Contact c) {
        storage.update("UPDATE contacts SET name = ?, company = ?, owner = ?, phones = ?, phones_to_review = ?, emails = ?, tags = ?, "
                       + "consent_marketing = ?, consent_recording = ?, custom_fields = ?, updated_at = ? WHERE id = ?",
                       c.name(), c.company().orElse(null), c.owner().orElse(null), Json.of(c.phones()), Json.of(c.phonesToReview()),
                       Json.of(c.emails()), Json.of(c.tags()), c.consentMarketing(), c.consentRecording(), c.customFields(),
                       c.updatedAt(), c.id());
    }

    static Optional<Contact> find(Storage storage, UUID id) {
        return storage.queryOne("SELECT " + Contact.COLUMNS + " FROM contacts WHERE id = ?", id).map(Contact::fromRow);
    }

    /** Reads the contact and locks its row until the transaction ends, so concurrent changes apply one after the other. */
    static Optional<Contact> lock(Storage storage, UUID id) {
        return storage.queryOne("SELECT " + Contact.COLUMNS + " FROM contacts WHERE id = ? FOR UPDATE", id).map(Contact::fromRow);
    }

    /** @throws PluginProblem 404 when there is no such contact */
    static Contact require(Optional<Contact> contact, String id) {
        return contact.orElseThrow(() -> notFound(id));
    }

    static PluginProblem notFound(String id) {
        return new PluginProblem(404, "contact-not-found", "There is no contact with id '" + id + "' in this tenant.");
    }

    /** @return the contact id of a path parameter @throws PluginProblem 404 when it is not a UUID (so no such contact) */
    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    static boolean delete(Storage storage, UUID id) {
        return storage.update("DELETE FROM contacts WHERE id = ?", id) == 1;
    }

    /** Contacts having the phone (E.164) or e-mail (normalised), oldest first. */
    static List<Contact> byPhoneOrEmail(Storage storage, List<String> phones, List<String> emails) {
        List<Contact> found = new ArrayList<>();
        for (Row row : storage.query("SELECT " + Contact.COLUMNS + " FROM contacts c WHERE "
                                     + "EXISTS (SELECT 1 FROM jsonb_array_elements(?::jsonb) p WHERE c.phones @> jsonb_build_array(p)) "
                                     + "OR EXISTS (SELECT 1 FROM jsonb_array_elements(?::jsonb) e WHERE c.emails @> jsonb_build_array(e)) "
                                     + "ORDER BY created_at, id", Json.of(phones), Json.of(emails))) {
            found.add(Contact.fromRow(row));
        }
        return found;
    }

    /**
     * Contacts having a number to review with these digits, oldest first: the words of their numbers to review include
     * the digits alone ({@code V7__phones_to_review.sql}), so {@code contact_words} finds the candidates through its
     * primary key, and the exact condition is applied to those rows only.
     *
     * @param digits a number's digits, as {@link PhoneNumbers#digits} gives them
     */
    static List<Contact> byPhoneToReview(Storage storage, String digits) {
        List<Contact> found = new ArrayList<>();
        for (Row row : storage.query("SELECT " + Contact.COLUMNS + " FROM contacts c WHERE id IN "
                                     + "(SELECT contact_id FROM contact_words WHERE word = ?) AND EXISTS "
                                     + "(SELECT 1 FROM jsonb_array_elements_text(c.phones_to_review) g WHERE regexp_replace(g, '[^0-9]', '', 'g') = ?) "
                                     + "ORDER BY created_at, id", digits, digits)) {
            found.add(Contact.fromRow(row));
        }
        return found;
    }

    /**
     * The filters of {@code GET /contacts}.
     *
     * @param q       words that must all occur as prefixes of words of the name, company, e-mails, phones or tags
     * @param qAsPhone {@code q} normalised as a phone number, when it is one: contacts with that number match too
     * @param phoneNeedsReview only contacts that have (true) or have not (false) numbers to review
     * @param after   the cursor: the page starts after this position
     */
    record Query(Optional<String> q, Optional<String> qAsPhone, Optional<String> tag, Optional<String> company, Optional<String> owner,
                 Optional<Boolean> phoneNeedsReview, int limit, Optional<Position> after) {
    }

    /** A position in the list order (creation time, then id), encoded as an opaque cursor. */
    record Position(Instant createdAt, UUID id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Position(Instant.parse(text.substring(0, bar)), UUID.fromString(text.substring(bar + 1)));
            } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
                throw new PluginProblem(400, "invalid-cursor", "The cursor is not one this API returned; pass the 'next' value of the previous page.");
            }
        }

        /**
         * Runs a listing in this order from {@code after}: appends the keyset condition, the order and a limit one over
         * the page size (which tells whether there is a next page), and returns the page's rows with the next cursor.
         *
         * @param sql    {@code SELECT ... WHERE ...} of a table with {@code created_at} and {@code id}, filters appended
         * @param params the filters' parameters
         */
        static <T> KeysetPage<T> fetch(Storage storage, StringBuilder sql, List<Object> params, Optional<Position> after, int limit,
                                       java.util.function.Function<Row, T> map, java.util.function.Function<T, Position> positionOf) {
            after.ifPresent(position -> {
                sql.append(" AND (created_at, id) > (?, ?)");
                params.add(position.createdAt());
                params.add(position.id());
            });
            sql.append(" ORDER BY created_at, id LIMIT ?");
            params.add(limit + 1);
            List<T> rows = new ArrayList<>();
            for (Row row : storage.query(sql.toString(), params.toArray())) {
                rows.add(map.apply(row));
            }
            if (rows.size() <= limit) {
                return new KeysetPage<>(rows, Optional.empty());
            }
            List<T> items = List.copyOf(rows.subList(0, limit));
            return new KeysetPage<>(items, Optional.of(positionOf.apply(items.get(items.size() - 1)).encode()));
        }
    }

    /** Rows of one page and the cursor of the next, when there is one. */
    record KeysetPage<T>(List<T> items, Optional<String> next) {
    }

    /** One page, oldest first, and the cursor of the next page when there is one. */
    record Page(List<Contact> items, Optional<String> next) {
    }

    static Page page(Storage storage, Query query) {
        StringBuilder sql = new StringBuilder("SELECT " + Contact.COLUMNS + " FROM contacts WHERE true");
        List<Object> params = new ArrayList<>();
        query.q().flatMap(Contacts::prefixQuery).ifPresent(tsQuery -> {
            candidates(query.q().orElseThrow(), query.qAsPhone()).ifPresent(candidates -> {
                sql.append(" AND id IN (").append(candidates.sql()).append(')');
                params.addAll(candidates.params());
            });
            sql.append(" AND (search @@ to_tsquery('simple', ?)");
            params.add(tsQuery);
            query.qAsPhone().ifPresent(phone -> {
                sql.append(" OR phones @> jsonb_build_array(?::text)");
                params.add(phone);
            });
            sql.append(')');
        });
        query.tag().ifPresent(tag -> {
            sql.append(" AND tags @> jsonb_build_array(?::text)");
            params.add(tag);
        });
        query.company().ifPresent(company -> {
            sql.append(" AND lower(company) = lower(?)");
            params.add(company);
        });
        query.owner().ifPresent(owner -> {
            sql.append(" AND owner = ?");
            params.add(owner);
        });
        // Written as the partial index's condition, so the contacts to review are read through it.
        query.phoneNeedsReview().ifPresent(review -> sql.append(review ? " AND phone_needs_review" : " AND NOT phone_needs_review"));
        KeysetPage<Contact> page = Position.fetch(storage, sql, params, query.after(), query.limit(), Contact::fromRow,
                                                  contact -> new Position(contact.createdAt(), contact.id()));
        return new Page(page.items(), page.next());
    }

    /** A sub-select of contact ids and its parameters. */
    record Candidates(String sql, List<Object> params) {
    }

    /**
     * A superset of the contacts the search {@code q} (and its phone form) can match, from tables whose indexes row-level
     * security lets PostgreSQL use (text comparison is leakproof; the full-text match and jsonb containment are not):
     * the contacts having, for every word of {@code q}, a word that starts with it ({@code contact_words}), plus the
     * contacts having the phone number ({@code contact_keys}). The exact conditions are still applied to these rows.
     * Only words of lower-case ASCII letters and digits are used, for which PostgreSQL's lexeme is the word itself; when
     * {@code q} has none, every contact is a candidate (empty).
     */
    static Optional<Candidates> candidates(String q, Optional<String> qAsPhone) {
        List<String> words = new ArrayList<>();
        for (String word : NOT_A_WORD.split(q.toLowerCase(Locale.ROOT))) {
            if (INDEXED_WORD.matcher(word).matches() && !words.contains(word)) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return Optional.empty();
        }
        List<String> selects = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String word : words) {
            // In the "C" collation a prefix's words lie between it and the prefix with its last character incremented.
            selects.add("SELECT contact_id FROM contact_words WHERE word >= ? AND word < ?");
            params.add(word);
            params.add(word.substring(0, word.length() - 1) + (char) (word.charAt(word.length() - 1) + 1));
        }
        String sql = "(" + String.join(" INTERSECT ", selects) + ")";
        if (qAsPhone.isPresent()) {
            sql += " UNION SELECT contact_id FROM contact_keys WHERE kind = 'phone' AND value = ?";
            params.add(qAsPhone.get());
        }
        return Optional.of(new Candidates(sql, params));
    }

    /**
     * The words of {@code q} as a prefix tsquery ({@code ada:* & acme:*}). Only letters and digits are kept, so
     * nothing the caller types can be tsquery syntax; empty when {@code q} has no word.
     */
    static Optional<String> prefixQuery(String q) {
        List<String> terms = new ArrayList<>();
        for (String word : NOT_A_WORD.split(q.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty()) {
                terms.add(word + ":*");
            }
        }
        return terms.isEmpty() ? Optional.empty() : Optional.of(String.join(" & ", terms));
    }
}
