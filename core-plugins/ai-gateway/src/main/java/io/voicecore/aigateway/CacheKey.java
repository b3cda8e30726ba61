package io.voicecore.aigateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;

/**
 * The response cache's key for a request: SHA-256 over the provider, the model and the request in a canonical form,
 * so requests that differ only in spacing share an answer while anything the model could answer differently (a word,
 * a role, the order of messages, the language, the time, the channel) gets its own. Each field is length-prefixed, so no two
 * different requests have the same canonical form.
 */
final class CacheKey {
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private CacheKey() {
    }

    /**
     * @param baseUrl the provider's base URL
     * @param model   the model
     * @param request the request
     * @return 64 lower-case hex digits
     */
    static String of(String baseUrl, String model, CompletionRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical(baseUrl, model, request).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The canonical form the key is the hash of: every field normalised and length-prefixed, in a fixed order. */
    static String canonical(String baseUrl, String model, CompletionRequest request) {
        StringBuilder out = new StringBuilder();
        field(out, baseUrl.strip().toLowerCase(Locale.ROOT));
        field(out, model.strip());
        Persona persona = request.persona();
        field(out, text(persona.assistantName()));
        field(out, text(persona.businessName()));
        field(out, persona.tone().name());
        field(out, persona.businessHours().map(CacheKey::text).orElse(""));
        field(out, persona.timeZone().getId());
        field(out, String.join(",", persona.languages()));
        field(out, String.valueOf(request.messages().size()));
        for (Message message : request.messages()) {
            field(out, message.role().name());
            field(out, text(message.text()));
        }
        field(out, String.valueOf(request.knowledge().size()));
        for (KnowledgeEntry entry : request.knowledge()) {
            field(out, String.valueOf(entry.keywords().size()));
            for (String keyword : entry.keywords()) {
                field(out, text(keyword).toLowerCase(Locale.ROOT));
            }
            field(out, text(entry.answer()));
        }
        field(out, request.language().orElse(""));
        field(out, request.maxTokens().map(String::valueOf).orElse(""));
        field(out, request.currentTime().map(Object::toString).orElse(""));
        field(out, request.channel().name());
        field(out, request.callerNumber().orElse(""));
        return out.toString();
    }

    /** Text with its spacing normalised: trimmed, every run of white space one space. */
    private static String text(String value) {
        return SPACES.matcher(value.strip()).replaceAll(" ");
    }

    private static void field(StringBuilder out, String value) {
        out.append(value.length()).append(':').append(value).append(';');
    }
}
