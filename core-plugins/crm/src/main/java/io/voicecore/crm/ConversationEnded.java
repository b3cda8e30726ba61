package io.voicecore.crm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.sdk.Event;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * Records a finished conversation ({@code conversation.ended}) on the caller's contact: the contact is found by
 * normalised phone, then by a number to review written with the same digits, then by e-mail, or created; a {@code call}
 * (voice channels) or {@code chat} interaction carries the summary. The number the caller gave is never dropped: read into
 * E.164, or kept to review as given when its country is not known ({@link PhoneNumbers}), it is added to the contact
 * found when the contact lacks it (and a number to review it now settles is removed). Delivery is at least once, so the
 * event id is stored in the same transaction and a redelivery changes nothing. A conversation with neither a phone number
 * nor an e-mail address is only marked processed: there is no contact to match, and creating anonymous contacts would fill
 * the CRM with noise.
 *
 * <p>Payload: {@code {conversationId, channel, contact: {name, phone, email}, summary, language, locale, startedAt, endedAt}},
 * and for a phone call (channel {@code call}) {@code callerNumber, outcome, durationSeconds}, kept in the interaction's
 * details. The phone is read as the caller gave it: a number without a country code takes the tenant's
 * {@code defaultCountryCode}, else the country of {@code locale} (a BCP 47 tag such as {@code es-MX}, optional), else the
 * one {@code language} settles. The interaction's details say how: {@code phone: {given, e164, how}}, or
 * {@code {given, toReview: true, why}}.
 */
final class ConversationEnded {
    static final String TOPIC = "conversation.ended";
    private static final Set<String> VOICE_CHANNELS = Set.of("voice", "phone", "call", "sip", "pstn", "telephony");

    private ConversationEnded() {
    }

    /** The caller's number as given, and how it was read. */
    private record CallerPhone(String given, PhoneNumbers.Reading reading) {
        Optional<String> e164() {
            return reading.number();
        }

        Optional<String> toReview() {
            return reading instanceof PhoneNumbers.Unresolved unresolved ? Optional.of(unresolved.given()) : Optional.empty();
        }

        /** The digits as written, which a number to review written alike has: empty when it is not a phone number. */
        Optional<String> digits() {
            return reading instanceof PhoneNumbers.Invalid ? Optional.empty() : Optional.of(PhoneNumbers.digits(given));
        }

        Json toJson() {
            return switch (reading) {
                case PhoneNumbers.Normalised n -> Json.object().put("given", given).put("e164", n.e164()).put("how", n.how()).build();
                case PhoneNumbers.Unresolved u -> Json.object().put("given", given).put("toReview", true).put("why", u.why()).build();
                case PhoneNumbers.Invalid i -> Json.object().put("given", given).put("problem", i.problem()).build();
            };
        }
    }

    static void handle(Event event, PluginContext context) {
        Json payload = event.payload();
        Json caller = payload.get("contact");
        PhoneNumbers phoneNumbers = CrmPlugin.phoneNumbers(context);
        PhoneNumbers.Origin origin = new PhoneNumbers.Origin(text(payload.get("language")), text(payload.get("locale")));
        Optional<CallerPhone> phone = text(caller.get("phone")).map(raw -> new CallerPhone(raw, phoneNumbers.read(raw, origin)));
        Optional<String> email = text(caller.get("email")).flatMap(EmailAddresses::normalise);
        context.storage().transaction(storage -> {
            int first = storage.update("INSERT INTO processed_events (tenant_id, event_id, processed_at) VALUES (?, ?, ?) "
                                       + "ON CONFLICT (tenant_id, event_id) DO NOTHING", Storage.TENANT, event.id(), CrmPlugin.now());
            if (first == 0) {
                return null; // a redelivery: recorded already
            }
            Optional<String> e164 = phone.flatMap(CallerPhone::e164);
            Optional<String> toReview = phone.flatMap(CallerPhone::toReview);
            if (e164.isEmpty() && toReview.isEmpty() && email.isEmpty()) {
                context.log().info("conversation.ended " + event.id() + " has no usable phone or e-mail; no interaction recorded");
                return null;
            }
            Contact contact = match(storage, phone, email).map(found -> withCallersNumber(storage, context, found, phone))
                    .orElseGet(() -> {
                        Instant now = CrmPlugin.now();
                        String name = text(caller.get("name")).map(String::strip)
                                .filter(n -> !n.isEmpty() && n.length() <= ContactChanges.MAX_TEXT)
                                .orElse(e164.or(() -> toReview).orElseGet(email::orElseThrow));
                        Contact created = new Contact(UUID.randomUUID(), name, Optional.empty(), Optional.empty(), e164.stream().toList(),
                                                      toReview.stream().toList(), email.stream().toList(), List.of(), false, false,
                                                      Json.object().build(), now, now);
                        Contacts.insert(storage, created);
                        context.events().publish(CrmPlugin.CONTACT_CREATED, created.toJson());
                        return created;
                    });
            String channel = text(payload.get("channel")).orElse("");
            Instant occurredAt = text(payload.get("endedAt")).flatMap(Interactions::instant)
                    .or(() -> text(payload.get("startedAt")).flatMap(Interactions::instant)).orElse(event.occurredAt());
            Json.ObjectBuilder details = Json.object().put("conversationId", payload.get("conversationId")).put("channel", payload.get("channel"))
                    .put("language", payload.get("language")).put("locale", payload.get("locale"))
                    .put("phone", phone.map(CallerPhone::toJson).orElse(null)).put("startedAt", payload.get("startedAt"))
                    .put("endedAt", payload.get("endedAt")).put("eventId", event.id());
            // A phone call's own facts, when the conversation was one (channel call).
            for (String call : List.of("callerNumber", "outcome", "durationSeconds")) {
                if (payload.has(call) && !payload.get(call).isNull()) {
                    details.put(call, payload.get(call));
                }
            }
            Interactions.Interaction interaction = new Interactions.Interaction(UUID.randomUUID(), contact.id(),
                    VOICE_CHANNELS.contains(channel.toLowerCase(Locale.ROOT)) ? "call" : "chat", occurredAt,
                    text(payload.get("summary")).orElse(""), details.build());
            Interactions.insert(storage, interaction, Optional.of(event.id()));
            return null;
        });
    }

