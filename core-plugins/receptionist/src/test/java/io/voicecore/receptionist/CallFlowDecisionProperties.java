package io.voicecore.receptionist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.voicecore.sdk.json.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Reading what a call-flow script's {@code decide} returned. Whatever a script returns is either a decision the
 * receptionist can carry out or an {@link CallFlowDecision.InvalidDecision} saying what is wrong, never another failure:
 * a live turn falls back on exactly that exception and still answers.
 */
class CallFlowDecisionProperties {
    static final Map<String, String> DEPARTMENTS = Map.of("sales", "+34910000001", "support", "sip:support@example.sip.twilio.com");

    @Example
    void routeToAConfiguredDepartmentCarriesItsDestination() {
        CallFlowDecision decision = CallFlowDecision.of(Json.parse("{\"action\": \"route\", \"to\": \"Sales\", \"rule\": \"bookings in hours\"}"),
                                                        DEPARTMENTS);
        assertEquals(CallFlowDecision.Action.ROUTE, decision.action());
        assertEquals(Optional.of("sales"), decision.to());
        assertEquals(Optional.of("+34910000001"), decision.destination());
        assertEquals(Optional.of("bookings in hours"), decision.rule());
        assertTrue(decision.mayHandOver());
    }

    @Example
    void nullIsContinueAndMessageOrSayNeverHandOver() {
        assertEquals(CallFlowDecision.CONTINUE, CallFlowDecision.of(Json.NULL, DEPARTMENTS));
        assertFalse(CallFlowDecision.of(Json.parse("{\"action\": \"message\"}"), DEPARTMENTS).mayHandOver());
        CallFlowDecision say = CallFlowDecision.of(Json.parse("{\"action\": \"say\", \"text\": \" We are closed today. \"}"), DEPARTMENTS);
        assertEquals(Optional.of("We are closed today."), say.text());
        assertFalse(say.mayHandOver());
    }

    @Example
    void eachMistakeIsNamed() {
        assertRefused("{\"action\": \"route\", \"to\": \"billing\"}", "'billing', which is not a department of the receptionist; "
                                                                      + "the departments are");
        assertRefused("{\"action\": \"say\"}", "say without text");
        assertRefused("{\"action\": \"transfer\"}", "action 'transfer'");
        assertRefused("{\"to\": \"sales\"}", "no action");
        assertRefused("{\"action\": \"route\", \"too\": \"sales\"}", "[too]");
        assertRefused("{\"action\": \"message\", \"to\": \"sales\"}", "only route goes to a department");
        assertRefused("\"route\"", "return an object");
        assertRefused("{\"action\": \"say\", \"text\": \"" + "x".repeat(CallFlowDecision.MAX_TEXT + 1) + "\"}", "1-1000 characters");
        assertEquals("decide routed to 'sales', which is not a department of the receptionist; none is configured (setting "
                     + "departments, e.g. sales=+34910000001)",
                     assertThrows(CallFlowDecision.InvalidDecision.class,
                                  () -> CallFlowDecision.of(Json.parse("{\"action\": \"route\", \"to\": \"sales\"}"), Map.of())).getMessage());
    }

    @Property(tries = 500)
    void anyReturnedValueIsADecisionOrANamedMistake(@ForAll("returned") Json value) {
        try {
            CallFlowDecision decision = CallFlowDecision.of(value, DEPARTMENTS);
            decision.to().ifPresent(to -> assertEquals(DEPARTMENTS.get(to), decision.destination().orElseThrow()));
            assertEquals(decision.action() == CallFlowDecision.Action.SAY, decision.text().isPresent(), decision.toString());
            assertTrue(decision.effect("call").length() > 10);
        } catch (CallFlowDecision.InvalidDecision invalid) {
            assertTrue(invalid.getMessage().startsWith("decide "), invalid.getMessage());
        }
    }

    @Provide
    Arbitrary<Json> returned() {
        Arbitrary<Json> scalar = Arbitraries.oneOf(Arbitraries.just(Json.NULL), Arbitraries.of(true, false).map(Json::of),
                                                   Arbitraries.integers().map(n -> Json.of(BigDecimal.valueOf(n))),
                                                   Arbitraries.of("route", "message", "say", "continue", "ROUTE", " say ", "sales", "support",
                                                                  "", "x".repeat(1001), "billing").map(Json::of));
        Arbitrary<String> member = Arbitraries.of("action", "to", "text", "rule", "too");
        Arbitrary<Json> object = Arbitraries.maps(member, scalar).ofMaxSize(4).map(members -> {
            Json.ObjectBuilder built = Json.object();
            members.forEach(built::put);
            return built.build();
        });
        return Arbitraries.oneOf(scalar, object, object.list().ofMaxSize(2).map(List::copyOf).map(Json::array));
    }

    private static void assertRefused(String returned, String expected) {
        String message = assertThrows(CallFlowDecision.InvalidDecision.class, () -> CallFlowDecision.of(Json.parse(returned), DEPARTMENTS))
                .getMessage();
        assertTrue(message.contains(expected), message);
    }
}
