package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.voicecore.marketplace.MarketplaceRefusal;
import org.junit.jupiter.api.Test;

class MoneyTest {
    private static final Currency EUR = Currency.getInstance("EUR");

    @Test
    void aCurrencyIsARealIsoCodeWithMinorUnits() {
        assertEquals(EUR, Money.currency("EUR"));
        assertEquals(0, Money.of(1, "JPY").digits());
        assertEquals(3, Money.of(1, "KWD").digits());
        for (String refused : List.of("eur", "EURO", "E1R", "", "ABC", "XAU", "XXX")) {
            MarketplaceRefusal refusal = assertThrows(MarketplaceRefusal.class, () -> Money.currency(refused), refused);
            assertEquals("currency-invalid", refusal.type());
            assertTrue(refusal.getMessage().contains(refused), refusal.getMessage());
        }
        assertThrows(MarketplaceRefusal.class, () -> Money.currency(null));
        assertThrows(IllegalArgumentException.class, () -> Money.of(1, Currency.getInstance("XAU")));
    }

    @Test
    void decimalsComeFromTheMinorUnitsExactly() {
        assertEquals("19.00", Money.of(1900, "EUR").decimal());
        assertEquals("-0.05", Money.of(-5, "EUR").decimal());
        assertEquals("0.00", Money.of(0, "EUR").decimal());
        assertEquals("1900", Money.of(1900, "JPY").decimal());
        assertEquals("0.001", Money.of(1, "KWD").decimal());
        assertEquals("92233720368547758.07", Money.of(Long.MAX_VALUE, "EUR").decimal());
        assertEquals("-92233720368547758.08", Money.of(Long.MIN_VALUE, "EUR").decimal());
        assertEquals("19.00 EUR", Money.of(1900, "EUR").toString());
    }

    @Test
    void arithmeticRefusesOverflowAndMixedCurrencies() {
        assertEquals(Money.of(2000, EUR), Money.of(1900, EUR).plus(Money.of(100, EUR)));
        assertEquals(Money.of(-100, EUR), Money.of(1900, EUR).minus(Money.of(2000, EUR)));
        ArithmeticException overflow = assertThrows(ArithmeticException.class, () -> Money.of(Long.MAX_VALUE, EUR).plus(Money.of(1, EUR)));
        assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
        assertThrows(ArithmeticException.class, () -> Money.of(Long.MIN_VALUE, EUR).minus(Money.of(1, EUR)));
        assertThrows(IllegalArgumentException.class, () -> Money.of(1, EUR).plus(Money.of(1, "USD")));
    }

    @Test
    void theJsonViewIsMinorUnitsAndCode() {
        assertEquals(Map.of("amount", 1900L, "currency", "EUR"), Money.of(1900, EUR).view());
    }

    @Test
    void aStatementIsRfc4180CsvWithDecimalAmounts() {
        UUID publisher = UUID.randomUUID();
        UUID transaction = UUID.fromString("00000000-0000-0000-0000-000000000001");
        Instant at = Instant.parse("2025-03-10T12:00:00Z");
        Statement statement = new Statement(publisher, YearMonth.of(2025, 3), List.of(), List.of(
                new Statement.Line(1, transaction, TransactionKind.PURCHASE, "p-1", at, "pending", EUR, 1615, 1615),
                new Statement.Line(2, transaction, TransactionKind.REFUND, "re_\"quoted\", with comma", at, "pending", EUR, -85, 1530),
                new Statement.Line(3, transaction, TransactionKind.PURCHASE, "line\nbreak", at, "pending", Currency.getInstance("JPY"), 1900, 1900)),
                List.of());
        assertEquals("occurred_at,transaction,kind,reference,account,currency,amount,balance\r\n"
                     + "2025-03-10T12:00:00Z," + transaction + ",purchase,p-1,pending,EUR,16.15,16.15\r\n"
                     + "2025-03-10T12:00:00Z," + transaction + ",refund,\"re_\"\"quoted\"\", with comma\",pending,EUR,-0.85,15.30\r\n"
                     + "2025-03-10T12:00:00Z," + transaction + ",purchase,\"line\nbreak\",pending,JPY,1900,1900\r\n",
                     statement.csv());
    }
}