    /** The oldest contact with the phone, else the oldest with a number to review written with its digits, else the oldest with the e-mail. */
    private static Optional<Contact> match(Storage storage, Optional<CallerPhone> phone, Optional<String> email) {
        Optional<String> e164 = phone.flatMap(CallerPhone::e164);
        if (e164.isPresent()) {
            List<Contact> byPhone = Contacts.byPhoneOrEmail(storage, List.of(e164.get()), List.of());
            if (!byPhone.isEmpty()) {
                return Optional.of(byPhone.get(0));
            }
        }
        Optional<String> digits = phone.flatMap(CallerPhone::digits);
        if (digits.isPresent()) {
            List<Contact> byNumberToReview = Contacts.byPhoneToReview(storage, digits.get());
            if (!byNumberToReview.isEmpty()) {
                return Optional.of(byNumberToReview.get(0));
            }
        }
        return email.flatMap(e -> Contacts.byPhoneOrEmail(storage, List.of(), List.of(e)).stream().findFirst());
    }

    /**
     * The contact found, with the caller's number added when it lacks it: into {@code phones} when it was read (a number to
     * review written with the same digits is then settled, and removed), else into {@code phonesToReview}. A contact that
     * has the most numbers a contact may have gains none.
     */
    private static Contact withCallersNumber(Storage storage, PluginContext context, Contact found, Optional<CallerPhone> phone) {
        if (phone.isEmpty() || phone.get().digits().isEmpty()) {
            return found;
        }
        Contact current = Contacts.lock(storage, found.id()).orElse(found);
        String digits = phone.get().digits().orElseThrow();
        List<String> phones = new ArrayList<>(current.phones());
        List<String> toReview = new ArrayList<>(current.phonesToReview());
        Optional<String> e164 = phone.get().e164();
        if (e164.isPresent()) {
            toReview.removeIf(number -> PhoneNumbers.digits(number).equals(digits));
            if (!phones.contains(e164.get()) && phones.size() < ContactChanges.MAX_LIST) {
                phones.add(e164.get());
            }
        } else if (toReview.stream().noneMatch(number -> PhoneNumbers.digits(number).equals(digits))
                   && toReview.size() < ContactChanges.MAX_LIST) {
            toReview.add(phone.get().toReview().orElseThrow());
        }
        if (phones.equals(current.phones()) && toReview.equals(current.phonesToReview())) {
            return current;
        }
        Contact changed = new Contact(current.id(), current.name(), current.company(), current.owner(), phones, toReview, current.emails(),
                                      current.tags(), current.consentMarketing(), current.consentRecording(), current.customFields(),
                                      current.createdAt(), CrmPlugin.now());
        Contacts.update(storage, changed);
        context.events().publish(CrmPlugin.CONTACT_UPDATED, changed.toJson());
        return changed;
    }

    private static Optional<String> text(Json value) {
        return value instanceof Json.Str s && !s.value().isBlank() ? Optional.of(s.value()) : Optional.empty();
    }
}
