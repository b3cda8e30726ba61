package io.voicecore.marketplace.commerce;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.CardException;
import com.stripe.exception.StripeException;
import com.stripe.model.Account;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.Transfer;
import com.stripe.model.TransferReversal;
import com.stripe.net.RequestOptions;
import com.stripe.param.AccountCreateParams;
import com.stripe.param.ChargeRetrieveParams;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentMethodAttachParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.TransferCreateParams;
import com.stripe.param.TransferReversalCreateParams;
import io.voicecore.marketplace.MarketplaceRefusal;

/**
 * The marketplace's calls to Stripe, through the official stripe-java client. Every call that moves money carries an
 * idempotency key derived from our own record of it, so a call repeated after a timeout or a crash moves money once:
 * Stripe answers the repeat with the first answer.
 */
public final class StripePayments {

    /** A charge that went through: the payment intent, its charge, and Stripe's fee on it (minor units). */
    public record Charged(String paymentIntentId, String chargeId, long fee) {
    }

    /** Stripe declined the card: nothing was charged. */
    public static final class Declined extends RuntimeException {
        private final String code;

        public Declined(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        /** Stripe's decline code, e.g. {@code card_declined}. */
        public String code() {
            return code;
        }
    }

    /**
     * Stripe could not be reached or failed (timeout, 5xx): whether the call took effect is unknown. Repeating it with the
     * same idempotency key is safe.
     */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final StripeClient client;

    /**
     * Stripe's smallest charge in a currency, in its minor units (Stripe refuses less with {@code amount_too_small}):
     * 0.50 in most currencies, 0.30 GBP, 50 JPY, and so on.
     */
    public static long minimumCharge(String currency) {
        return switch (currency) {
            case "GBP" -> 30;
            case "DKK" -> 250;
            case "NOK", "SEK" -> 300;
            case "HKD" -> 400;
            case "MXN" -> 1000;
            case "JPY" -> 50;
            case "CZK" -> 1500;
            case "HUF" -> 17_500;
            case "PLN", "RON" -> 200;
            case "BGN" -> 100;
            case "AED", "MYR" -> 200;
            case "THB" -> 1000;
            case "INR" -> 50;
            default -> 50;
        };
    }

    public StripePayments(StripeSettings settings) {
        String key = settings.secretKey().orElseThrow(() -> new MarketplaceRefusal(503, "payments-not-configured",
                "Payments unavailable", "Paid plans need Stripe: the operator sets VOICECORE_STRIPE_SECRET_KEY.", Map.of()));
        this.client = StripeClient.builder().setApiKey(key).setApiBase(settings.baseUrl()).setConnectBase(settings.baseUrl())
                .setConnectTimeout(5_000).setReadTimeout((int) settings.readTimeout().toMillis()).setMaxNetworkRetries(0).build();
    }

    /** A Stripe customer and the payment method saved to it, for the charges of a subscription. */
    public record Customer(String id, String paymentMethod) {
    }

    /**
     * Saves a payment method to a new customer (Stripe's way to charge the same card again, off session), as the
     * customer's default.
     */
    public Customer saveCustomer(String paymentMethod, String description, String idempotencyKey, Map<String, String> metadata) {
        try {
            com.stripe.model.Customer customer = client.customers().create(CustomerCreateParams.builder().setDescription(description)
                    .setPaymentMethod(paymentMethod).setInvoiceSettings(CustomerCreateParams.InvoiceSettings.builder()
                            .setDefaultPaymentMethod(paymentMethod).build())
                    .putAllMetadata(metadata).build(), options(idempotencyKey));
            return new Customer(customer.getId(), customer.getInvoiceSettings().getDefaultPaymentMethod());
        } catch (CardException declined) {
            throw declined(declined);
        } catch (StripeException failed) {
            throw unavailable("customer", failed);
        }
    }

    /** Saves another payment method to a customer; answers the saved method's id. */
    public String attach(String customer, String paymentMethod) {
        try {
            return client.paymentMethods().attach(paymentMethod, PaymentMethodAttachParams.builder().setCustomer(customer).build(),
                                                  RequestOptions.getDefault()).getId();
        } catch (CardException declined) {
            throw declined(declined);
        } catch (StripeException failed) {
            throw unavailable("payment method", failed);
        }
    }

    /** Charges a payment method at once (a confirmed payment intent), and reads Stripe's fee on the charge. */
    public Charged charge(long amount, String currency, String paymentMethod, String idempotencyKey, Map<String, String> metadata) {
        return charge(amount, currency, Optional.empty(), paymentMethod, idempotencyKey, metadata);
    }

