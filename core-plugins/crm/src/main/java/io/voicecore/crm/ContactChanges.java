package io.voicecore.crm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.json.Json;

/**
 * Applies a request body to a contact: all fields for {@code POST /contacts}, the members present for
 * {@code PATCH /contacts/{id}}. Values are validated and normalised; every invalid field is reported at once.
 *
 * <p>Fields: {@code name} (required on create), {@code phones[]}, {@code phonesToReview[]}, {@code emails[]} (replace the
 * lists), {@code phone}, {@code email} (add one; the shorthand of a single number or address), {@code company},
 * {@code tags[]}, {@code owner}, {@code consent {marketing, recording}} (members present are changed),
 * {@code customFields} (members present are set; a {@code null} member removes the field).
 *
 * <p>Every phone number written, whichever of {@code phones}, {@code phone} and {@code phonesToReview} carries it, lands in
 * {@code phones} when {@link PhoneNumbers} reads it into E.164 and in {@code phonesToReview}, as given, when it is a national
 * number whose country nothing settles; only text that cannot be a phone number is refused.
 */
final class ContactChanges {
    static final int MAX_TEXT = 200;
    static final int MAX_LIST = 50;
    private static final Set<String> FIELDS = Set.of("name", "phones", "phonesToReview", "emails", "phone", "email", "company", "tags",
                                                     "owner", "consent", "customFields");

    private final PhoneNumbers phoneNumbers;

    ContactChanges(PhoneNumbers phoneNumbers) {
        this.phoneNumbers = phoneNumbers;
    }

    /** @return a new contact from a {@code POST} body, before the custom field check */
    Contact create(Json body, Instant now, FieldErrors errors) {
        Contact blank = new Contact(UUID.randomUUID(), "", Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(),
                                    List.of(), false, false, Json.object().build(), now, now);
        if (!body.has("name")) {
            errors.add("name", "is required");
        }
        return apply(blank, body, now, errors);
    }

