package io.voicecore.standins.stripe;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A refusal in Stripe's shape: an HTTP status and {@code {"error": {"type", "code", "message", "param", …}}}. Fields
 * Stripe would leave out (no code, no param) are left out; a coded error carries Stripe's {@code doc_url}.
 */
final class ApiError extends RuntimeException {
    static final String INVALID_REQUEST = "invalid_request_error";
    static final String CARD = "card_error";
    static final String IDEMPOTENCY = "idempotency_error";
    static final String API = "api_error";

    private final int status;
    private final ObjectNode error = Json.object();

    private ApiError(int status, String type, String code, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        if (code != null) {
            error.put("code", code);
            error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        }
        error.put("type", type);
    }

    /** A 400 {@code invalid_request_error} without a code. */
    static ApiError invalid(String message, String param) {
        return new ApiError(400, INVALID_REQUEST, null, message, param);
    }

    /** A 400 {@code invalid_request_error} with a code. */
    static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, INVALID_REQUEST, code, message, param);
    }

    /**
     * {@code resource_missing}: 404 when the id is in the URL, 400 when it is a parameter.
     *
     * @param kind as Stripe names it in the message: {@code customer}, {@code payment_intent}, {@code PaymentMethod}, …
     */
    static ApiError noSuch(String kind, String id, String param, int status) {
        return new ApiError(status, INVALID_REQUEST, "resource_missing", "No such " + kind + ": '" + id + "'", param);
    }

    /** A 402 {@code card_error}, e.g. {@code card_declined} with decline code {@code generic_decline}. */
    static ApiError card(TestCard.Decline decline) {
        ApiError card = new ApiError(402, CARD, decline.code(), decline.message(), decline.param());
        if (decline.declineCode() != null) {
            card.error.put("decline_code", decline.declineCode());
        }
        return card;
    }

    static ApiError idempotency(int status, String message, String code) {
        return new ApiError(status, IDEMPOTENCY, code, message, null);
    }

    /** 401, in the shape Stripe answers a missing or unknown API key with. */
    static ApiError unauthorized(String message) {
        return new ApiError(401, INVALID_REQUEST, null, message, null);
    }

    /** 404 for a method and path Stripe does not have (or the stand-in does not implement). */
    static ApiError noRoute(String method, String path) {
        return new ApiError(404, INVALID_REQUEST, null, "Unrecognized request URL (" + method + ": " + path + "). Please"
                                                        + " see https://stripe.com/docs or we can help at"
                                                        + " https://support.stripe.com/. (The Stripe stand-in"
                                                        + " implements only the endpoints in docs/stand-ins.md.)",
                            null);
    }

    /** Any other 4xx, as an {@code invalid_request_error}. */
    static ApiError status(int status, String message) {
        return new ApiError(status, INVALID_REQUEST, null, message, null);
    }

    /** A failure on Stripe's side: {@code api_error} with a 5xx status. */
    static ApiError server(int status, String message) {
        return new ApiError(status, API, null, message, null);
    }

    /** 429, as Stripe answers too many requests. */
    static ApiError rateLimited(String message) {
        return new ApiError(429, INVALID_REQUEST, "rate_limit", message, null);
    }

    /** Adds a field to the error object, e.g. {@code charge}, {@code payment_intent}, {@code payment_method}. */
    ApiError with(String field, com.fasterxml.jackson.databind.JsonNode value) {
        error.set(field, value);
        return this;
    }

    int status() {
        return status;
    }

    /** @return a copy of the error object, as put into a payment intent's {@code last_payment_error} */
    ObjectNode error() {
        return error.deepCopy();
    }

    /** @return the response body, {@code {"error": {...}}} */
    ObjectNode body() {
        ObjectNode body = Json.object();
        body.set("error", error.deepCopy());
        return body;
    }
}
