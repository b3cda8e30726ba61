package io.voicecore.crm;

import java.time.Instant;
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
 * normalised phone, then by e-mail, or created; a {@code call} (voice channels) or {@code chat} interaction
 * carries the summary. Delivery is at least once, so the event id is stored in the same transaction and a
 * redelivery changes nothing. A conversation without a usable phone or e-mail is only marked processed: there
 * is no contact to match, and creating anonymous contacts would fill the CRM with noise.
 *
 * <p>Payload: {@code {conversationId, channel, contact: {name, phone, email}, summary, language, locale, startedAt, endedAt}}.
 * The phone is read as the caller gave it: a number without a country code takes the tenant's {@code defaultCountryCode},
 * else the country of {@code locale} (a BCP 47 tag such as {@code es-MX}, optional), else the one {@code language} settles
 * ({@link PhoneNumbers}).
 */
final class ConversationEnded {
    static final String TOPIC = "conversation.ended";
    private static final Set<String> VOICE_CHANNELS = Set.of("voice", "phone", "call", "sip", "pstn", "telephony");

    private ConversationEnded() {
    }

    static void handle(Event event, PluginContext context) {
        Json payload = event.payload();
        Json caller = payload.get("contact");
        PhoneNumbers phoneNumbers = CrmPlugin.phoneNumbers(context);
        PhoneNumbers.Origin origin = new PhoneNumbers.Origin(text(payload.get("language")), text(payload.get("locale")));
        Optional<String> phone = text(caller.get("phone")).flatMap(raw -> phoneNumbers.read(raw, origin).number());
        Optional<String> email = text(caller.get("email")).flatMap(EmailAddresses::normalise);
        context.storage().transaction(storage -> {
            int first = storage.update("INSERT INTO processed_events (tenant_id, event_id, processed_at) VALUES (?, ?, ?) "
                                       + "ON CONFLICT (tenant_id, event_id) DO NOTHING", Storage.TENANT, event.id(), CrmPlugin.now());
            if (first == 0) {
                return null; // a redelivery: recorded already
            }
            if (phone.isEmpty() && email.isEmpty()) {
                context.log().info("conversation.ended " + event.id() + " has no usable phone or e-mail; no interaction recorded");
                return null;
            }
            Contact contact = match(storage, phone, email).orElseGet(() -> {
                Instant now = CrmPlugin.now();
                String name = text(caller.get("name")).map(String::strip).filter(n -> !n.isEmpty() && n.length() <= ContactChanges.MAX_TEXT)
                        .orElse(phone.orElseGet(email::orElseThrow));
                Contact created = new Contact(UUID.randomUUID(), name, Optional.empty(), Optional.empty(), phone.stream().toList(),
                                              email.stream().toList(), List.of(), false, false, Json.object().build(), now, now);
                Contacts.insert(storage, created);
                context.events().publish(CrmPlugin.CONTACT_CREATED, created.toJson());
                return created;
            });
            String channel = text(payload.get("channel")).orElse("");
            Instant occurredAt = text(payload.get("endedAt")).flatMap(Interactions::instant)
                    .or(() -> text(payload.get("startedAt")).flatMap(Interactions::instant)).orElse(event.occurredAt());
            Json details = Json.object().put("conversationId", payload.get("conversationId")).put("channel", payload.get("channel"))
                    .put("language", payload.get("language")).put("startedAt", payload.get("startedAt"))
                    .put("endedAt", payload.get("endedAt")).put("eventId", event.id()).build();
            Interactions.Interaction interaction = new Interactions.Interaction(UUID.randomUUID(), contact.id(),
                    VOICE_CHANNELS.contains(channel.toLowerCase(Locale.ROOT)) ? "call" : "chat", occurredAt,
                    text(payload.get("summary")).orElse(""), details);
            Interactions.insert(storage, interaction, Optional.of(event.id()));
            return null;
        });
    }

    /** The oldest contact with the phone, else the oldest with the e-mail. */
    private static Optional<Contact> match(Storage storage, Optional<String> phone, Optional<String> email) {
        if (phone.isPresent()) {
            List<Contact> byPhone = Contacts.byPhoneOrEmail(storage, List.of(phone.get()), List.of());
            if (!byPhone.isEmpty()) {
                return Optional.of(byPhone.get(0));
            }
        }
        return email.flatMap(e -> Contacts.byPhoneOrEmail(storage, List.of(), List.of(e)).stream().findFirst());
    }

    private static Optional<String> text(Json value) {
        return value instanceof Json.Str s && !s.value().isBlank() ? Optional.of(s.value()) : Optional.empty();
    }
}
