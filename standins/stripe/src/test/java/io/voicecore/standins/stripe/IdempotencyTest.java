package io.voicecore.standins.stripe;

import static io.voicecore.standins.stripe.StandInClients.KEY;
import static io.voicecore.standins.stripe.StandInClients.client;
import static io.voicecore.standins.stripe.StandInClients.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.stripe.StripeClient;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;

/** Stripe's Idempotency-Key: replayed answers, refused reuse, the 24-hour window, concurrent retries. */
class IdempotencyTest {
    private static final MovableClock CLOCK = new MovableClock(Instant.now());
    private static StripeStandIn standIn;
    private static StripeClient stripe;

    /** A clock a test moves forward, to get past the 24 hours without waiting for them. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void start() {
        standIn = StripeStandIn.start(0, StripeStandInSettings.defaults().withKeys(KEY).withClock(CLOCK));
        stripe = client(standIn);
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @BeforeEach
    void reset() {
        standIn.reset();
    }

    private static PaymentIntentCreateParams pay(long amount) {
        return PaymentIntentCreateParams.builder().setAmount(amount).setCurrency("usd").setPaymentMethod("pm_card_visa")
                .setConfirm(true).putMetadata("order", "ord_7").build();
    }

    private static RequestOptions key(String key) {
        return RequestOptions.builder().setIdempotencyKey(key).build();
    }

    @Test
    void theSameKeyAndParametersReplayTheVerySameAnswer() throws Exception {
        PaymentIntent first = stripe.v1().paymentIntents().create(pay(2_500), key("order-ord_7-charge"));
        PaymentIntent again = stripe.v1().paymentIntents().create(pay(2_500), key("order-ord_7-charge"));

        assertEquals(first.getId(), again.getId());
        assertEquals(first.getLatestCharge(), again.getLatestCharge());
        assertEquals(first.getLastResponse().body(), again.getLastResponse().body(), "the very same answer");
        assertEquals("true", again.getLastResponse().headers().firstValue("Idempotent-Replayed").orElseThrow());
        assertFalse(first.getLastResponse().headers().firstValue("Idempotent-Replayed").isPresent());
        assertEquals(first.getLastResponse().requestId(),
                     again.getLastResponse().headers().firstValue("Original-Request").orElseThrow());
        assertEquals("order-ord_7-charge", again.getLastResponse().idempotencyKey());

        List<RecordedRequest> posts = logged(standIn, "POST", "/v1/payment_intents");
        assertEquals(2, posts.size());
        assertEquals(1, posts.stream().filter(r -> r.status() == 200 && !r.idempotentReplayed()).count(),
                     "charged once");
        assertTrue(posts.get(1).idempotentReplayed());
        assertEquals("order-ord_7-charge", posts.get(1).idempotencyKey().orElseThrow());
        assertEquals(1, standIn.events().size(), "a replay emits nothing");
    }

    @Test
    void theSameKeyWithOtherParametersOrAnotherEndpointIsRefused() throws Exception {
        stripe.v1().paymentIntents().create(pay(2_500), key("order-8"));

        IdempotencyException other = assertThrows(IdempotencyException.class,
                () -> stripe.v1().paymentIntents().create(pay(2_600), key("order-8")));
        assertEquals(400, other.getStatusCode());
        assertEquals("idempotency_error", other.getStripeError().getType());
        assertTrue(other.getStripeError().getMessage().startsWith("Keys for idempotent requests can only be used with"
                                                                  + " the same parameters they were first used with."),
                   other.getStripeError().getMessage());

        IdempotencyException elsewhere = assertThrows(IdempotencyException.class,
                () -> stripe.v1().customers().create(CustomerCreateParams.builder().build(), key("order-8")));
        assertTrue(elsewhere.getStripeError().getMessage().contains("same endpoint"),
                   elsewhere.getStripeError().getMessage());
        assertEquals(1, logged(standIn, "POST", "/v1/payment_intents").stream()
                .filter(r -> r.status() == 200).count());
    }

    @Test
    void aDeclineIsKeptAndReplayedToo() throws Exception {
        PaymentIntentCreateParams declining = PaymentIntentCreateParams.builder().setAmount(900L).setCurrency("usd")
                .setPaymentMethod("pm_card_chargeDeclined").setConfirm(true).build();
        CardException first = assertThrows(CardException.class,
                () -> stripe.v1().paymentIntents().create(declining, key("decline-1")));
        CardException again = assertThrows(CardException.class,
                () -> stripe.v1().paymentIntents().create(declining, key("decline-1")));

        assertEquals(first.getCharge(), again.getCharge());
        assertEquals(first.getStripeError().getPaymentIntent().getId(),
                     again.getStripeError().getPaymentIntent().getId());
        assertEquals(1, standIn.events().size(), "one payment_intent.payment_failed");
    }

    @Test
    void aRequestRefusedForItsParametersKeepsNothingUnderItsKey() throws Exception {
        PaymentIntentCreateParams tooSmall = PaymentIntentCreateParams.builder().setAmount(10L).setCurrency("usd")
                .build();
        assertThrows(Exception.class, () -> stripe.v1().paymentIntents().create(tooSmall, key("fix-and-retry")));

        // Stripe keeps no answer when the parameters failed validation: the corrected request runs.
        PaymentIntent fixed = stripe.v1().paymentIntents().create(pay(1_000), key("fix-and-retry"));
        assertEquals("succeeded", fixed.getStatus());
    }

    @Test
    void keysAreForgottenAfterTwentyFourHours() throws Exception {
        PaymentIntent first = stripe.v1().paymentIntents().create(pay(3_000), key("daily"));

        CLOCK.advance(Duration.ofHours(23));
        assertEquals(first.getId(), stripe.v1().paymentIntents().create(pay(3_000), key("daily")).getId());
        assertThrows(IdempotencyException.class, () -> stripe.v1().paymentIntents().create(pay(3_100), key("daily")));

        CLOCK.advance(Duration.ofHours(1).plusSeconds(1));
        PaymentIntent later = stripe.v1().paymentIntents().create(pay(3_100), key("daily"));
        assertNotEquals(first.getId(), later.getId());
        assertEquals(3_100L, later.getAmount());
    }

    @Test
    void concurrentRetriesWithOneKeyChargeOnce() throws Exception {
        // The client retries the 409 Stripe answers while the first request with the key is still running.
        StripeClient retrying = client(standIn, 5, 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(() -> retrying.v1().paymentIntents().create(pay(4_000), key("same-checkout")).getId());
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> attempt : pool.invokeAll(attempts)) {
                ids.add(attempt.get());
            }
            assertEquals(1, ids.size(), "every caller gets the one payment intent: " + ids);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, logged(standIn, "POST", "/v1/payment_intents").stream()
                .filter(r -> r.status() == 200 && !r.idempotentReplayed()).count(), "charged once");

        // Different keys, at the same time, are all charged.
        ExecutorService many = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> payments = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String checkout = "checkout-" + i;
                payments.add(() -> stripe.v1().paymentIntents().create(pay(4_000), key(checkout)).getId());
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> payment : many.invokeAll(payments)) {
                ids.add(payment.get());
            }
            assertEquals(40, ids.size());
        } finally {
            many.shutdownNow();
        }
    }
}
