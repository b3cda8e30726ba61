package io.voicecore.crm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.voicecore.sdk.json.Json;

/**
 * How two contacts become one: the surviving contact keeps its own values and gains everything of the
 * merged one it lacks. Phones, numbers to review, e-mails and tags are united (the survivor's first); company and owner are
 * taken from the merged contact only where the survivor has none; custom fields the survivor lacks are
 * copied. Consent is kept only where both contacts gave it: a withdrawal on either record stands.
 */
final class Merge {
    private Merge() {
    }

    static Contact combine(Contact into, Contact from, Instant now) {
        Map<String, Json> customFields = new LinkedHashMap<>(from.customFields().asMap());
        customFields.putAll(into.customFields().asMap());
        return new Contact(into.id(), into.name(), into.company().or(from::company), into.owner().or(from::owner),
                           union(into.phones(), from.phones()),
                           ContactChanges.distinctNumbers(union(into.phonesToReview(), from.phonesToReview())),
                           union(into.emails(), from.emails()), union(into.tags(), from.tags()),
                           into.consentMarketing() && from.consentMarketing(), into.consentRecording() && from.consentRecording(),
                           new Json.Obj(customFields), into.createdAt(), now);
    }

    private static List<String> union(List<String> first, List<String> second) {
        LinkedHashSet<String> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return new ArrayList<>(all);
    }
}
