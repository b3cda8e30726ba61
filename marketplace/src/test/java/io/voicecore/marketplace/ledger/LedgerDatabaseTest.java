package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.MarketplaceRefusal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the database itself enforces, whatever the application does, and the postings' edge cases. */
class LedgerDatabaseTest {
    private static final Currency EUR = Currency.getInstance("EUR");
    static LedgerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new LedgerFixture(MarketplaceFixture.kernel(), Clock.systemUTC());
    }

    private static Money eur(long cents) {
        return Money.of(cents, EUR);
    }

    /** A connection as the application role in the platform scope, in a transaction of its own. */
    private static Connection platformConnection() throws SQLException {
        Connection c = fixture.kernel.appConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SELECT set_config('voicecore.scope', 'platform', false)"); // for the session, outlasting a rollback
        }
        c.setAutoCommit(false);
        return c;
    }

    private static long account(Connection c, String name, String currency) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO marketplace.ledger_accounts (name, currency, normal_side) "
                + "VALUES (?, ?, 'debit') ON CONFLICT (name, currency) DO NOTHING");
             PreparedStatement select = c.prepareStatement("SELECT id FROM marketplace.ledger_accounts WHERE name = ? AND currency = ?")) {
            insert.setString(1, name);
            insert.setString(2, currency);
            insert.executeUpdate();
            select.setString(1, name);
            select.setString(2, currency);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }

    private static UUID transaction(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO marketplace.ledger_transactions (id, kind, reference, occurred_at) "
                + "VALUES (?, 'purchase', ?, now())")) {
            s.setObject(1, id);
            s.setString(2, "direct-" + id);
            s.executeUpdate();
        }
        return id;
    }

    private static void entry(Connection c, UUID transaction, long account, String currency, String side, long amount) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO marketplace.ledger_entries (transaction_id, account_id, currency, side, amount) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, transaction);
            s.setLong(2, account);
            s.setString(3, currency);
            s.setString(4, side);
            s.setLong(5, amount);
            s.executeUpdate();
        }
    }

    private static boolean exists(UUID transaction) {
        return fixture.inPlatform(tx -> tx.get("SELECT 1 FROM marketplace.ledger_transactions WHERE id = ?", transaction).isPresent());
    }

    @Test
    void theDatabaseRefusesToCommitAnUnbalancedTransactionWrittenDirectlyAsTheAppRole() throws SQLException {
        UUID unbalanced;
        try (Connection c = platformConnection()) {
            long left = account(c, "test:left", "EUR");
            long right = account(c, "test:right", "EUR");
            unbalanced = transaction(c);
            entry(c, unbalanced, left, "EUR", "debit", 100);
            entry(c, unbalanced, right, "EUR", "credit", 99);
            SQLException refused = assertThrows(SQLException.class, c::commit);
            assertEquals("23514", refused.getSQLState(), refused.getMessage());
            assertTrue(refused.getMessage().contains("does not balance in EUR: debits 100, credits 99"), refused.getMessage());
        }
        assertFalse(exists(unbalanced));

        UUID empty;
        try (Connection c = platformConnection()) {
            empty = transaction(c);
            SQLException refused = assertThrows(SQLException.class, c::commit);
            assertTrue(refused.getMessage().contains("has no entries"), refused.getMessage());
        }
        assertFalse(exists(empty));

        UUID mixed; // balanced in sum, not per currency
        try (Connection c = platformConnection()) {
            long euros = account(c, "test:left", "EUR");
            long dollars = account(c, "test:right", "USD");
            mixed = transaction(c);
            entry(c, mixed, euros, "EUR", "debit", 100);
            entry(c, mixed, dollars, "USD", "credit", 100);
            assertThrows(SQLException.class, c::commit);
        }
        assertFalse(exists(mixed));

        UUID balanced; // the same writes, balanced, commit: it is the balance that is refused, not the writing
        try (Connection c = platformConnection()) {
            long left = account(c, "test:left", "EUR");
            long right = account(c, "test:right", "EUR");
            balanced = transaction(c);
            entry(c, balanced, left, "EUR", "debit", 100);
            entry(c, balanced, right, "EUR", "credit", 60);
            entry(c, balanced, right, "EUR", "credit", 40);
            c.commit();
        }
        assertTrue(exists(balanced));
    }

    @Test
    void anEntryIsInItsAccountsCurrencyAndPositive() throws SQLException {
        try (Connection c = platformConnection()) {
            long euros = account(c, "test:left", "EUR");
            UUID transaction = transaction(c);
            SQLException refused = assertThrows(SQLException.class, () -> entry(c, transaction, euros, "USD", "debit", 1));
            assertEquals("23503", refused.getSQLState(), refused.getMessage());
            c.rollback();
            UUID again = transaction(c);
            assertEquals("23514", assertThrows(SQLException.class, () -> entry(c, again, euros, "EUR", "debit", 0)).getSQLState());
            c.rollback();
        }
    }

    @Test
    void theAppRoleCannotChangeOrRemoveWhatTheLedgerRecorded() throws SQLException {
        UUID publisher = fixture.publisher("ledger-db");
        LedgerTransaction purchase = fixture.inPlatform(tx -> fixture.ledger.purchase(tx, UUID.randomUUID(), publisher, eur(1900), eur(55)));
        List<String> tampering = List.of(
                "UPDATE marketplace.ledger_entries SET amount = amount + 1 WHERE transaction_id = ?",
                "DELETE FROM marketplace.ledger_entries WHERE transaction_id = ?",
                "UPDATE marketplace.ledger_transactions SET occurred_at = now() WHERE id = ?",
                "DELETE FROM marketplace.ledger_transactions WHERE id = ?",
                "UPDATE marketplace.ledger_accounts SET currency = 'USD' WHERE id IN (SELECT account_id FROM marketplace.ledger_entries "
                + "WHERE transaction_id = ?)");
        for (String statement : tampering) {
            try (Connection c = platformConnection(); PreparedStatement s = c.prepareStatement(statement)) {
                s.setObject(1, purchase.id());
                SQLException refused = assertThrows(SQLException.class, s::executeUpdate, statement);
                assertEquals("42501", refused.getSQLState(), statement + ": " + refused.getMessage());
                c.rollback();
            }
        }
        try (Connection c = platformConnection(); Statement s = c.createStatement()) {
            assertEquals("42501", assertThrows(SQLException.class, () -> s.execute("TRUNCATE marketplace.ledger_entries")).getSQLState());
            c.rollback();
        }
        // Not even the owner changes an entry: the ledger's own trigger refuses.
        try (Connection c = fixture.kernel.ownerConnection(); PreparedStatement s = c.prepareStatement(tampering.getFirst())) {
            s.setObject(1, purchase.id());
            SQLException refused = assertThrows(SQLException.class, s::executeUpdate);
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        }
        assertEquals(4L, (long) fixture.inPlatform(tx -> tx.get("SELECT count(*) AS n FROM marketplace.ledger_entries WHERE transaction_id = ?",
                                                        purchase.id()).map(row -> Ledger.number(row, "n")).orElseThrow()));
    }

    @Test
    void recordRefusesEmptyOrUnbalancedPostingsAndADuplicateWithoutSpoilingTheCallersTransaction() {
        Account left = new Account("test:record-from", EUR, Side.DEBIT);
        Account right = new Account("test:record-to", EUR, Side.CREDIT);
        java.time.Instant now = java.time.Instant.now();
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new Posting(TransactionKind.PURCHASE, "x",
                now, Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
        assertTrue(empty.getMessage().contains("no entries"), empty.getMessage());
        IllegalArgumentException unbalanced = assertThrows(IllegalArgumentException.class, () -> fixture.inPlatform(
                tx -> fixture.ledger.record(tx, new Posting(TransactionKind.PURCHASE, "y", now, Optional.empty(), Optional.empty(),
                                                            Optional.empty(), List.of(Posting.Line.debit(left, eur(100)),
                                                                                      Posting.Line.credit(right, eur(99)))))));
        assertTrue(unbalanced.getMessage().contains("debits 100, credits 99"), unbalanced.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Posting.Line.debit(left, eur(0)));
        assertThrows(IllegalArgumentException.class, () -> Posting.Line.debit(left, Money.of(5, "USD")));

        String reference = "record-" + UUID.randomUUID();
        Posting posting = new Posting(TransactionKind.RELEASE, reference, now, Optional.empty(), Optional.empty(), Optional.empty(),
                                      List.of(Posting.Line.debit(left, eur(100)), Posting.Line.credit(right, eur(100))));
        LedgerTransaction first = fixture.inPlatform(tx -> fixture.ledger.record(tx, posting));
        LedgerTransaction after = fixture.inPlatform(tx -> {
            AlreadyRecorded again = assertThrows(AlreadyRecorded.class, () -> fixture.ledger.record(tx, posting));
            assertEquals(first.id(), again.transactionId());
            assertEquals(TransactionKind.RELEASE, again.kind());
            // The caller's transaction goes on: an idempotent caller records what else it has to, and commits.
            return fixture.ledger.record(tx, new Posting(TransactionKind.RELEASE, reference + "-next", now, Optional.empty(), Optional.empty(),
                                                         Optional.empty(), posting.lines()));
        });
        assertTrue(exists(after.id()));
    }

    @Test
    void aRefundTakesFromPendingFirstThenAvailableAndAfterAPayoutLeavesANegativeAvailableBalance() {
        Ledger ledger = fixture.ledger;
        UUID publisher = fixture.publisher("ledger-refund");
        UUID first = UUID.randomUUID();
        fixture.inPlatform(tx -> ledger.purchase(tx, first, publisher, eur(10_000), eur(0))); // developer 8500
        fixture.inPlatform(tx -> ledger.release(tx, UUID.randomUUID(), publisher, eur(5_000)));
        assertEquals(new Balances.Balance(EUR, 3_500, 5_000, 0), ledger.balances(publisher).in(EUR));
        fixture.inPlatform(tx -> ledger.refund(tx, "re_" + UUID.randomUUID(), first, eur(5_000))); // developer gives back 4250
        assertEquals(new Balances.Balance(EUR, 0, 4_250, 0), ledger.balances(publisher).in(EUR));

        UUID payout = UUID.randomUUID();
        fixture.inPlatform(tx -> ledger.payout(tx, payout, publisher, eur(4_250)));
        assertThrows(AlreadyRecorded.class, () -> fixture.inPlatform(tx -> ledger.payout(tx, payout, publisher, eur(4_250))));
        fixture.inPlatform(tx -> ledger.dispute(tx, "du_" + UUID.randomUUID(), first, eur(5_000)));
        // Paid out already: the developer owes its 4250 back, carried into the next payout.
        assertEquals(new Balances.Balance(EUR, 0, -4_250, 4_250), ledger.balances(publisher).in(EUR));
        MarketplaceRefusal refused = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                tx -> ledger.refund(tx, "re_" + UUID.randomUUID(), first, eur(1))));
        assertEquals("reversal-exceeds-charge", refused.type());

        fixture.inPlatform(tx -> ledger.purchase(tx, UUID.randomUUID(), publisher, eur(10_000), eur(0)));
        fixture.inPlatform(tx -> ledger.release(tx, UUID.randomUUID(), publisher, eur(8_500)));
        assertEquals(new Balances.Balance(EUR, 0, 4_250, 4_250), ledger.balances(publisher).in(EUR));
        MarketplaceRefusal tooMuch = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                tx -> ledger.payout(tx, UUID.randomUUID(), publisher, eur(8_500))));
        assertEquals("payout-exceeds-available", tooMuch.type());
        assertTrue(tooMuch.getMessage().contains("42.50 EUR"), tooMuch.getMessage());
    }

    @Test
    void concurrentPayoutsOfOnePublisherNeverPayOutMoreThanIsAvailable() throws Exception {
        Ledger ledger = fixture.ledger;
        UUID publisher = fixture.publisher("ledger-race");
        fixture.inPlatform(tx -> ledger.purchase(tx, UUID.randomUUID(), publisher, eur(10_000), eur(0)));
        fixture.inPlatform(tx -> ledger.release(tx, UUID.randomUUID(), publisher, eur(8_500)));
        int racers = 3; // the test kernel's pool has 4 connections
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        fixture.inPlatform(tx -> ledger.payout(tx, UUID.randomUUID(), publisher, eur(6_000)));
                        return "paid";
                    } catch (MarketplaceRefusal refusal) {
                        return refusal.type();
                    }
                }));
            }
            start.countDown();
            List<String> results = new java.util.ArrayList<>();
            for (var outcome : outcomes) {
                results.add(outcome.get());
            }
            assertEquals(1, results.stream().filter("paid"::equals).count(), results.toString());
            assertEquals(racers - 1, results.stream().filter("payout-exceeds-available"::equals).count(), results.toString());
        }
        assertEquals(new Balances.Balance(EUR, 0, 2_500, 6_000), ledger.balances(publisher).in(EUR));
    }

    @Test
    void postingsNameWhatIsMissingOrWrong() {
        UUID publisher = fixture.publisher("ledger-refusals");
        MarketplaceRefusal unknown = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                tx -> fixture.ledger.refund(tx, "re_1", UUID.randomUUID(), eur(1))));
        assertEquals("purchase-not-recorded", unknown.type());
        MarketplaceRefusal nobody = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                tx -> fixture.ledger.purchase(tx, UUID.randomUUID(), UUID.randomUUID(), eur(100), eur(1))));
        assertEquals("publisher-not-found", nobody.type());
        UUID purchase = UUID.randomUUID();
        fixture.inPlatform(tx -> fixture.ledger.purchase(tx, purchase, publisher, eur(100), eur(1)));
        MarketplaceRefusal currency = assertThrows(MarketplaceRefusal.class, () -> fixture.inPlatform(
                tx -> fixture.ledger.refund(tx, "re_" + UUID.randomUUID(), purchase, Money.of(1, "USD"))));
        assertEquals("currency-mismatch", currency.type());
        assertThrows(IllegalArgumentException.class, () -> fixture.inPlatform(
                tx -> fixture.ledger.purchase(tx, UUID.randomUUID(), publisher, eur(0), eur(0))));
        assertThrows(IllegalArgumentException.class, () -> fixture.inPlatform(
                tx -> fixture.ledger.purchase(tx, UUID.randomUUID(), publisher, eur(100), eur(101))));
    }
}
