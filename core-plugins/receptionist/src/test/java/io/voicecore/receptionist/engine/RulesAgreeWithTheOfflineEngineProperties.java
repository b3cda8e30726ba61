package io.voicecore.receptionist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.voicecore.aigateway.api.Channel;
import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.Message;
import io.voicecore.aigateway.offline.OfflineEngine;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The receptionist's rules and the gateway's offline engine agree, turn by turn, on when the caller's details are
 * complete and read back for confirmation: in a chat, and on a call where the e-mail is optional.
 */
class RulesAgreeWithTheOfflineEngineProperties {
    static final Personality PERSONALITY = new Personality("Ava", Optional.of("Clínica Sol"), Optional.empty(), "friendly",
                                                           List.of("en", "es", "fr", "de", "it", "pt"), Optional.empty(),
                                                           ZoneId.of("Europe/Madrid"), List.of(), 0);
    /** How the offline engine starts reading the details back, in each language. */
    static final List<String> READ_BACK = List.of("Let me confirm:", "Le confirmo:", "Je récapitule :", "Ich fasse zusammen:", "Riepilogo:",
                                                  "Confirmo:");
    static final List<String> SAID = List.of("Hola, me llamo Lucía Fernández", "Quiero pedir una cita para mañana", "no", "no tengo", "sí",
            "lucia@example.es", "mi teléfono es 612 345 678", "My name is John Smith", "I want to book an appointment", "no thanks",
            "Je m'appelle Marie Dupont", "je voudrais annuler mon rendez-vous", "non", "Ich heiße Jürgen Weber", "ich möchte einen Termin",
            "nein danke", "Mi chiamo Anna Rossi", "vorrei un appuntamento", "Chamo-me Ana Silva", "queria marcar uma consulta",
            "¿Tienen aparcamiento?", "ok");

    final OfflineEngine gateway = new OfflineEngine();

    @Property
    void theReceptionistIsConfirmingExactlyWhenTheOfflineEngineReadsTheDetailsBack(@ForAll("turns") List<String> turns,
                                                                                    @ForAll("channels") Channel channel,
                                                                                    @ForAll("lines") Optional<String> line) {
        Optional<String> callerNumber = channel == Channel.CALL ? line : Optional.empty();
        ConversationRules rules = new ConversationRules(PERSONALITY, channel, callerNumber);
        ConversationState state = ConversationState.start("es");
        List<Message> messages = new ArrayList<>();
        for (String text : turns) {
            state = rules.next(state, text, gateway.analyse(text, PERSONALITY.languages(), Optional.of(state.language())), false).state();
            messages.add(Message.user(text));
            String reply = gateway.complete(new CompletionRequest(PERSONALITY.persona(), messages, List.of(), Optional.of(state.language()),
                                                                  Optional.empty(), Optional.empty(), channel, callerNumber)).text();
            messages.add(Message.assistant(reply));
            boolean readsBack = READ_BACK.stream().anyMatch(reply::contains);
            assertEquals(readsBack, state.stage() == ConversationState.Stage.CONFIRMING, channel + " " + turns + ": '" + text + "' -> " + reply
                                                                                          + " / " + state.stage());
        }
    }

    @Provide
    Arbitrary<List<String>> turns() {
        return Arbitraries.oneOf(Arbitraries.of(SAID), Arbitraries.strings().alpha().withChars(' ').ofMaxLength(30)).list().ofMinSize(1)
                .ofMaxSize(8);
    }

    @Provide
    Arbitrary<Channel> channels() {
        return Arbitraries.of(Channel.class);
    }

    @Provide
    Arbitrary<Optional<String>> lines() {
        return Arbitraries.of(Optional.of("+34600111222"), Optional.empty());
    }
}
