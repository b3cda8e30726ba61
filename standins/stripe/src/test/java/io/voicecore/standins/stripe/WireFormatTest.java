package io.voicecore.standins.stripe;

import static io.voicecore.standins.stripe.StandInClients.KEY;
import static io.voicecore.standins.stripe.StandInClients.client;
import static io.voicecore.standins.stripe.StandInClients.json;
import static io.voicecore.standins.stripe.StandInClients.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.param.CustomerCreateParams;

/** The wire format as a caller without stripe-java sees it: form bodies in bracket notation, keys, JSON, errors. */
class WireFormatTest {
    private static final String BEARER = "Bearer " + KEY;
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

    private static HttpResponse<String> post(String path, String form, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "Authorization";
        all[1] = BEARER;
        all[2] = "Content-Type";
        all[3] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return send(standIn, "POST", path, form, all);
    }

    @Test
    void aWrongOrMissingKeyGets401InStripesShapeAndIsNeverLogged() throws Exception {
        StripeClient wrong = StripeClient.builder().setApiKey("sk_test_wrongwrongwrong1234").setApiBase(standIn.baseUrl())
                .setMaxNetworkRetries(0).build();
        AuthenticationException refused = assertThrows(AuthenticationException.class,
                () -> wrong.v1().customers().create(CustomerCreateParams.builder().build()));
        assertEquals(401, refused.getStatusCode());
        assertEquals("Invalid API Key provided: sk_test_***************1234", refused.getStripeError().getMessage());

        HttpResponse<String> none = send(standIn, "POST", "/v1/customers", "email=a%40b.c");
        assertEquals(401, none.statusCode());
        JsonNode error = json(none).path("error");
        assertEquals("invalid_request_error", error.path("type").asText());
        assertTrue(error.path("message").asText().startsWith("You did not provide an API key."), error.toString());

        String log = json(send(standIn, "GET", "/standin/requests", null)).toString();
        assertFalse(log.contains("wrongwrong"), log);
        assertFalse(standIn.requests().get(0).authorized());
    }

    @Test
    void bracketNotationMetadataAndExpandAreUnderstoodAndAmountsAreIntegers() throws Exception {
        HttpResponse<String> created = post("/v1/payment_intents",
                                            "amount=2599&currency=USD&payment_method=pm_card_mastercard&confirm=true"
                                            + "&metadata[order]=ord_1&metadata[tenant]=acme%20dental"
                                            + "&expand[]=latest_charge&expand[]=latest_charge.balance_transaction");
        assertEquals(200, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Request-Id").orElseThrow().startsWith("req_"));
        JsonNode intent = json(created);
        assertEquals("payment_intent", intent.path("object").asText());
        assertTrue(intent.path("amount").isIntegralNumber());
        assertEquals(2599, intent.path("amount").asLong());
        assertEquals("usd", intent.path("currency").asText());
        assertFalse(intent.path("livemode").asBoolean(true));
        assertTrue(intent.path("created").isIntegralNumber());
        assertEquals("acme dental", intent.path("metadata").path("tenant").asText());
        JsonNode charge = intent.path("latest_charge");
        assertEquals("charge", charge.path("object").asText());
        assertEquals("mastercard", charge.path("payment_method_details").path("card").path("brand").asText());
        assertEquals(105, charge.path("balance_transaction").path("fee").asLong(), "round(75.371) + 30");
        JsonNode logged = standIn.requests().get(0).params();
        assertEquals("ord_1", logged.path("metadata").path("order").asText());
        assertEquals(2, logged.path("expand").size());
    }

    @Test
    void unknownParametersAndUrlsAreRefusedAsStripeRefusesThem() throws Exception {
        HttpResponse<String> unknown = post("/v1/customers", "email=a%40b.c&favourite_colour=blue");
        assertEquals(400, unknown.statusCode());
        JsonNode error = json(unknown).path("error");
        assertEquals("parameter_unknown", error.path("code").asText());
        assertEquals("favourite_colour", error.path("param").asText());
        assertTrue(error.path("message").asText().startsWith("Received unknown parameter: favourite_colour"));

        HttpResponse<String> nowhere = send(standIn, "GET", "/v1/invoices/in_1", null, "Authorization", BEARER);
        assertEquals(404, nowhere.statusCode());
        assertTrue(json(nowhere).path("error").path("message").asText()
                           .startsWith("Unrecognized request URL (GET: /v1/invoices/in_1)"));

        HttpResponse<String> missing = post("/v1/payment_intents", "currency=usd");
        assertEquals(400, missing.statusCode());
        assertEquals("amount", json(missing).path("error").path("param").asText());
        assertEquals("parameter_missing", json(missing).path("error").path("code").asText());
    }

    @Test
    void theKeyMayComeAsBasicAuthenticationAndTheIdempotencyKeyIsEchoed() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = send(standIn, "POST", "/v1/customers", "name=Grace", "Authorization", basic,
                                            "Content-Type", "application/x-www-form-urlencoded",
                                            "Idempotency-Key", "cust-grace");
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("cust-grace", created.headers().firstValue("Idempotency-Key").orElseThrow());
        assertEquals(Events.API_VERSION, created.headers().firstValue("Stripe-Version").orElseThrow());
        assertTrue(json(created).path("id").asText().startsWith("cus_"));
        assertEquals("Grace", client(standIn).v1().customers().retrieve(json(created).path("id").asText()).getName());
    }

    @Test
    void settingsRefuseLiveKeysAndMalformedSecrets() {
        IllegalArgumentException live = assertThrows(IllegalArgumentException.class,
                () -> StripeStandInSettings.defaults().withKeys("sk_live_abc"));
        assertTrue(live.getMessage().contains("test-mode keys only"), live.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StripeStandInSettings.defaults()
                .withWebhook(java.net.URI.create("http://127.0.0.1:1/hook"), "secret"));
    }
}
