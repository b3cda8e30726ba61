package io.voicecore.aigateway.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Completion;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.KnowledgeEntry;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.api.Persona;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class OfflineEngineProperties {
    static final List<String> PHRASES = List.of("Me llamo Lucía García", "mi teléfono es 612 345 678", "lucia@example.es",
            "quiero reservar una cita para mañana", "sí", "no", "Is there parking?", "My name is John Smith", "+1 415 555 0100",
            "je voudrais annuler mon rendez-vous", "Ich heiße Jürgen", "¿Cuál es su horario?", "grazie", "the email is a@b.co", "ok");
    static final List<KnowledgeEntry> KNOWLEDGE = List.of(new KnowledgeEntry(List.of("parking"), "Free parking behind the building."));

    final OfflineEngine engine = new OfflineEngine();

    @Provide
    Arbitrary<List<String>> conversations() {
        return Arbitraries.oneOf(Arbitraries.of(PHRASES), Arbitraries.strings().ofMaxLength(40)).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<String>> offered() {
        return Arbitraries.of(Languages.SUPPORTED).list().uniqueElements().ofMinSize(1);
    }

    static Persona persona(List<String> languages) {
        return new Persona("Ava", "Clínica Sol", Persona.Tone.FRIENDLY, Optional.of("Mon-Fri 09:00-18:00"), ZoneId.of("Europe/Madrid"),
                           languages);
    }

    @Property
    void theSameConversationAlwaysGetsTheSameAnswerInAnOfferedLanguage(@ForAll("conversations") List<String> callerTurns,
                                                                        @ForAll("offered") List<String> languages) {
        List<Message> messages = callerTurns.stream().map(Message::user).toList();
        CompletionRequest request = new CompletionRequest(persona(languages), messages, KNOWLEDGE, Optional.empty(), Optional.empty(),
                                                          Optional.empty());
        Completion first = engine.complete(request);
        assertEquals(first, engine.complete(request));
        assertTrue(languages.contains(first.language()), first.language() + " not in " + languages);
        assertTrue(!first.text().isBlank());
    }

    @Property
    void theAssistantsOwnEarlierAnswersDoNotChangeTheNextOne(@ForAll("conversations") List<String> callerTurns) {
        Persona persona = persona(Languages.SUPPORTED);
        List<Message> full = new ArrayList<>();
        full.add(Message.assistant(engine.complete(new CompletionRequest(persona, List.of())).text()));
        for (String turn : callerTurns) {
            full.add(Message.user(turn));
            full.add(Message.assistant(engine.complete(new CompletionRequest(persona, full, KNOWLEDGE, Optional.empty(), Optional.empty(),
                                                                             Optional.empty())).text()));
        }
        full.remove(full.size() - 1);
        List<Message> callerOnly = callerTurns.stream().map(Message::user).toList();
        assertEquals(engine.complete(new CompletionRequest(persona, callerOnly, KNOWLEDGE, Optional.empty(), Optional.empty(), Optional.empty())),
                     engine.complete(new CompletionRequest(persona, full, KNOWLEDGE, Optional.empty(), Optional.empty(), Optional.empty())));
    }
}
