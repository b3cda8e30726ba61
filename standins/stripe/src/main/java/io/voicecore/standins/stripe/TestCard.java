package io.voicecore.standins.stripe;

import java.util.Arrays;
import java.util.Optional;

/**
 * Stripe's test payment methods ({@code pm_card_visa}, {@code pm_card_chargeDeclined}, …) and what a payment with
 * each does. Using a token creates a new {@code pm_…} payment method that behaves the same way.
 */
enum TestCard {
    VISA("pm_card_visa", "visa", "4242", "credit", null, false),
    VISA_DEBIT("pm_card_visa_debit", "visa", "5556", "debit", null, false),
    MASTERCARD("pm_card_mastercard", "mastercard", "4444", "credit", null, false),
    AMEX("pm_card_amex", "amex", "8431", "credit", null, false),
    DECLINED("pm_card_chargeDeclined", "visa", "0002", "credit", Decline.GENERIC, false),
    VISA_DECLINED("pm_card_visa_chargeDeclined", "visa", "0002", "credit", Decline.GENERIC, false),
    INSUFFICIENT_FUNDS("pm_card_chargeDeclinedInsufficientFunds", "visa", "9995", "credit", Decline.INSUFFICIENT_FUNDS,
                       false),
    VISA_INSUFFICIENT_FUNDS("pm_card_visa_chargeDeclinedInsufficientFunds", "visa", "9995", "credit",
                            Decline.INSUFFICIENT_FUNDS, false),
    LOST("pm_card_chargeDeclinedLostCard", "visa", "9987", "credit", Decline.LOST_CARD, false),
    STOLEN("pm_card_chargeDeclinedStolenCard", "visa", "9979", "credit", Decline.STOLEN_CARD, false),
    EXPIRED("pm_card_chargeDeclinedExpiredCard", "visa", "0069", "credit", Decline.EXPIRED_CARD, false),
    INCORRECT_CVC("pm_card_chargeDeclinedIncorrectCvc", "visa", "0127", "credit", Decline.INCORRECT_CVC, false),
    PROCESSING_ERROR("pm_card_chargeDeclinedProcessingError", "visa", "0119", "credit", Decline.PROCESSING_ERROR,
                     false),
    FRAUDULENT("pm_card_chargeDeclinedFraudulent", "visa", "0019", "credit", Decline.FRAUDULENT, false),
    /** Saves to a customer, but every charge of it is declined: a card that fails at renewal. */
    CHARGE_CUSTOMER_FAIL("pm_card_chargeCustomerFail", "visa", "0341", "credit", Decline.GENERIC, false),
    /** Succeeds, and the charge is disputed at once ({@code charge.dispute.created}). */
    CREATE_DISPUTE("pm_card_createDispute", "visa", "0259", "credit", null, true);

    private final String token;
    private final String brand;
    private final String last4;
    private final String funding;
    private final Decline decline;
    private final boolean disputed;

    TestCard(String token, String brand, String last4, String funding, Decline decline, boolean disputed) {
        this.token = token;
        this.brand = brand;
        this.last4 = last4;
        this.funding = funding;
        this.decline = decline;
        this.disputed = disputed;
    }

    static Optional<TestCard> forToken(String token) {
        return Arrays.stream(values()).filter(card -> card.token.equals(token)).findFirst();
    }

    String token() {
        return token;
    }

    String brand() {
        return brand;
    }

    String last4() {
        return last4;
    }

    String funding() {
        return funding;
    }

    /** @return how a payment with this card is declined, or empty when it succeeds */
    Optional<Decline> decline() {
        return Optional.ofNullable(decline);
    }

    /** @return whether a successful payment with this card is disputed straight away */
    boolean disputed() {
        return disputed;
    }

    /**
     * One way a card is declined, with the error Stripe answers.
     *
     * @param code          the error's {@code code}
     * @param declineCode   its {@code decline_code}, also the charge outcome's {@code reason}
     * @param message       its {@code message}, also the charge's {@code failure_message}
     * @param param         its {@code param}, or null
     * @param sellerMessage the charge outcome's {@code seller_message}
     */
    record Decline(String code, String declineCode, String message, String param, String sellerMessage) {
        static final Decline GENERIC = new Decline("card_declined", "generic_decline", "Your card was declined.", null,
                                                   "The bank did not return any further details with this decline.");
        static final Decline INSUFFICIENT_FUNDS = new Decline("card_declined", "insufficient_funds",
                                                              "Your card has insufficient funds.", null,
                                                              "The bank returned the decline code `insufficient_funds`.");
        static final Decline LOST_CARD = new Decline("card_declined", "lost_card", "Your card was declined.", null,
                                                     "The bank returned the decline code `lost_card`.");
        static final Decline STOLEN_CARD = new Decline("card_declined", "stolen_card", "Your card was declined.", null,
                                                       "The bank returned the decline code `stolen_card`.");
        static final Decline EXPIRED_CARD = new Decline("expired_card", "expired_card", "Your card has expired.",
                                                        "exp_month", "The bank returned the decline code `expired_card`.");
        static final Decline INCORRECT_CVC = new Decline("incorrect_cvc", "incorrect_cvc",
                                                         "Your card's security code is incorrect.", "cvc",
                                                         "The bank returned the decline code `incorrect_cvc`.");
        static final Decline PROCESSING_ERROR = new Decline("processing_error", "processing_error",
                                                            "An error occurred while processing your card. Try again in"
                                                            + " a little bit.", null,
                                                            "The bank returned the decline code `processing_error`.");
        static final Decline FRAUDULENT = new Decline("card_declined", "fraudulent", "Your card was declined.", null,
                                                      "The bank returned the decline code `fraudulent`.");
    }
}
