package io.voicecore.receptionist;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.voicecore.sdk.json.Json;

/**
 * What a tenant's call-flow script decided for one caller turn: the value its {@code decide(turn)} returned, read into
 * one of the things the receptionist can do.
 *
 * @param action      what to do
 * @param to          for {@link Action#ROUTE}, the department the caller is put through to (one of the configured
 *                    {@code departments}); empty: to the team, as the receptionist's own handover does
 * @param destination the department's number or SIP address, when {@code to} names one
 * @param text        for {@link Action#SAY}, what to say instead of the language model's reply
 * @param rule        a name the script gave the rule that decided, recorded with the turn
 */
record CallFlowDecision(Action action, Optional<String> to, Optional<String> destination, Optional<String> text, Optional<String> rule) {
    static final int MAX_TEXT = 1000;
    static final int MAX_RULE = 100;
    /** The decision of a turn without a call flow, or whose call flow failed. */
    static final CallFlowDecision CONTINUE = new CallFlowDecision(Action.CONTINUE, Optional.empty(), Optional.empty(), Optional.empty(),
                                                                  Optional.empty());
    private static final Set<String> MEMBERS = Set.of("action", "to", "text", "rule");

    /** What a call flow can have the receptionist do on a turn. */
    enum Action {
        /** Hand the caller over to a department, or to the team. */
        ROUTE,
        /** Take a message: go on collecting the caller's details, never handing over on this turn. */
        MESSAGE,
        /** Say the script's text instead of the language model's reply (details are still collected; no handover). */
        SAY,
        /** What the receptionist does without a call flow. */
        CONTINUE;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A value returned by {@code decide} that is not a decision; the message says what is wrong with it. */
    static final class InvalidDecision extends RuntimeException {
        InvalidDecision(String message) {
            super(message);
        }
    }

    /** @return whether the receptionist's escalation rules may hand over on this turn */
    boolean mayHandOver() {
        return action == Action.CONTINUE || action == Action.ROUTE;
    }

    /**
     * Reads what {@code decide} returned. {@code null} (or {@code undefined}) is {@code continue}.
     *
     * @param value       the script's result
     * @param departments the configured departments, by name
     * @throws InvalidDecision naming what is wrong
     */
    static CallFlowDecision of(Json value, Map<String, String> departments) {
        if (value.isNull()) {
            return CONTINUE;
        }
        if (!(value instanceof Json.Obj object)) {
            throw new InvalidDecision("decide returned " + abbreviated(value) + "; return an object such as {action: \"continue\"}");
        }
        Set<String> unknown = new TreeSet<>(object.members().keySet());
        unknown.removeAll(MEMBERS);
        if (!unknown.isEmpty()) {
            throw new InvalidDecision("decide returned members " + unknown + " that a decision does not have; it has action, to (route), "
                                      + "text (say) and rule");
        }
        if (!(value.get("action") instanceof Json.Str actionText)) {
            throw new InvalidDecision("decide returned no action; action is one of route, message, say, continue");
        }
        Action action;
        try {
            action = Action.valueOf(actionText.value().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknownAction) {
            throw new InvalidDecision("decide returned action '" + actionText.value() + "'; action is one of route, message, say, continue");
        }
        Optional<String> rule = optionalText(value, "rule", MAX_RULE);
        Optional<String> to = optionalText(value, "to", 40).map(name -> name.toLowerCase(Locale.ROOT));
        if (to.isPresent() && action != Action.ROUTE) {
            throw new InvalidDecision("decide returned to with action " + action.wireName() + "; only route goes to a department");
        }
        Optional<String> destination = Optional.empty();
        if (to.isPresent()) {
            destination = Optional.ofNullable(departments.get(to.get()));
            if (destination.isEmpty()) {
                throw new InvalidDecision("decide routed to '" + to.get() + "', which is not a department of the receptionist; "
                                          + (departments.isEmpty() ? "none is configured (setting departments, e.g. sales=+34910000001)"
                                                  : "the departments are " + String.join(", ", departments.keySet())));
            }
        }
        Optional<String> text = optionalText(value, "text", MAX_TEXT);
        if (action == Action.SAY && text.isEmpty()) {
            throw new InvalidDecision("decide returned say without text; say needs text, 1-" + MAX_TEXT + " characters");
        }
        if (action != Action.SAY && text.isPresent()) {
            throw new InvalidDecision("decide returned text with action " + action.wireName() + "; only say has a text");
        }
        return new CallFlowDecision(action, to, destination, text, rule);
    }

    /** @return the decision as a script's author would write it, with the department's destination */
    Json toJson() {
        return Json.object().put("action", action.wireName()).put("to", to.orElse(null)).put("destination", destination.orElse(null))
                .put("text", text.orElse(null)).put("rule", rule.orElse(null)).build();
    }

    /** @return what the receptionist does with this decision, in words */
    String effect(String channel) {
        return switch (action) {
            case ROUTE -> (channel.equals(ReceptionistPlugin.CALL) ? "The caller is put through to " : "The conversation is handed over to ")
                          + to.map(name -> "department " + name + " (" + destination.orElseThrow() + ")").orElse("the team")
                          + ", with the receptionist's handover sentence.";
            case MESSAGE -> "The receptionist takes a message: it goes on collecting the caller's details and does not hand over on this turn.";
            case SAY -> "The receptionist says the script's text instead of the language model's reply; the caller's details are still "
                        + "collected and the turn does not hand over.";
            case CONTINUE -> "The receptionist answers as it does without a call flow.";
        };
    }

    private static Optional<String> optionalText(Json decision, String member, int max) {
        Json value = decision.get(member);
        if (value.isNull()) {
            return Optional.empty();
        }
        if (!(value instanceof Json.Str text) || text.value().isBlank() || text.value().strip().length() > max) {
            throw new InvalidDecision("decide returned " + member + " " + abbreviated(value) + "; " + member + " is a text of 1-" + max
                                      + " characters");
        }
        return Optional.of(text.value().strip());
    }

    private static String abbreviated(Json value) {
        String text = value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
