package io.voicecore.crm;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.json.Json;

/**
 * A contact as stored: phones in E.164, e-mails normalised, tags distinct.
 *
 * @param phonesToReview numbers given without a country code that could not be read into E.164 ({@link PhoneNumbers.Unresolved}),
 *                       as given, distinct by their digits: kept for a person to review rather than dropped
 * @param customFields   a JSON object, validated against the tenant's custom field definitions
 */
record Contact(UUID id, String name, Optional<String> company, Optional<String> owner, List<String> phones, List<String> phonesToReview,
               List<String> emails, List<String> tags, boolean consentMarketing, boolean consentRecording, Json customFields,
               Instant createdAt, Instant updatedAt) {

    Contact {
        phones = List.copyOf(phones);
        phonesToReview = List.copyOf(phonesToReview);
        emails = List.copyOf(emails);
        tags = List.copyOf(tags);
    }

    /** The columns {@link #fromRow(Row)} reads. */
    static final String COLUMNS = "id, name, company, owner, phones, phones_to_review, emails, tags, consent_marketing, "
                                  + "consent_recording, custom_fields, created_at, updated_at";

    static Contact fromRow(Row row) {
        return new Contact(row.uuid("id").orElseThrow(), row.string("name").orElseThrow(), row.string("company"), row.string("owner"),
                           strings(row.json("phones")), strings(row.json("phones_to_review")), strings(row.json("emails")),
                           strings(row.json("tags")),
                           row.bool("consent_marketing").orElse(false), row.bool("consent_recording").orElse(false),
                           row.json("custom_fields").orElse(Json.object().build()), row.instant("created_at").orElseThrow(),
                           row.instant("updated_at").orElseThrow());
    }

    private static List<String> strings(Optional<Json> array) {
        return array.map(json -> json.asList().stream().map(Json::asString).toList()).orElse(List.of());
    }

    /** @return whether the contact has numbers to review */
    boolean phoneNeedsReview() {
        return !phonesToReview.isEmpty();
    }

    Json toJson() {
        return Json.object()
                .put("id", id)
                .put("name", name)
                .put("phones", phones)
                .put("phonesToReview", phonesToReview)
                .put("phoneNeedsReview", phoneNeedsReview())
                .put("emails", emails)
                .put("company", company.orElse(null))
                .put("tags", tags)
                .put("owner", owner.orElse(null))
                .put("consent", Json.object().put("marketing", consentMarketing).put("recording", consentRecording).build())
                .put("customFields", customFields)
                .put("createdAt", createdAt)
                .put("updatedAt", updatedAt)
                .build();
    }
}
