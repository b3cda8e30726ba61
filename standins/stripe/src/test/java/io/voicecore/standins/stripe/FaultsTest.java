package io.voicecore.standins.stripe;

import static io.voicecore.standins.stripe.StandInClients.KEY;
import static io.voicecore.standins.stripe.StandInClients.client;
import static io.voicecore.standins.stripe.StandInClients.json;
import static io.voicecore.standins.stripe.StandInClients.logged;
import static io.voicecore.standins.stripe.StandInClients.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.RateLimitException;
import com.stripe.model.PaymentIntent;
import com.stripe.param.PaymentIntentCreateParams;

/** Scripted faults: 5xx the client retries, 429, answers held back past the client's time-out, disputes. */
class FaultsTest {
    private static StripeStandIn standIn;

    @BeforeAll
    static void start() {
        standIn = StripeStandIn.start(0, StripeStandInSettings.defaults().withKeys(KEY));
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @BeforeEach
    void reset() {
        standIn.reset();
    }

    private static PaymentIntentCreateParams pay() {
        return PaymentIntentCreateParams.builder().setAmount(6_000L).setCurrency("usd").setPaymentMethod("pm_card_visa")
                .setConfirm(true).build();
    }

    @Test
    void aScripted500SurfacesAsStripesApiError() {
        standIn.fault(Fault.status("POST", "/v1/payment_intents", 500, 1));

        ApiException failed = assertThrows(ApiException.class,
                () -> client(standIn).v1().paymentIntents().create(pay()));
        assertEquals(500, failed.getStatusCode());
        assertEquals("api_error", failed.getStripeError().getType());
        assertTrue(standIn.events().isEmpty(), "a scripted failure does nothing");
        assertEquals("status 500", standIn.requests().get(0).fault().orElseThrow());
    }

    @Test
    void theClientRetries5xxWithTheSameKeyAndIsChargedOnce() throws Exception {
        standIn.fault(Fault.status("POST", "/v1/payment_intents", 503, 2));

        PaymentIntent intent = client(standIn, 2, 10_000).v1().paymentIntents().create(pay());

        assertEquals("succeeded", intent.getStatus());
        List<RecordedRequest> posts = logged(standIn, "POST", "/v1/payment_intents");
        assertEquals(List.of(503, 503, 200), posts.stream().map(RecordedRequest::status).toList());
        String key = posts.get(0).idempotencyKey().orElseThrow(() -> new AssertionError("stripe-java sends a key"));
        assertTrue(posts.stream().allMatch(r -> r.idempotencyKey().orElseThrow().equals(key)), posts.toString());
        assertEquals(1, standIn.events().size());
    }

    @Test
    void a429SurfacesAsRateLimit() {
        standIn.fault(Fault.status("POST", "/v1/customers", 429, 1));

        RateLimitException limited = assertThrows(RateLimitException.class,
                () -> client(standIn).v1().customers().create(com.stripe.param.CustomerCreateParams.builder().build()));
        assertEquals("rate_limit", limited.getCode());
    }

    @Test
    void aHangPastTheReadTimeoutSurfacesAsAConnectionError() {
        standIn.fault(Fault.hang("POST", "/v1/payment_intents", Duration.ofMillis(1_500), 1));

        ApiConnectionException timedOut = assertThrows(ApiConnectionException.class,
                () -> client(standIn, 0, 300).v1().paymentIntents().create(pay()));
        assertTrue(timedOut.getCause() instanceof java.net.SocketTimeoutException, String.valueOf(timedOut.getCause()));
        // The payment was made all the same: the answer was what got lost.
        assertEquals(1, standIn.events().size());
    }

    @Test
    void aRetryAfterALostAnswerGetsTheKeptAnswerAndChargesOnce() throws Exception {
        standIn.fault(Fault.hang("POST", "/v1/payment_intents", Duration.ofMillis(2_000), 1));

        PaymentIntent intent = client(standIn, 1, 600).v1().paymentIntents().create(pay());

        List<RecordedRequest> posts = logged(standIn, "POST", "/v1/payment_intents");
        assertEquals(2, posts.size());
        assertEquals("hang 2000ms", posts.get(0).fault().orElseThrow());
        assertFalse(posts.get(0).idempotentReplayed());
        assertTrue(posts.get(1).idempotentReplayed());
        assertEquals(intent.getId(), posts.get(0).objectId().orElseThrow());
        assertEquals(intent.getId(), posts.get(1).objectId().orElseThrow());
        assertEquals(1, standIn.events().size(), "charged once");
    }

    @Test
    void faultsMatchMethodAndPathOrAPrefixAndAreUsedUp() throws Exception {
        standIn.fault(Fault.status("GET", "/v1/payment_intents*", 502, 1));
        PaymentIntent intent = client(standIn).v1().paymentIntents().create(pay());

        assertThrows(ApiException.class, () -> client(standIn).v1().paymentIntents().retrieve(intent.getId()));
        assertEquals(intent.getId(), client(standIn).v1().paymentIntents().retrieve(intent.getId()).getId());
    }

    @Test
    void faultsAndDisputesCanBeScriptedOverHttp() throws Exception {
        HttpResponse<String> scripted = send(standIn, "POST", "/standin/faults",
                                             "{\"method\":\"POST\",\"path\":\"/v1/payment_intents\",\"times\":2,"
                                             + "\"status\":500}");
        assertEquals(200, scripted.statusCode(), scripted.body());
        assertEquals(2, json(scripted).path("pending").asInt());
        HttpResponse<String> invalid = send(standIn, "POST", "/standin/faults", "{\"path\":\"/v1/x\",\"status\":500,"
                                                                                + "\"hangMillis\":10}");
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body().contains("exactly one of"), invalid.body());

        PaymentIntent intent = client(standIn, 2, 10_000).v1().paymentIntents().create(pay());
        HttpResponse<String> disputed = send(standIn, "POST", "/standin/disputes",
                                             "{\"charge\":\"" + intent.getLatestCharge() + "\",\"reason\":"
                                             + "\"product_not_received\"}");
        assertEquals(200, disputed.statusCode(), disputed.body());
        JsonNode dispute = json(disputed);
        assertTrue(dispute.path("id").asText().startsWith("dp_"), dispute.toString());
        assertEquals("dispute", dispute.path("object").asText());
        assertEquals(6_000, dispute.path("amount").asLong());
        assertEquals("product_not_received", dispute.path("reason").asText());
        assertEquals("needs_response", dispute.path("status").asText());
        assertEquals(-7_500, dispute.path("balance_transactions").get(0).path("net").asLong(),
                     "the amount and the 15.00 dispute fee");
        assertEquals(400, send(standIn, "POST", "/standin/disputes", "{\"charge\":\"" + intent.getLatestCharge()
                                                                        + "\"}").statusCode(), "only once");
        assertEquals(404, send(standIn, "POST", "/standin/disputes", "{\"charge\":\"ch_nothing\"}").statusCode());
        assertEquals(dispute.path("id").asText(),
                     client(standIn).v1().disputes().retrieve(dispute.path("id").asText()).getId());

        JsonNode log = json(send(standIn, "GET", "/standin/requests", null));
        assertEquals(4, log.size(), "three tries of the payment and the dispute's retrieval");
        assertEquals("status 500", log.get(0).path("fault").asText());
        assertEquals(log.get(0).path("idempotencyKey").asText(), log.get(2).path("idempotencyKey").asText());
        assertEquals(intent.getId(), log.get(2).path("objectId").asText());
        assertEquals("6000", log.get(2).path("params").path("amount").asText());
        List<String> events = standIn.events().stream().map(e -> e.path("type").asText()).toList();
        assertEquals(List.of("payment_intent.succeeded", "charge.dispute.created"), events);

        assertEquals(204, send(standIn, "POST", "/standin/reset", "").statusCode());
        assertEquals(0, json(send(standIn, "GET", "/standin/requests", null)).size());
    }
}
