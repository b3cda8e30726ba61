package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Currency;
import java.util.List;
import java.util.UUID;

import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verification finds what was written around the database's checks: a kernel of its own, whose database a
 * superuser tampers with (triggers off), so the module's shared ledger stays sound.
 */
class LedgerTamperTest {
    private static final Currency EUR = Currency.getInstance("EUR");
    static TestKernel kernel;
    static LedgerFixture fixture;

    @BeforeAll
    static void start() {
        kernel = TestKernel.builder().extensions(List.of(new MarketplaceExtension(MarketplaceSettings.defaults()))).start();
        fixture = new LedgerFixture(kernel, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** Writes a transaction of the given entries as a superuser with triggers off; answers its id. */
    private static UUID tamper(long debit, long credit) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = kernel.ownerConnection(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("INSERT INTO marketplace.ledger_accounts (name, currency, normal_side) VALUES ('test:tampered', 'EUR', 'debit') "
                      + "ON CONFLICT DO NOTHING");
            try (PreparedStatement t = c.prepareStatement("INSERT INTO marketplace.ledger_transactions (id, kind, reference, occurred_at) "
                    + "VALUES (?, 'release', ?, now())")) {
                t.setObject(1, id);
                t.setString(2, id.toString());
                t.executeUpdate();
            }
            try (PreparedStatement e = c.prepareStatement("INSERT INTO marketplace.ledger_entries (transaction_id, account_id, currency, side, amount) "
                    + "SELECT ?, id, 'EUR', ?, ? FROM marketplace.ledger_accounts WHERE name = 'test:tampered'")) {
                for (Object[] entry : new Object[][] {{"debit", debit}, {"credit", credit}}) {
                    e.setObject(1, id);
                    e.setString(2, (String) entry[0]);
                    e.setLong(3, (Long) entry[1]);
                    e.executeUpdate();
                }
            }
        }
        return id;
    }

    @Test
    void theVerificationFindsTheFirstUnbalancedTransaction() throws SQLException {
        UUID publisher = fixture.publisher("ledger-tamper");
        fixture.inPlatform(tx -> fixture.ledger.purchase(tx, UUID.randomUUID(), publisher, Money.of(1900, EUR), Money.of(55, EUR)));
        Verification sound = fixture.ledger.verify();
        assertTrue(sound.balanced(), sound.view().toString());
        assertEquals(1, sound.transactions());
        assertEquals(4, sound.entries());
        assertEquals(List.of("EUR"), sound.currencies());

        UUID first = tamper(100, 99);
        tamper(5, 7);
        Verification broken = fixture.ledger.verify();
        assertEquals(new Verification.Unbalanced(first, "EUR", 100, 99), broken.firstUnbalanced().orElseThrow(), broken.view().toString());
        assertEquals(false, broken.view().get("balanced"));
        assertEquals(3, broken.transactions());
        assertEquals(8, broken.entries());
        assertTrue(kernel.get("/api/v1/marketplace/ledger/verify", kernel.adminToken()).body()
                         .contains("\"firstUnbalanced\":{\"transaction\":\"" + first + "\",\"currency\":\"EUR\",\"debits\":100,\"credits\":99}"));
    }
}
