package io.voicecore.standins.stripe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every Stripe object the stand-in made, by id, with what Stripe knows about a payment method but does not show
 * (how its card behaves, whether it was used up), and the events in the order they happened.
 *
 * <p>Not thread-safe by itself: {@link StripeStandIn} runs every operation holding this store's monitor, so that
 * an operation touching several objects (a refund changes the charge, adds a refund and a balance transaction) is
 * seen whole or not at all.
 */
final class Store {
    private final Map<String, ObjectNode> objects = new HashMap<>();
    private final Map<String, TestCard> cards = new HashMap<>();
    private final Set<String> spent = new HashSet<>();
    private final List<ObjectNode> events = new ArrayList<>();

    /** Keeps {@code object} (kept by reference: later changes to it are changes to the stored object). */
    ObjectNode put(ObjectNode object) {
        objects.put(object.path("id").asText(), object);
        return object;
    }

    Optional<ObjectNode> find(String id) {
        return Optional.ofNullable(objects.get(id));
    }

    /**
     * @param type    the object's {@code object} field, e.g. {@code payment_intent}
     * @param kind    how Stripe's message names it, e.g. {@code payment_intent} or {@code PaymentMethod}
     * @param param   the parameter to blame, or null
     * @param status  404 when the id came in the URL, 400 when it came as a parameter
     * @return the stored object (not a copy)
     */
    ObjectNode require(String id, String type, String kind, String param, int status) {
        ObjectNode object = objects.get(id);
        if (object == null || !object.path("object").asText().equals(type)) {
            throw ApiError.noSuch(kind, id, param, status);
        }
        return object;
    }

    void card(String paymentMethod, TestCard card) {
        cards.put(paymentMethod, card);
    }

    TestCard card(String paymentMethod) {
        return cards.getOrDefault(paymentMethod, TestCard.VISA);
    }

    /** Marks a payment method that belongs to no customer as used: Stripe lets such a one pay once. */
    void spend(String paymentMethod) {
        spent.add(paymentMethod);
    }

    boolean spent(String paymentMethod) {
        return spent.contains(paymentMethod);
    }

    void event(ObjectNode event) {
        events.add(event);
        put(event);
    }

    List<ObjectNode> events() {
        return List.copyOf(events);
    }

    void clear() {
        objects.clear();
        cards.clear();
        spent.clear();
        events.clear();
    }
}
