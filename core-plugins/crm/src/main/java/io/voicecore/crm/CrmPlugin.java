package io.voicecore.crm;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.sdk.HttpMethod;
import io.voicecore.sdk.Plugin;
import io.voicecore.sdk.PluginContext;
import io.voicecore.sdk.PluginProblem;
import io.voicecore.sdk.PluginSetup;
import io.voicecore.sdk.Request;
import io.voicecore.sdk.Response;
import io.voicecore.sdk.capability.Storage;
import io.voicecore.sdk.json.Json;

/**
 * The CRM core plugin: contacts with search and custom fields, their interaction timeline, duplicate
 * detection and merge, sales pipelines and deals ({@link PipelineRoutes}, {@link DealRoutes}). Routes are served under {@code /api/v1/tenants/{tenant}/crm}; see {@code plugin.yaml}.
 * Every write that other plugins should hear about publishes its event inside the same storage transaction.
 */
public final class CrmPlugin implements Plugin {
    static final String CONTACT_CREATED = "crm.contact.created";
    static final String CONTACT_UPDATED = "crm.contact.updated";

    @Override
    public void setup(PluginSetup setup) {
        setup.route(HttpMethod.POST, "/contacts", this::createContact);
        setup.route(HttpMethod.GET, "/contacts", this::listContacts);
        setup.route(HttpMethod.POST, "/contacts/import", ContactImport::handle);
        setup.route(HttpMethod.GET, "/contacts/export", ContactExport::handle);
        setup.route(HttpMethod.GET, "/contacts/{id}", this::readContact);
        setup.route(HttpMethod.PATCH, "/contacts/{id}", this::updateContact);
        setup.route(HttpMethod.DELETE, "/contacts/{id}", this::deleteContact);
        setup.route(HttpMethod.POST, "/custom-fields", this::defineCustomField);
        setup.route(HttpMethod.GET, "/custom-fields", this::listCustomFields);
        setup.route(HttpMethod.POST, "/contacts/{id}/interactions", this::recordInteraction);
        setup.route(HttpMethod.GET, "/contacts/{id}/interactions", this::timeline);
        setup.route(HttpMethod.GET, "/contacts/{id}/duplicates", this::duplicates);
        setup.route(HttpMethod.POST, "/contacts/{id}/merge", this::merge);
        setup.route(HttpMethod.POST, "/leads", this::createLead);
        setup.route(HttpMethod.GET, "/leads", this::listLeads);
        setup.route(HttpMethod.GET, "/leads/{id}", this::readLead);
        setup.route(HttpMethod.PATCH, "/leads/{id}", this::closeLead);
        setup.route(HttpMethod.POST, "/pipelines", PipelineRoutes::create);
        setup.route(HttpMethod.GET, "/pipelines", PipelineRoutes::list);
        setup.route(HttpMethod.GET, "/pipelines/{id}", PipelineRoutes::read);
        setup.route(HttpMethod.PATCH, "/pipelines/{id}", PipelineRoutes::update);
        setup.route(HttpMethod.GET, "/pipelines/{id}/summary", PipelineRoutes::summary);
        setup.route(HttpMethod.POST, "/deals", DealRoutes::create);
        setup.route(HttpMethod.GET, "/deals", DealRoutes::list);
        setup.route(HttpMethod.GET, "/deals/{id}", DealRoutes::read);
        setup.route(HttpMethod.PATCH, "/deals/{id}", DealRoutes::update);
        setup.route(HttpMethod.DELETE, "/deals/{id}", DealRoutes::delete);
        setup.onEvent(ConversationEnded.TOPIC, ConversationEnded::handle);
    }

    /** The tenant's phone normaliser, from its {@code defaultCountryCode} configuration. */
    static PhoneNumbers phoneNumbers(PluginContext context) {
        return new PhoneNumbers(context.config().string("defaultCountryCode").filter(code -> !code.isBlank()));
    }

