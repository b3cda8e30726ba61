package io.voicecore.standins.stripe;

import static io.voicecore.standins.stripe.StandInClients.KEY;
import static io.voicecore.standins.stripe.StandInClients.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.stripe.StripeClient;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeObject;
import com.stripe.model.Transfer;
import com.stripe.net.Webhook;
import com.stripe.param.AccountCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.TransferCreateParams;
import com.sun.net.httpserver.HttpServer;

/**
 * Webhooks received by a small local HTTP endpoint and checked the way a Stripe integration checks them, with
 * stripe-java's {@code Webhook.constructEvent}.
 */
class WebhooksTest {
    private static final String SECRET = "whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";

    /** One POST the endpoint received. */
    record Received(String payload, String signature) {
    }

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private HttpServer endpoint;
    private StripeStandIn standIn;
    private StripeClient stripe;

    @BeforeEach
    void start() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/stripe/webhook", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.add(new Received(new String(body.readAllBytes(), StandardCharsets.UTF_8),
                                          exchange.getRequestHeaders().getFirst("Stripe-Signature")));
            }
            int status = failuresToAnswer.getAndDecrement() > 0 ? 500 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        endpoint.start();
        URI url = URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/stripe/webhook");
        standIn = StripeStandIn.start(0, StripeStandInSettings.defaults().withKeys(KEY).withWebhook(url, SECRET)
                .withWebhookRetries(3, Duration.ofMillis(100)));
        stripe = client(standIn);
    }

    @AfterEach
    void stop() {
        standIn.close();
        endpoint.stop(0);
    }

    private Received next() throws InterruptedException {
        Received next = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(next, "no webhook arrived within 10 s; deliveries: " + standIn.deliveries());
        return next;
    }

    private static PaymentIntent pay(StripeClient stripe) throws Exception {
        return stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(12_000L)
                .setCurrency("usd").setPaymentMethod("pm_card_visa").setConfirm(true).putMetadata("order", "ord_5")
                .build());
    }

    @Test
    void aSignedEventIsAcceptedByStripeJavaAndReadsAsTheObject() throws Exception {
        PaymentIntent intent = pay(stripe);

        Received webhook = next();
        assertTrue(webhook.signature().matches("t=\\d+,v1=[0-9a-f]{64}"), webhook.signature());
        Event event = Webhook.constructEvent(webhook.payload(), webhook.signature(), SECRET);
        assertTrue(event.getId().startsWith("evt_"), event.getId());
        assertEquals("payment_intent.succeeded", event.getType());
        assertEquals("event", event.getObject());
        assertEquals(Events.API_VERSION, event.getApiVersion());
        StripeObject object = event.getDataObjectDeserializer().getObject()
                .orElseThrow(() -> new AssertionError("the event's API version is the client's, so it deserialises"));
        PaymentIntent delivered = (PaymentIntent) object;
        assertEquals(intent.getId(), delivered.getId());
        assertEquals("succeeded", delivered.getStatus());
        assertEquals("ord_5", delivered.getMetadata().get("order"));
        assertEquals(intent.getLastResponse().requestId(), event.getRequest().getId());
    }

    @Test
    void aTamperedPayloadOrAnotherSecretIsRefusedByStripeJava() throws Exception {
        pay(stripe);
        Received webhook = next();

        String tampered = webhook.payload().replaceFirst("12000", "1");
        assertTrue(!tampered.equals(webhook.payload()), "the test must change the payload");
        assertThrows(SignatureVerificationException.class,
                     () -> Webhook.constructEvent(tampered, webhook.signature(), SECRET));
        assertThrows(SignatureVerificationException.class,
                     () -> Webhook.constructEvent(webhook.payload(), webhook.signature(), "whsec_someone_else"));
        String old = webhook.signature().replaceFirst("t=\\d+", "t=1000000000");
        assertThrows(SignatureVerificationException.class, () -> Webhook.constructEvent(webhook.payload(), old, SECRET));
    }

    @Test
    void anEndpointAnswering500GetsTheEventAgain() throws Exception {
        failuresToAnswer.set(1);
        pay(stripe);

        Received first = next();
        Received second = next();
        assertEquals(first.payload(), second.payload(), "the same event");
        Webhook.constructEvent(second.payload(), second.signature(), SECRET);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!standIn.deliveries().get(0).delivered() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        WebhookDelivery delivery = standIn.deliveries().get(0);
        assertTrue(delivery.delivered(), delivery.toString());
        assertEquals(2, delivery.attempts());
        assertEquals(200, delivery.lastStatus().orElseThrow());
    }

    @Test
    void refundsTransfersReversalsDisputesAndDeclinesAreEventsToo() throws Exception {
        PaymentIntent intent = pay(stripe);
        stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(intent.getId()).setAmount(2_000L)
                                             .build());
        String seller = stripe.v1().accounts().create(AccountCreateParams.builder()
                .setType(AccountCreateParams.Type.EXPRESS).build()).getId();
        Transfer transfer = stripe.v1().transfers().create(TransferCreateParams.builder().setAmount(5_000L)
                .setCurrency("usd").setDestination(seller).setTransferGroup("order_5").build());
        stripe.v1().transfers().reversals().create(transfer.getId());
        standIn.dispute(intent.getLatestCharge(), "fraudulent");
        assertThrows(Exception.class, () -> stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
                .setAmount(700L).setCurrency("usd").setPaymentMethod("pm_card_chargeDeclined").setConfirm(true).build()));

        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Received webhook = next();
            events.add(Webhook.constructEvent(webhook.payload(), webhook.signature(), SECRET));
        }
        assertEquals(List.of("payment_intent.succeeded", "charge.refunded", "transfer.created", "transfer.reversed",
                             "charge.dispute.created", "payment_intent.payment_failed"),
                     events.stream().map(Event::getType).toList());
        Charge refunded = (Charge) events.get(1).getDataObjectDeserializer().getObject().orElseThrow();
        assertEquals(2_000L, refunded.getAmountRefunded());
        assertEquals(0L, ((Number) events.get(1).getData().getPreviousAttributes().get("amount_refunded")).longValue());
        Transfer reversed = (Transfer) events.get(3).getDataObjectDeserializer().getObject().orElseThrow();
        assertTrue(reversed.getReversed());
        Dispute dispute = (Dispute) events.get(4).getDataObjectDeserializer().getObject().orElseThrow();
        assertTrue(dispute.getId().startsWith("dp_"), dispute.getId());
        assertEquals(intent.getLatestCharge(), dispute.getCharge());
        assertEquals(10_000L, dispute.getAmount());
        PaymentIntent failed = (PaymentIntent) events.get(5).getDataObjectDeserializer().getObject().orElseThrow();
        assertEquals("card_declined", failed.getLastPaymentError().getCode());
        assertEquals(events.get(4).getId(), stripe.v1().events().retrieve(events.get(4).getId()).getId());
    }
}
