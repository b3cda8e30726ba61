package io.voicecore.standins.stripe;

import static io.voicecore.standins.stripe.StandInClients.KEY;
import static io.voicecore.standins.stripe.StandInClients.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.stripe.StripeClient;
import com.stripe.exception.CardException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.model.PaymentMethod;
import com.stripe.model.Refund;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentConfirmParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.PaymentMethodAttachParams;
import com.stripe.param.RefundCreateParams;

/** Customers, payments, declines, fees and refunds, driven by stripe-java 31 over real HTTP. */
class PaymentsTest {
    private static StripeStandIn standIn;
    private static StripeClient stripe;

    @BeforeAll
    static void start() {
        standIn = StripeStandIn.start(0, StripeStandInSettings.defaults().withKeys(KEY));
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

    private static Customer customer() throws StripeException {
        return stripe.v1().customers().create(CustomerCreateParams.builder().setEmail("ada@example.com")
                                                      .setName("Ada Lovelace").putMetadata("tenant", "acme").build());
    }

    private static PaymentIntentCreateParams.Builder payment(long amount, String customer, String paymentMethod) {
        return PaymentIntentCreateParams.builder().setAmount(amount).setCurrency("usd").setCustomer(customer)
                .setPaymentMethod(paymentMethod).setConfirm(true).setOffSession(true)
                .putMetadata("order", "ord_42").setTransferGroup("order_ord_42");
    }

    @Test
    void aCustomerIsCreatedAndRetrievedAsStripeShapesIt() throws Exception {
        Customer created = customer();

        assertTrue(created.getId().startsWith("cus_"), created.getId());
        assertEquals("customer", created.getObject());
        assertFalse(created.getLivemode());
        assertEquals(Map.of("tenant", "acme"), created.getMetadata());
        Customer retrieved = stripe.v1().customers().retrieve(created.getId());
        assertEquals("ada@example.com", retrieved.getEmail());
        assertEquals(created.getCreated(), retrieved.getCreated());

        InvalidRequestException missing = assertThrows(InvalidRequestException.class,
                () -> stripe.v1().customers().retrieve("cus_doesnotexist"));
        assertEquals(404, missing.getStatusCode());
        assertEquals("resource_missing", missing.getCode());
        assertEquals("No such customer: 'cus_doesnotexist'", missing.getStripeError().getMessage());
    }

    @Test
    void pmCardVisaPaysAndTheChargeCarriesStripesCardFee() throws Exception {
        Customer customer = customer();
        PaymentIntent intent = stripe.v1().paymentIntents().create(payment(10_000, customer.getId(), "pm_card_visa")
                                                                           .build());

        assertTrue(intent.getId().startsWith("pi_"), intent.getId());
        assertEquals("succeeded", intent.getStatus());
        assertEquals(10_000L, intent.getAmount());
        assertEquals(10_000L, intent.getAmountReceived());
        assertEquals("usd", intent.getCurrency());
        assertEquals(customer.getId(), intent.getCustomer());
        assertEquals(Map.of("order", "ord_42"), intent.getMetadata());
        assertEquals("order_ord_42", intent.getTransferGroup());
        assertTrue(intent.getPaymentMethod().startsWith("pm_") && !intent.getPaymentMethod().equals("pm_card_visa"),
                   "a test token becomes a new payment method: " + intent.getPaymentMethod());
        assertTrue(intent.getLatestCharge().startsWith("ch_"), intent.getLatestCharge());

        Charge charge = stripe.v1().charges().retrieve(intent.getLatestCharge());
        assertEquals("succeeded", charge.getStatus());
        assertTrue(charge.getPaid() && charge.getCaptured());
        assertEquals(intent.getId(), charge.getPaymentIntent());
        assertEquals("4242", charge.getPaymentMethodDetails().getCard().getLast4());
        assertEquals("visa", charge.getPaymentMethodDetails().getCard().getBrand());
        assertEquals("order_ord_42", charge.getTransferGroup());

        BalanceTransaction transaction = stripe.v1().balanceTransactions().retrieve(charge.getBalanceTransaction());
        assertTrue(transaction.getId().startsWith("txn_"), transaction.getId());
        assertEquals(10_000L, transaction.getAmount());
        assertEquals(320L, transaction.getFee());
        assertEquals(9_680L, transaction.getNet());
        assertEquals("usd", transaction.getCurrency());
        assertEquals("charge", transaction.getType());
        assertEquals(charge.getId(), transaction.getSource());
        assertEquals(1, transaction.getFeeDetails().size());
        assertEquals(320L, transaction.getFeeDetails().get(0).getAmount());
        assertEquals("stripe_fee", transaction.getFeeDetails().get(0).getType());
    }

    @ParameterizedTest(name = "{0} → fee {1}")
    @CsvSource({"10000, 320", "1234, 66", "1500, 74", "1517, 74", "1518, 74", "50, 31", "99999999, 2900030"})
    void theFeeIsTwoPointNinePercentRoundedHalfUpPlusThirty(long amount, long fee) throws Exception {
        PaymentIntent intent = stripe.v1().paymentIntents().create(payment(amount, customer().getId(), "pm_card_visa")
                                                                           .addExpand("latest_charge.balance_transaction")
                                                                           .build());

        BalanceTransaction transaction = intent.getLatestChargeObject().getBalanceTransactionObject();
        assertEquals(amount, transaction.getAmount());
        assertEquals(fee, transaction.getFee());
        assertEquals(amount - fee, transaction.getNet());
        assertEquals(fee, Money.cardFee(amount));
    }

    @Test
    void aDeclinedCardAnswers402WithTheDeclineAndThePaymentIntentAsStripeDoes() throws Exception {
        Customer customer = customer();
        CardException declined = assertThrows(CardException.class, () -> stripe.v1().paymentIntents()
                .create(payment(5_000, customer.getId(), "pm_card_chargeDeclined").build()));

        assertEquals(402, declined.getStatusCode());
        assertEquals("card_declined", declined.getCode());
        assertEquals("generic_decline", declined.getDeclineCode());
        assertEquals("card_error", declined.getStripeError().getType());
        assertEquals("Your card was declined.", declined.getStripeError().getMessage());
        assertTrue(declined.getCharge().startsWith("ch_"), declined.getCharge());
        PaymentIntent failed = declined.getStripeError().getPaymentIntent();
        assertTrue(failed.getId().startsWith("pi_"), failed.getId());
        assertEquals("requires_payment_method", failed.getStatus());
        assertEquals("generic_decline", failed.getLastPaymentError().getDeclineCode());
        assertEquals(declined.getCharge(), failed.getLatestCharge());
        assertEquals("0002", declined.getStripeError().getPaymentMethod().getCard().getLast4());

        Charge charge = stripe.v1().charges().retrieve(declined.getCharge());
        assertEquals("failed", charge.getStatus());
        assertEquals("card_declined", charge.getFailureCode());
        assertNull(charge.getBalanceTransaction());

        // As with Stripe, the same payment intent can then be paid with another card.
        PaymentIntent paid = stripe.v1().paymentIntents().confirm(failed.getId(), PaymentIntentConfirmParams.builder()
                .setPaymentMethod("pm_card_visa").build());
        assertEquals("succeeded", paid.getStatus());
        assertNotEquals(declined.getCharge(), paid.getLatestCharge());
        List<String> events = standIn.events().stream().map(e -> e.path("type").asText()).toList();
        assertEquals(List.of("payment_intent.payment_failed", "payment_intent.succeeded"), events);
    }

    @Test
    void insufficientFundsDeclinesWithItsOwnCode() throws Exception {
        CardException declined = assertThrows(CardException.class, () -> stripe.v1().paymentIntents()
                .create(payment(5_000, customer().getId(), "pm_card_visa_chargeDeclinedInsufficientFunds").build()));

        assertEquals("card_declined", declined.getCode());
        assertEquals("insufficient_funds", declined.getDeclineCode());
        assertEquals("Your card has insufficient funds.", declined.getStripeError().getMessage());
    }

    @Test
    void aTokenAttachedToACustomerBecomesItsOwnPaymentMethodThatBehavesLikeTheToken() throws Exception {
        Customer customer = customer();
        PaymentMethod declining = stripe.v1().paymentMethods().attach("pm_card_chargeDeclined",
                PaymentMethodAttachParams.builder().setCustomer(customer.getId()).build());
        PaymentMethod visa = stripe.v1().paymentMethods().attach("pm_card_visa",
                PaymentMethodAttachParams.builder().setCustomer(customer.getId()).build());

        assertTrue(visa.getId().startsWith("pm_") && !visa.getId().equals("pm_card_visa"), visa.getId());
        assertEquals(customer.getId(), visa.getCustomer());
        assertEquals("4242", stripe.v1().paymentMethods().retrieve(visa.getId()).getCard().getLast4());
        // Attached, it pays again and again; the declining one keeps declining.
        for (int i = 0; i < 2; i++) {
            assertEquals("succeeded", stripe.v1().paymentIntents()
                    .create(payment(2_000, customer.getId(), visa.getId()).build()).getStatus());
        }
        assertEquals("card_declined", assertThrows(CardException.class, () -> stripe.v1().paymentIntents()
                .create(payment(2_000, customer.getId(), declining.getId()).build())).getCode());
        // Another customer cannot use it.
        Customer other = customer();
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> stripe.v1().paymentIntents()
                .create(payment(2_000, other.getId(), visa.getId()).build()));
        assertEquals("payment_method", refused.getParam());
    }