    /** @return {@code base} changed by the members of a {@code PATCH} body, before the custom field check */
    Contact apply(Contact base, Json body, Instant now, FieldErrors errors) {
        if (!(body instanceof Json.Obj object)) {
            errors.add("body", "must be a JSON object");
            return base;
        }
        for (String key : object.members().keySet()) {
            if (!FIELDS.contains(key)) {
                errors.add(key, "is not a contact field that can be written; use " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String name = base.name();
        if (body.has("name")) {
            name = requiredText(body.get("name"), "name", errors).orElse(name);
        }
        Optional<String> company = body.has("company") ? optionalText(body.get("company"), "company", errors) : base.company();
        Optional<String> owner = body.has("owner") ? optionalText(body.get("owner"), "owner", errors) : base.owner();

        List<String> phones = body.has("phones") ? new ArrayList<>() : new ArrayList<>(base.phones());
        List<String> phonesToReview = body.has("phonesToReview") ? new ArrayList<>() : new ArrayList<>(base.phonesToReview());
        Map<String, Json> phonesWritten = listed(body, "phones", "phone", errors);
        phonesWritten.putAll(listed(body, "phonesToReview", "", errors));
        for (Map.Entry<String, Json> phone : phonesWritten.entrySet()) {
            if (!(phone.getValue() instanceof Json.Str written)) {
                errors.add(phone.getKey(), "must be a phone number in a string");
                continue;
            }
            switch (phoneNumbers.read(written.value())) {
                case PhoneNumbers.Normalised normalised -> phones.add(normalised.e164());
                case PhoneNumbers.Unresolved unresolved -> phonesToReview.add(unresolved.given());
                case PhoneNumbers.Invalid invalid -> errors.add(phone.getKey(), "'" + written.value() + "' is not a phone number: "
                                                                                + invalid.problem());
            }
        }
        List<String> emails = body.has("emails") ? new ArrayList<>() : new ArrayList<>(base.emails());
        for (Map.Entry<String, Json> email : listed(body, "emails", "email", errors).entrySet()) {
            Optional<String> normal = email.getValue() instanceof Json.Str s ? EmailAddresses.normalise(s.value()) : Optional.empty();
            normal.ifPresentOrElse(emails::add, () -> errors.add(email.getKey(), "is not an e-mail address like name@example.com"));
        }
        List<String> tags = new ArrayList<>(base.tags());
        if (body.has("tags")) {
            tags.clear();
            for (Map.Entry<String, Json> tag : listed(body, "tags", "", errors).entrySet()) {
                requiredText(tag.getValue(), tag.getKey(), errors).ifPresent(tags::add);
            }
        }

        boolean marketing = base.consentMarketing();
        boolean recording = base.consentRecording();
        if (body.has("consent")) {
            Json consent = body.get("consent");
            if (consent instanceof Json.Obj consentObject) {
                for (String key : consentObject.members().keySet()) {
                    if (!key.equals("marketing") && !key.equals("recording")) {
                        errors.add("consent." + key, "is not a consent flag; use marketing or recording");
                    }
                }
                marketing = flag(consent, "marketing", marketing, errors);
                recording = flag(consent, "recording", recording, errors);
            } else {
                errors.add("consent", "must be an object like {\"marketing\": true, \"recording\": false}");
            }
        }

        Json customFields = base.customFields();
        if (body.has("customFields")) {
            if (body.get("customFields") instanceof Json.Obj changes) {
                Map<String, Json> merged = new LinkedHashMap<>(base.customFields().asMap());
                changes.members().forEach((key, value) -> {
                    if (value.isNull()) {
                        merged.remove(key);
                    } else {
                        merged.put(key, value);
                    }
                });
                customFields = new Json.Obj(merged);
            } else {
                errors.add("customFields", "must be an object of custom field keys and values");
            }
        }
        List<String> distinctPhones = distinct(phones);
        List<String> distinctPhonesToReview = distinctNumbers(phonesToReview);
        List<String> distinctEmails = distinct(emails);
        List<String> distinctTags = distinct(tags);
        if (distinctPhones.size() > MAX_LIST || distinctPhonesToReview.size() > MAX_LIST || distinctEmails.size() > MAX_LIST
            || distinctTags.size() > MAX_LIST) {
            errors.add("phones/emails/tags", "at most " + MAX_LIST + " of each");
        }
        return new Contact(base.id(), name, company, owner, distinctPhones, distinctPhonesToReview, distinctEmails, distinctTags,
                           marketing, recording, customFields, base.createdAt(), now);
    }

    /** @param numbers phone numbers as given @return them without a later one that has the digits of an earlier one */
    static List<String> distinctNumbers(List<String> numbers) {
        Map<String, String> byDigits = new LinkedHashMap<>();
        numbers.forEach(number -> byDigits.putIfAbsent(PhoneNumbers.digits(number), number));
        return List.copyOf(byDigits.values());
    }

    /** The items of the list member and the single shorthand member, keyed by their field path for error messages. */
    private static Map<String, Json> listed(Json body, String listKey, String singleKey, FieldErrors errors) {
        Map<String, Json> items = new LinkedHashMap<>();
        if (body.has(listKey)) {
            Json list = body.get(listKey);
            if (list instanceof Json.Arr array) {
                for (int i = 0; i < array.items().size(); i++) {
                    items.put(listKey + "[" + i + "]", array.items().get(i));
                }
            } else if (!list.isNull()) {
                errors.add(listKey, "must be an array of strings");
            }
        }
        if (!singleKey.isEmpty() && body.has(singleKey) && !body.get(singleKey).isNull()) {
            items.put(singleKey, body.get(singleKey));
        }
        return items;
    }

    static Optional<String> requiredText(Json value, String field, FieldErrors errors) {
        if (value instanceof Json.Str s && !s.value().isBlank() && s.value().strip().length() <= MAX_TEXT) {
            return Optional.of(s.value().strip());
        }
        errors.add(field, "must be a text of 1 to " + MAX_TEXT + " characters");
        return Optional.empty();
    }

    static Optional<String> optionalText(Json value, String field, FieldErrors errors) {
        if (value.isNull() || value instanceof Json.Str s && s.value().isBlank()) {
            return Optional.empty();
        }
        return requiredText(value, field, errors);
    }

    private static boolean flag(Json consent, String key, boolean current, FieldErrors errors) {
        if (!consent.has(key)) {
            return current;
        }
        if (consent.get(key) instanceof Json.Bool b) {
            return b.value();
        }
        errors.add("consent." + key, "must be true or false");
        return current;
    }

    private static List<String> distinct(List<String> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }
}