    /** Now, at the database's precision, so a cursor built from a returned value finds the row again. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private Response createContact(Request request, PluginContext context) {
        Json body = request.json();
        // Read before the transaction: reading the configuration is a database round trip of its own, which would
        // otherwise keep one of the plugin's few connections busy.
        ContactChanges changes = new ContactChanges(phoneNumbers(context));
        Contact contact = context.storage().transaction(storage -> {
            FieldErrors errors = new FieldErrors();
            Contact created = changes.create(body, now(), errors);
            // A valid contact is inserted in the round trip that reads the definitions; if its custom fields do not
            // match them, throwIfAny fails the transaction and the insert is undone.
            Map<String, CustomFields.Definition> definitions = errors.isEmpty()
                    ? Contacts.insertReadingCustomFields(storage, created) : CustomFields.all(storage);
            CustomFields.check(created.customFields(), definitions, errors);
            errors.throwIfAny();
            context.events().publish(CONTACT_CREATED, created.toJson());
            return created;
        });
        return Response.created(contact.toJson()).withHeader("Location", "contacts/" + contact.id());
    }

    private Response readContact(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        return Response.ok(Contacts.require(Contacts.find(context.storage(), Contacts.parseId(id)), id).toJson());
    }

    private Response updateContact(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        UUID contactId = Contacts.parseId(id);
        Json body = request.json();
        ContactChanges changes = new ContactChanges(phoneNumbers(context));
        Contact updated = context.storage().transaction(storage -> {
            Contact current = Contacts.require(Contacts.lock(storage, contactId), id);
            FieldErrors errors = new FieldErrors();
            Contact changed = changes.apply(current, body, now(), errors);
            CustomFields.check(changed.customFields(), CustomFields.all(storage), errors);
            errors.throwIfAny();
            Contacts.update(storage, changed);
            context.events().publish(CONTACT_UPDATED, changed.toJson());
            return changed;
        });
        return Response.ok(updated.toJson());
    }

    private Response deleteContact(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        UUID contactId = Contacts.parseId(id);
        if (!context.storage().transaction(storage -> Deals.deleteContact(storage, contactId))) {
            throw Contacts.notFound(id);
        }
        return Response.noContent();
    }

    private Response listContacts(Request request, PluginContext context) {
        int limit = request.query("limit").map(CrmPlugin::pageSize).orElse(Contacts.DEFAULT_PAGE);
        Optional<String> q = request.query("q").filter(text -> !text.isBlank());
        Optional<String> qAsPhone = q.flatMap(text -> phoneNumbers(context).read(text).number());
        Contacts.Query query = new Contacts.Query(q, qAsPhone, nonBlank(request.query("tag")), nonBlank(request.query("company")),
                                                  nonBlank(request.query("owner")), phoneNeedsReview(request), limit,
                                                  nonBlank(request.query("cursor")).map(Contacts.Position::decode));
        Contacts.Page page = Contacts.page(context.storage(), query);
        return Response.ok(Json.object()
                                   .put("items", page.items().stream().map(Contact::toJson).toList())
                                   .put("next", page.next().orElse(null))
                                   .build());
    }

    private Response defineCustomField(Request request, PluginContext context) {
        CustomFields.Definition definition = CustomFields.parse(request.json());
        if (!CustomFields.insert(context.storage(), definition)) {
            throw new PluginProblem(409, "custom-field-exists", "A custom field with key '" + definition.key()
                                                                + "' is defined already; choose another key.");
        }
        return Response.created(definition.toJson());
    }

    private Response listCustomFields(Request request, PluginContext context) {
        Map<String, CustomFields.Definition> definitions = CustomFields.all(context.storage());
        List<Json> items = definitions.values().stream().map(CustomFields.Definition::toJson).toList();
        return Response.ok(Json.object().put("items", items).build());
    }

    private Response recordInteraction(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        UUID contactId = Contacts.parseId(id);
        Json body = request.json();
        Interactions.Interaction interaction = context.storage().transaction(storage -> {
            Contacts.require(Contacts.find(storage, contactId), id);
            FieldErrors errors = new FieldErrors();
            Interactions.Interaction parsed = Interactions.parse(contactId, body, now(), errors);
            errors.throwIfAny();
            Interactions.insert(storage, parsed, Optional.empty());
            return parsed;
        });
        return Response.created(interaction.toJson());
    }

    private Response timeline(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        UUID contactId = Contacts.parseId(id);
        int limit = request.query("limit").map(CrmPlugin::pageSize).orElse(Contacts.DEFAULT_PAGE);
        Optional<Contacts.Position> after = nonBlank(request.query("cursor")).map(Contacts.Position::decode);
        Interactions.Page page = context.storage().transaction(storage -> {
            Contacts.require(Contacts.find(storage, contactId), id);
            return Interactions.timeline(storage, contactId, limit, after);
        });
        return Response.ok(Json.object()
                                   .put("items", page.items().stream().map(Interactions.Interaction::toJson).toList())
                                   .put("next", page.next().orElse(null))
                                   .build());
    }

    private Response duplicates(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        UUID contactId = Contacts.parseId(id);
        List<Contact> duplicates = context.storage().transaction(storage -> {
            Contact contact = Contacts.require(Contacts.find(storage, contactId), id);
            return Contacts.byPhoneOrEmail(storage, contact.phones(), contact.emails()).stream()
                    .filter(other -> !other.id().equals(contactId)).toList();
        });
        return Response.ok(Json.object().put("items", duplicates.stream().map(Contact::toJson).toList()).build());
    }

    private Response merge(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        UUID intoId = Contacts.parseId(id);
        Json body = request.json();
        if (!(body.get("from") instanceof Json.Str fromText)) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: from: is required, the id of the contact to merge into this one.");
        }
        UUID fromId = Contacts.parseId(fromText.value());
        if (fromId.equals(intoId)) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: from: must be another contact than the one merged into.");
        }
        Contact merged = context.storage().transaction(storage -> {
            // Lock both rows in id order, so two opposite merges cannot deadlock.
            boolean intoFirst = intoId.compareTo(fromId) < 0;
            Optional<Contact> firstLocked = Contacts.lock(storage, intoFirst ? intoId : fromId);
            Optional<Contact> secondLocked = Contacts.lock(storage, intoFirst ? fromId : intoId);
            Contact into = Contacts.require(intoFirst ? firstLocked : secondLocked, id);
            Contact from = Contacts.require(intoFirst ? secondLocked : firstLocked, fromText.value());
            Contact combined = Merge.combine(into, from, now());
            Interactions.move(storage, fromId, intoId);
            Deals.moveToContact(storage, fromId, intoId);
            Contacts.delete(storage, fromId);
            Contacts.update(storage, combined);
            context.events().publish(CONTACT_UPDATED, combined.toJson());
            return combined;
        });
        return Response.ok(merged.toJson());
    }

    private Response createLead(Request request, PluginContext context) {
        Json body = request.json();
        if (!(body.get("contactId") instanceof Json.Str contactText)) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: contactId: is required, the id of the contact to follow as a lead.");
        }
        Leads.Scoring scoring = Leads.Scoring.of(context);
        Json lead = context.storage().transaction(storage -> {
            UUID contactId = Contacts.parseId(contactText.value());
            Contacts.require(Contacts.find(storage, contactId), contactText.value());
            Instant now = now();
            Leads.Lead created = new Leads.Lead(UUID.randomUUID(), contactId, Optional.empty(), now, now);
            if (!Leads.insert(storage, created)) {
                throw new PluginProblem(409, "lead-exists", "Contact '" + contactId + "' is a lead already; find it with GET /leads.");
            }
            return Leads.describe(storage, created, scoring);
        });
        return Response.created(lead);
    }

    private Response listLeads(Request request, PluginContext context) {
        int limit = request.query("limit").map(CrmPlugin::pageSize).orElse(Contacts.DEFAULT_PAGE);
        Optional<Contacts.Position> after = nonBlank(request.query("cursor")).map(Contacts.Position::decode);
        Leads.Scoring scoring = Leads.Scoring.of(context);
        Json page = context.storage().transaction(storage -> {
            Leads.Page leads = Leads.page(storage, limit, after);
            return Json.object().put("items", leads.items().stream().map(lead -> Leads.describe(storage, lead, scoring)).toList())
                    .put("next", leads.next().orElse(null)).build();
        });
        return Response.ok(page);
    }

    private Response readLead(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        Leads.Scoring scoring = Leads.Scoring.of(context);
        return Response.ok(context.storage().transaction(storage -> Leads.describe(
                storage, Leads.find(storage, Leads.parseId(id)).orElseThrow(() -> Leads.notFound(id)), scoring)));
    }

    private Response closeLead(Request request, PluginContext context) {
        String id = request.pathParam("id").orElseThrow();
        Json body = request.json();
        Json outcome = body.get("outcome");
        if (!(body instanceof Json.Obj) || !body.has("outcome") || !(outcome.isNull() || outcome instanceof Json.Str s && (s.value().equals("won") || s.value().equals("lost")))
            || body.asMap().size() != 1) {
            throw new PluginProblem(422, "invalid-fields", "Correct these fields: outcome: must be won, lost, or null to reopen the lead "
                                                           + "(the only field that can be changed).");
        }
        Leads.Scoring scoring = Leads.Scoring.of(context);
        return Response.ok(context.storage().transaction(storage -> {
            UUID leadId = Leads.parseId(id);
            Leads.find(storage, leadId).orElseThrow(() -> Leads.notFound(id));
            Leads.setOutcome(storage, leadId, outcome.asOptionalString(), now());
            return Leads.describe(storage, Leads.find(storage, leadId).orElseThrow(), scoring);
        }));
    }

    /** @return the {@code phoneNeedsReview} filter @throws PluginProblem 400 when it is neither true nor false */
    static Optional<Boolean> phoneNeedsReview(Request request) {
        return nonBlank(request.query("phoneNeedsReview")).map(text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new PluginProblem(400, "invalid-parameter", "phoneNeedsReview must be true (contacts with numbers to "
                                                                         + "review) or false, not '" + text + "'.");
        });
    }

    static Optional<String> nonBlank(Optional<String> value) {
        return value.map(String::strip).filter(text -> !text.isEmpty());
    }

    static int pageSize(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= Contacts.MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new PluginProblem(400, "invalid-limit", "limit must be a whole number from 1 to " + Contacts.MAX_PAGE + "; got '" + text + "'.");
    }
}