    @Test
    void expandReplacesIdsWithTheObjects() throws Exception {
        PaymentIntent intent = stripe.v1().paymentIntents().create(payment(4_200, customer().getId(), "pm_card_visa")
                                                                           .build());
        PaymentIntent expanded = stripe.v1().paymentIntents().retrieve(intent.getId(), PaymentIntentRetrieveParams
                .builder().addExpand("latest_charge").addExpand("customer").build());

        assertEquals(intent.getLatestCharge(), expanded.getLatestChargeObject().getId());
        assertEquals("succeeded", expanded.getLatestChargeObject().getStatus());
        assertEquals("ada@example.com", expanded.getCustomerObject().getEmail());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> stripe.v1().paymentIntents().retrieve(intent.getId(), PaymentIntentRetrieveParams.builder()
                        .addExpand("amount").build()));
        assertEquals("This property cannot be expanded (amount).", refused.getStripeError().getMessage());
    }

    @Test
    void validationRefusesWithStripesErrors() throws Exception {
        InvalidRequestException tooSmall = assertThrows(InvalidRequestException.class, () -> stripe.v1()
                .paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(20L).setCurrency("usd")
                                                 .build()));
        assertEquals(400, tooSmall.getStatusCode());
        assertEquals("amount_too_small", tooSmall.getCode());
        assertEquals("amount", tooSmall.getParam());
        assertEquals("Amount must be at least $0.50 usd", tooSmall.getStripeError().getMessage());

        InvalidRequestException noCustomer = assertThrows(InvalidRequestException.class, () -> stripe.v1()
                .paymentIntents().create(payment(1_000, "cus_nobody", "pm_card_visa").build()));
        assertEquals(400, noCustomer.getStatusCode());
        assertEquals("resource_missing", noCustomer.getCode());
        assertEquals("customer", noCustomer.getParam());
        assertTrue(standIn.events().isEmpty(), "a refused request makes nothing");
    }

    @Test
    void aPartialRefundThenTheRestThenNothingMore() throws Exception {
        PaymentIntent intent = stripe.v1().paymentIntents().create(payment(10_000, customer().getId(), "pm_card_visa")
                                                                           .build());

        Refund first = stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(intent.getId())
                                                            .setAmount(3_000L).putMetadata("reason", "late").build());
        assertTrue(first.getId().startsWith("re_"), first.getId());
        assertEquals("succeeded", first.getStatus());
        assertEquals(3_000L, first.getAmount());
        assertEquals(intent.getLatestCharge(), first.getCharge());
        assertEquals(intent.getId(), first.getPaymentIntent());
        Charge partly = stripe.v1().charges().retrieve(intent.getLatestCharge());
        assertEquals(3_000L, partly.getAmountRefunded());
        assertFalse(partly.getRefunded());
        BalanceTransaction refundTransaction = stripe.v1().balanceTransactions().retrieve(first.getBalanceTransaction());
        assertEquals(-3_000L, refundTransaction.getAmount());
        assertEquals(0L, refundTransaction.getFee());
        assertEquals("refund", refundTransaction.getType());

        Refund rest = stripe.v1().refunds().create(RefundCreateParams.builder().setCharge(intent.getLatestCharge())
                                                           .build());
        assertEquals(7_000L, rest.getAmount());
        assertTrue(stripe.v1().charges().retrieve(intent.getLatestCharge()).getRefunded());
        assertEquals(3_000L, stripe.v1().refunds().retrieve(first.getId()).getAmount());

        InvalidRequestException again = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
                .create(RefundCreateParams.builder().setPaymentIntent(intent.getId()).build()));
        assertEquals("charge_already_refunded", again.getCode());
        assertEquals("Charge " + intent.getLatestCharge() + " has already been refunded.",
                     again.getStripeError().getMessage());
        List<String> events = standIn.events().stream().map(e -> e.path("type").asText()).toList();
        assertEquals(List.of("payment_intent.succeeded", "charge.refunded", "charge.refunded"), events);
    }

    @Test
    void refundingMoreThanIsLeftIsRefusedAndChangesNothing() throws Exception {
        PaymentIntent intent = stripe.v1().paymentIntents().create(payment(10_000, customer().getId(), "pm_card_visa")
                                                                           .build());
        stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(intent.getId()).setAmount(6_000L)
                                             .build());

        InvalidRequestException over = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
                .create(RefundCreateParams.builder().setPaymentIntent(intent.getId()).setAmount(5_000L).build()));

        assertEquals(400, over.getStatusCode());
        assertEquals("invalid_request_error", over.getStripeError().getType());
        assertEquals("amount", over.getParam());
        assertEquals("Refund amount ($50.00) is greater than unrefunded amount on charge ($40.00)",
                     over.getStripeError().getMessage());
        assertEquals(6_000L, stripe.v1().charges().retrieve(intent.getLatestCharge()).getAmountRefunded());
    }

    @Test
    void aDisputedChargeCannotBeRefunded() throws Exception {
        PaymentIntent intent = stripe.v1().paymentIntents().create(payment(8_000, customer().getId(),
                                                                           "pm_card_createDispute").build());

        Charge charge = stripe.v1().charges().retrieve(intent.getLatestCharge());
        assertTrue(charge.getDisputed());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
                .create(RefundCreateParams.builder().setCharge(charge.getId()).build()));
        assertEquals("charge_disputed", refused.getCode());
    }
}
