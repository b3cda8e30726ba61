package io.voicecore.standins.stripe;

import static io.voicecore.standins.stripe.StandInClients.KEY;
import static io.voicecore.standins.stripe.StandInClients.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Account;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Transfer;
import com.stripe.model.TransferReversal;
import com.stripe.param.AccountCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.TransferCreateParams;
import com.stripe.param.TransferReversalCreateParams;

/** Connect: express and custom accounts, transfers to them and reversals, through stripe-java. */
class ConnectTest {
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

    private static Account seller(AccountCreateParams.Type type) throws Exception {
        return stripe.v1().accounts().create(AccountCreateParams.builder().setType(type).setCountry("US")
                .setEmail("seller@example.com").putMetadata("publisher", "pub_1")
                .setCapabilities(AccountCreateParams.Capabilities.builder()
                        .setTransfers(AccountCreateParams.Capabilities.Transfers.builder().setRequested(true).build())
                        .build())
                .build());
    }

    @Test
    void anExpressAndACustomAccountAreCreatedReadyForTransfers() throws Exception {
        Account express = seller(AccountCreateParams.Type.EXPRESS);
        Account custom = seller(AccountCreateParams.Type.CUSTOM);

        assertTrue(express.getId().startsWith("acct_"), express.getId());
        assertEquals("express", express.getType());
        assertEquals("custom", custom.getType());
        assertEquals("usd", express.getDefaultCurrency());
        assertEquals("active", express.getCapabilities().getTransfers());
        assertTrue(express.getChargesEnabled() && express.getPayoutsEnabled() && express.getDetailsSubmitted());
        assertEquals(Map.of("publisher", "pub_1"), express.getMetadata());
        assertEquals("seller@example.com", stripe.v1().accounts().retrieve(express.getId()).getEmail());
    }

    @Test
    void aTransferToASellerIsReversedInPartThenInFull() throws Exception {
        Account seller = seller(AccountCreateParams.Type.EXPRESS);
        PaymentIntent sale = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(10_000L)
                .setCurrency("usd").setPaymentMethod("pm_card_visa").setConfirm(true).setTransferGroup("order_9")
                .build());

        Transfer transfer = stripe.v1().transfers().create(TransferCreateParams.builder().setAmount(7_000L)
                .setCurrency("usd").setDestination(seller.getId()).setTransferGroup("order_9")
                .setSourceTransaction(sale.getLatestCharge()).putMetadata("order", "9").build());
        assertTrue(transfer.getId().startsWith("tr_"), transfer.getId());
        assertEquals(7_000L, transfer.getAmount());
        assertEquals(seller.getId(), transfer.getDestination());
        assertEquals("order_9", transfer.getTransferGroup());
        assertEquals(Map.of("order", "9"), transfer.getMetadata());
        assertEquals(0L, transfer.getAmountReversed());
        assertFalse(transfer.getReversed());
        BalanceTransaction out = stripe.v1().balanceTransactions().retrieve(transfer.getBalanceTransaction());
        assertEquals(-7_000L, out.getAmount());
        assertEquals("transfer", out.getType());

        TransferReversal part = stripe.v1().transfers().reversals().create(transfer.getId(),
                TransferReversalCreateParams.builder().setAmount(2_000L).build());
        assertTrue(part.getId().startsWith("trr_"), part.getId());
        assertEquals(2_000L, part.getAmount());
        assertEquals(transfer.getId(), part.getTransfer());
        Transfer partly = stripe.v1().transfers().retrieve(transfer.getId());
        assertEquals(2_000L, partly.getAmountReversed());
        assertFalse(partly.getReversed());
        assertEquals(1, partly.getReversals().getData().size());

        TransferReversal rest = stripe.v1().transfers().reversals().create(transfer.getId());
        assertEquals(5_000L, rest.getAmount());
        Transfer reversed = stripe.v1().transfers().retrieve(transfer.getId());
        assertTrue(reversed.getReversed());
        assertEquals(7_000L, reversed.getAmountReversed());
        assertEquals(part.getId(), stripe.v1().transfers().reversals().retrieve(transfer.getId(), part.getId()).getId());

        assertThrows(InvalidRequestException.class, () -> stripe.v1().transfers().reversals().create(transfer.getId()));
        List<String> events = standIn.events().stream().map(e -> e.path("type").asText()).toList();
        assertEquals(List.of("payment_intent.succeeded", "transfer.created", "transfer.reversed", "transfer.reversed"),
                     events);
    }

    @Test
    void reversingMoreThanIsLeftIsRefused() throws Exception {
        Account seller = seller(AccountCreateParams.Type.CUSTOM);
        Transfer transfer = stripe.v1().transfers().create(TransferCreateParams.builder().setAmount(3_000L)
                .setCurrency("usd").setDestination(seller.getId()).build());

        InvalidRequestException over = assertThrows(InvalidRequestException.class, () -> stripe.v1().transfers()
                .reversals().create(transfer.getId(), TransferReversalCreateParams.builder().setAmount(3_001L).build()));
        assertEquals(400, over.getStatusCode());
        assertEquals("amount", over.getParam());
        assertEquals(0L, stripe.v1().transfers().retrieve(transfer.getId()).getAmountReversed());
    }

    @Test
    void aTransferToAnUnknownAccountIsRefused() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> stripe.v1().transfers()
                .create(TransferCreateParams.builder().setAmount(1_000L).setCurrency("usd")
                                .setDestination("acct_nobody").build()));
        assertEquals(400, refused.getStatusCode());
        assertEquals("resource_missing", refused.getCode());
        assertEquals("destination", refused.getParam());
        assertEquals("No such destination: 'acct_nobody'", refused.getStripeError().getMessage());
    }
}