    /**
     * Charges a payment method, saved to {@code customer} when one is given: then off session, as a renewal is charged
     * with nobody at the keyboard.
     */
    public Charged charge(long amount, String currency, Optional<String> customer, String paymentMethod, String idempotencyKey,
                          Map<String, String> metadata) {
        try {
            PaymentIntentCreateParams.Builder params = PaymentIntentCreateParams.builder()
                    .setAmount(amount).setCurrency(currency.toLowerCase(Locale.ROOT)).setPaymentMethod(paymentMethod)
                    .addPaymentMethodType("card").setConfirm(true).putAllMetadata(metadata);
            customer.ifPresent(id -> params.setCustomer(id).setOffSession(true));
            PaymentIntent intent = client.paymentIntents().create(params.build(), options(idempotencyKey));
            if (!"succeeded".equals(intent.getStatus())) {
                throw new Declined("payment_" + intent.getStatus(), "The payment is " + intent.getStatus() + ", not succeeded.");
            }
            Charge charge = client.charges().retrieve(intent.getLatestCharge(),
                    ChargeRetrieveParams.builder().addExpand("balance_transaction").build(), RequestOptions.getDefault());
            BalanceTransaction balance = charge.getBalanceTransactionObject();
            return new Charged(intent.getId(), charge.getId(), balance == null || balance.getFee() == null ? 0 : balance.getFee());
        } catch (CardException declined) {
            throw declined(declined);
        } catch (StripeException failed) {
            throw unavailable("charge", failed);
        }
    }

    /** Refunds part or all of a payment; answers the refund's id. */
    public String refund(String paymentIntentId, long amount, String idempotencyKey) {
        try {
            Refund refund = client.refunds().create(RefundCreateParams.builder().setPaymentIntent(paymentIntentId).setAmount(amount).build(),
                                                    options(idempotencyKey));
            return refund.getId();
        } catch (StripeException failed) {
            throw unavailable("refund", failed);
        }
    }

    /** Creates a connected account for a publisher's payouts; answers its id. */
    public String createAccount(String email, String idempotencyKey) {
        try {
            Account account = client.accounts().create(AccountCreateParams.builder().setType(AccountCreateParams.Type.EXPRESS)
                    .setEmail(email).build(), options(idempotencyKey));
            return account.getId();
        } catch (StripeException failed) {
            throw unavailable("account", failed);
        }
    }

    /** Transfers to a connected account; answers the transfer's id. */
    public String transfer(long amount, String currency, String destination, String idempotencyKey, Map<String, String> metadata) {
        try {
            Transfer transfer = client.transfers().create(TransferCreateParams.builder().setAmount(amount)
                    .setCurrency(currency.toLowerCase(Locale.ROOT)).setDestination(destination).putAllMetadata(metadata).build(),
                    options(idempotencyKey));
            return transfer.getId();
        } catch (StripeException failed) {
            throw unavailable("transfer", failed);
        }
    }

    /** Takes back part or all of a transfer; answers the reversal's id. */
    public String reverseTransfer(String transferId, long amount, String idempotencyKey) {
        try {
            TransferReversal reversal = client.transfers().reversals().create(transferId,
                    TransferReversalCreateParams.builder().setAmount(amount).build(), options(idempotencyKey));
            return reversal.getId();
        } catch (StripeException failed) {
            throw unavailable("transfer reversal", failed);
        }
    }

    private static Declined declined(CardException refused) {
        return new Declined(refused.getCode() == null ? "card_declined" : refused.getCode(), refused.getMessage());
    }

    private static RequestOptions options(String idempotencyKey) {
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    /** Anything but a decline: the call's effect is unknown, or it was refused for a reason that is ours to fix. */
    private static RuntimeException unavailable(String what, StripeException failed) {
        // 409: the same idempotency key is still being served (an earlier call is in flight); its answer comes later.
        if (failed instanceof ApiConnectionException || failed.getStatusCode() == null || failed.getStatusCode() >= 500
            || failed.getStatusCode() == 429 || failed.getStatusCode() == 409) {
            return new Unavailable("Stripe did not complete the " + what + " (" + failed.getClass().getSimpleName() + ", status "
                                   + failed.getStatusCode() + "); it is safe to try again.", failed);
        }
        return new IllegalStateException("Stripe refused the " + what + ": " + failed.getStripeError(), failed);
    }
}
