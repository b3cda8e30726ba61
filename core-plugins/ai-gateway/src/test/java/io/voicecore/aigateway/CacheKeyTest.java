package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    static final String BASE = "https://api.openai.com/v1";
    static final Persona PERSONA = new Persona("Ava", "Clínica Sol", Persona.Tone.FRIENDLY, Optional.of("Mon-Fri 09:00-18:00"),
                                               ZoneId.of("Europe/Madrid"), List.of("es", "en"));

    static CompletionRequest request(Persona persona, List<Message> messages, List<KnowledgeEntry> knowledge, Optional<String> language,
                                     Optional<Integer> maxTokens, Optional<Instant> time) {
        return new CompletionRequest(persona, messages, knowledge, language, maxTokens, time);
    }

    static CompletionRequest simple(String... userTexts) {
        return new CompletionRequest(PERSONA, java.util.Arrays.stream(userTexts).map(Message::user).toList());
    }

    @Test
    void isAHexSha256() {
        String key = CacheKey.of(BASE, "gpt-4o-mini", simple("Hola"));
        assertEquals(64, key.length());
        assertTrue(key.matches("[0-9a-f]{64}"), key);
    }

    @Test
    void spacingDoesNotMatter() {
        assertEquals(CacheKey.of(BASE, "gpt-4o-mini", simple("¿Tienen   aparcamiento?")),
                     CacheKey.of(BASE, "gpt-4o-mini", simple("  ¿Tienen aparcamiento?\n")));
        Persona spaced = new Persona(" Ava ", "Clínica  Sol", Persona.Tone.FRIENDLY, Optional.of("Mon-Fri  09:00-18:00 "),
                                     ZoneId.of("Europe/Madrid"), List.of("es", "en"));
        assertEquals(CacheKey.of(BASE, "gpt-4o-mini", simple("Hola")),
                     CacheKey.of(BASE, "gpt-4o-mini", new CompletionRequest(spaced, List.of(Message.user("Hola")))));
        KnowledgeEntry parking = new KnowledgeEntry(List.of("Parking"), "Free  parking.");
        assertEquals(CacheKey.of(BASE, "m", request(PERSONA, List.of(), List.of(parking), Optional.empty(), Optional.empty(), Optional.empty())),
                     CacheKey.of(BASE, "m", request(PERSONA, List.of(), List.of(new KnowledgeEntry(List.of(" parking"), "Free parking.")),
                                                    Optional.empty(), Optional.empty(), Optional.empty())),
                     "keywords match case-insensitively, so their case does not matter either");
    }

    @Test
    void everythingTheModelCouldAnswerDifferentlyToChangesTheKey() {
        String key = CacheKey.of(BASE, "gpt-4o-mini", simple("Hola"));
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o", simple("Hola")), "model");
        assertNotEquals(key, CacheKey.of("http://127.0.0.1:4010/v1", "gpt-4o-mini", simple("Hola")), "provider");
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o-mini", simple("hola")), "case of the caller's words");
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o-mini", new CompletionRequest(PERSONA, List.of(Message.assistant("Hola")))), "role");
        assertNotEquals(CacheKey.of(BASE, "m", simple("a", "b")), CacheKey.of(BASE, "m", simple("b", "a")), "order");
        assertNotEquals(CacheKey.of(BASE, "m", simple("a b")), CacheKey.of(BASE, "m", simple("a", "b")), "message boundaries");
        List<Message> hola = List.of(Message.user("Hola"));
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o-mini", request(PERSONA, hola, List.of(), Optional.of("es"), Optional.empty(),
                                                                      Optional.empty())), "language");
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o-mini", request(PERSONA, hola, List.of(), Optional.empty(), Optional.of(50),
                                                                      Optional.empty())), "token limit");
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o-mini", request(PERSONA, hola, List.of(), Optional.empty(), Optional.empty(),
                                                                      Optional.of(Instant.parse("2026-03-02T10:00:00Z")))), "time");
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o-mini", request(new Persona("Ava", "Clínica Sol", Persona.Tone.FORMAL,
                PERSONA.businessHours(), PERSONA.timeZone(), PERSONA.languages()), hola, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty())), "tone");
        assertNotEquals(key, CacheKey.of(BASE, "gpt-4o-mini", request(PERSONA, hola, List.of(new KnowledgeEntry(List.of("x"), "y")),
                                                                      Optional.empty(), Optional.empty(), Optional.empty())), "knowledge");
        String call = CacheKey.of(BASE, "gpt-4o-mini", simple("Hola").on(Channel.CALL, Optional.empty()));
        assertNotEquals(key, call, "channel");
        assertNotEquals(call, CacheKey.of(BASE, "gpt-4o-mini", simple("Hola").on(Channel.CALL, Optional.of("+34600111222"))),
                        "the caller's number");
        assertEquals(key, CacheKey.of(BASE, "gpt-4o-mini", simple("Hola").on(Channel.CHAT, Optional.empty())), "chat is the default");
    }
}
