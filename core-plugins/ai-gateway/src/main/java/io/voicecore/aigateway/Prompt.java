package io.voicecore.aigateway;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;

/**
 * The messages sent to the online provider for a completion request: a system prompt made from the persona, the
 * channel (on a phone call, the caller's number and that an e-mail is optional), the language, the opening hours and
 * the knowledge entries, then the request's own messages in order.
 */
final class Prompt {
    private static final Map<String, String> LANGUAGE_NAMES = Map.of("en", "English", "es", "Spanish", "fr", "French", "de", "German",
                                                                     "it", "Italian", "pt", "Portuguese");
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm", Locale.ENGLISH);

    private Prompt() {
    }

    /** @param request the completion request @return the provider's messages: the system prompt, then the conversation */
    static List<Message> messages(CompletionRequest request) {
        List<Message> messages = new ArrayList<>();
        messages.add(Message.system(system(request)));
        messages.addAll(request.messages());
        return messages;
    }

    /** @param request the completion request @return the instructions the assistant follows */
    static String system(CompletionRequest request) {
        Persona persona = request.persona();
        StringBuilder prompt = new StringBuilder();
        String business = persona.namedBusiness().map(name -> ", the receptionist of " + name)
                .orElse(", a receptionist; the business has not given its name, so speak of it as we and us in the caller's language");
        prompt.append("You are ").append(persona.assistantName()).append(business)
                .append(". Speak in a ").append(persona.tone() == Persona.Tone.FORMAL ? "polite, formal" : "warm, friendly")
                .append(" tone, in short sentences fit to be said on the phone (one to three).\n");
        if (request.channel() == Channel.CALL) {
            prompt.append(request.callerNumber()
                    .map(number -> "This is a phone call from " + number + ": that number, known from the line, is the caller's phone, so "
                                   + "never ask for a phone number. ")
                    .orElse("This is a phone call from a withheld number: ask for a phone number to call back. "))
                    .append("An e-mail address is optional by phone: offer once to take one, and when the caller declines or gives "
                            + "none, go on without it.\n");
        }
        prompt.append(request.language()
                .map(code -> "Answer in " + name(code) + ".\n")
                .orElseGet(() -> "Answer in the caller's language when it is one of " + String.join(", ",
                        persona.languages().stream().map(Prompt::name).toList()) + "; otherwise in " + name(persona.defaultLanguage())
                                 + ".\n"));
        persona.businessHours().ifPresent(hours -> {
            prompt.append("Opening hours: ").append(hours).append(" (time zone ").append(persona.timeZone().getId()).append(").");
            request.currentTime().ifPresent(now -> prompt.append(" It is now ")
                    .append(LOCAL_TIME.format(ZonedDateTime.ofInstant(now, persona.timeZone()))).append(" there."));
            prompt.append('\n');
        });
        if (request.knowledge().isEmpty()) {
            prompt.append("When you do not know an answer, say so and that you will pass the question on to the team; never invent facts.\n");
        } else {
            prompt.append("Answer questions from these facts only; when they do not cover a question, say that you will pass it on to the "
                          + "team, and never invent facts:\n");
            for (KnowledgeEntry entry : request.knowledge()) {
                prompt.append("- (").append(String.join(", ", entry.keywords())).append(") ").append(entry.answer()).append('\n');
            }
        }
        return prompt.toString().strip();
    }

    private static String name(String code) {
        return LANGUAGE_NAMES.getOrDefault(code, "the language with ISO 639-1 code " + code);
    }
}
