/**
 * The marketplace's double-entry ledger: money as whole minor units of an ISO 4217 currency ({@link
 * io.voicecore.marketplace.ledger.Money}), the split of a charge among Stripe, the platform and the developer and its
 * proportional reversal ({@link io.voicecore.marketplace.ledger.Split}), balanced postings ({@link
 * io.voicecore.marketplace.ledger.Posting}) recorded in the caller's transaction by {@link
 * io.voicecore.marketplace.ledger.Ledger}, the chart of accounts ({@link io.voicecore.marketplace.ledger.Account}),
 * balances, statements and the verification of the whole ledger.
 */
package io.voicecore.marketplace.ledger;
