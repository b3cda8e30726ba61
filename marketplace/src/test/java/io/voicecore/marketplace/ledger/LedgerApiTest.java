package io.voicecore.marketplace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.MarketplaceFixture;
import io.voicecore.marketplace.testing.ListingFixture.SignedUpPublisher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ledger's routes on the module's shared kernel: who may read what, statements as JSON and CSV, paging, the share. */
class LedgerApiTest {
    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Instant MARCH = Instant.parse("2025-03-10T12:00:00Z");
    private static final Instant APRIL = Instant.parse("2025-04-02T08:30:00Z");
    static TestKernel kernel;
    static LedgerFixture fixture;
    static SignedUpPublisher publisher;
    static SignedUpPublisher other;
    static UUID publisherId;

    @BeforeAll
    static void start() {
        kernel = MarketplaceFixture.kernel();
        fixture = new LedgerFixture(kernel, Clock.systemUTC());
        publisher = fixture.signUp("ledger-api");
        other = fixture.signUp("ledger-api-other");
        publisherId = UUID.fromString(publisher.id());
        // March: a purchase of 19.00 EUR (fee 0.55) and a refund of 5.00 of it; April: a purchase of 10.00 (fee 0.30).
        Ledger march = new Ledger(fixture.database(), kernel.kernel().services().audit(), Clock.fixed(MARCH, ZoneOffset.UTC));
        Ledger april = new Ledger(fixture.database(), kernel.kernel().services().audit(), Clock.fixed(APRIL, ZoneOffset.UTC));
        UUID first = UUID.randomUUID();
        fixture.inPlatform(tx -> march.purchase(tx, first, publisherId, Money.of(1900, EUR), Money.of(55, EUR)));
        fixture.inPlatform(tx -> march.refund(tx, "re_march, \"partial\"", first, Money.of(500, EUR)));
        fixture.inPlatform(tx -> april.purchase(tx, UUID.randomUUID(), publisherId, Money.of(1000, EUR), Money.of(30, EUR)));
    }

    private static String path(SignedUpPublisher publisher, String rest) {
        return "/api/v1/marketplace/publishers/" + publisher.slug() + rest;
    }

    @Test
    void theBalanceIsThePublishersOwnOrThePlatformAdmins() {
        // The developer's part of 19.00 − 0.55 is floor(1845 × 0.85) = 1568; the refund of 5.00 takes back 413 of it
        // (412.63: 412, and one of the two units left over, its remainder being the second largest).
        HttpResult own = kernel.get(path(publisher, "/balance"), publisher.apiKey());
        assertEquals(200, own.status(), own.toString());
        JsonNode balance = own.json().get("balances").get(0);
        assertEquals("EUR", balance.get("currency").asText());
        long pending = balance.get("pending").asLong();
        assertEquals(0, balance.get("available").asLong());
        assertEquals(0, balance.get("paid").asLong());
        Split charge = Split.of(Money.of(1900, EUR), Money.of(55, EUR), RevenueShare.DEFAULT);
        Split refund = charge.reversal(Money.of(500, EUR), Split.none(EUR, RevenueShare.DEFAULT));
        Split april = Split.of(Money.of(1000, EUR), Money.of(30, EUR), RevenueShare.DEFAULT);
        assertEquals(charge.developer().amount() - refund.developer().amount() + april.developer().amount(), pending);

        assertEquals(own.json(), kernel.get(path(publisher, "/balance"), kernel.adminToken()).json());
        HttpResult someoneElse = kernel.get(path(publisher, "/balance"), other.apiKey());
        assertEquals(404, someoneElse.status(), someoneElse.toString());
        assertEquals(401, kernel.get(path(publisher, "/balance"), null).status());
        HttpResult none = kernel.get(path(other, "/balance"), other.apiKey());
        assertEquals(200, none.status());
        assertEquals(0, none.json().get("balances").size());
    }

    @Test
    void onlyThePlatformAdminVerifiesTheLedger() {
        HttpResult verified = kernel.get("/api/v1/marketplace/ledger/verify", kernel.adminToken());
        assertEquals(200, verified.status(), verified.toString());
        assertTrue(verified.json().get("balanced").asBoolean(), verified.toString());
        assertTrue(verified.json().get("entries").asLong() >= 8, verified.toString());
        assertTrue(verified.json().get("currencies").toString().contains("EUR"), verified.toString());
        HttpResult refused = kernel.get("/api/v1/marketplace/ledger/verify", publisher.apiKey());
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("urn:voicecore:problem:role-required", refused.json().get("type").asText());
    }

    @Test
    void aMonthlyStatementCarriesTheBalancesFromMonthToMonth() {
        HttpResult march = kernel.get(path(publisher, "/statements/2025-03"), publisher.apiKey());
        assertEquals(200, march.status(), march.toString());
        JsonNode lines = march.json().get("lines");
        // Every account with entries by the month's end has an opening and a closing balance, zero before its first entry.
        assertEquals(1, march.json().get("opening").size(), march.toString());
        assertEquals(0, march.json().get("opening").get(0).get("balance").asLong());
        assertEquals(2, lines.size(), march.toString());
        assertEquals("purchase", lines.get(0).get("kind").asText());
        assertEquals("pending", lines.get(0).get("account").asText());
        assertEquals(1568, lines.get(0).get("amount").asLong());
        assertEquals(1568, lines.get(0).get("balance").asLong());
        assertEquals("refund", lines.get(1).get("kind").asText());
        long refunded = -lines.get(1).get("amount").asLong();
        assertEquals(1568 - refunded, lines.get(1).get("balance").asLong());
        assertEquals(1568 - refunded, march.json().get("closing").get(0).get("balance").asLong());

        HttpResult april = kernel.get(path(publisher, "/statements/2025-04"), kernel.adminToken());
        assertEquals(200, april.status(), april.toString());
        assertEquals(1568 - refunded, april.json().get("opening").get(0).get("balance").asLong());
        assertEquals(1, april.json().get("lines").size());
        assertEquals(0, kernel.get(path(publisher, "/statements/2025-02"), publisher.apiKey()).json().get("lines").size());

        HttpResult csv = kernel.send(kernel.request(path(publisher, "/statements/2025-03"), publisher.apiKey())
                                           .header("Accept", "text/csv").GET().build());
        assertEquals(200, csv.status(), csv.toString());
        assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
        String[] rows = csv.body().split("\r\n");
        assertEquals("occurred_at,transaction,kind,reference,account,currency,amount,balance", rows[0]);
        assertEquals(3, rows.length, csv.body());
        assertTrue(rows[1].startsWith("2025-03-10T12:00:00Z,") && rows[1].endsWith(",purchase," + lines.get(0).get("reference").asText()
                + ",pending,EUR,15.68,15.68"), rows[1]);
        assertTrue(rows[2].contains(",refund,\"re_march, \"\"partial\"\"\",pending,EUR,-" + Money.decimal(refunded, EUR) + ","
                                    + Money.decimal(1568 - refunded, EUR)), rows[2]);
        assertEquals(csv.body(), kernel.get(path(publisher, "/statements/2025-03?format=csv"), publisher.apiKey()).body());
        assertEquals(march.json(), kernel.get(path(publisher, "/statements/2025-03?format=json"), publisher.apiKey()).json());

        for (String month : List.of("2025-13", "march", "2025-3")) {
            HttpResult bad = kernel.get(path(publisher, "/statements/" + month), publisher.apiKey());
            assertEquals(400, bad.status(), month + ": " + bad);
            assertTrue(bad.json().get("detail").asText().contains("YYYY-MM"), bad.toString());
        }
        assertEquals(400, kernel.get(path(publisher, "/statements/2025-03?format=xml"), publisher.apiKey()).status());
        assertEquals(404, kernel.get(path(publisher, "/statements/2025-03"), other.apiKey()).status());
    }

    @Test
    void theEntriesBehindTheBalanceComeNewestFirstAPageAtATime() {
        List<JsonNode> entries = new ArrayList<>();
        String next = null;
        do {
            HttpResult page = kernel.get(path(publisher, "/ledger?limit=2" + (next == null ? "" : "&cursor=" + next)), publisher.apiKey());
            assertEquals(200, page.status(), page.toString());
            page.json().get("items").forEach(entries::add);
            next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
        } while (next != null);
        assertEquals(3, entries.size()); // pending credit, pending debit (refund), pending credit
        assertEquals("purchase", entries.get(0).get("kind").asText());
        assertEquals("refund", entries.get(1).get("kind").asText());
        assertEquals("debit", entries.get(1).get("side").asText());
        assertTrue(entries.get(0).get("id").asLong() > entries.get(1).get("id").asLong());
        long sum = 0;
        for (JsonNode entry : entries) {
            sum += entry.get("change").asLong();
        }
        assertEquals(kernel.get(path(publisher, "/balance"), publisher.apiKey()).json().get("balances").get(0).get("pending").asLong(), sum);
        assertEquals(400, kernel.get(path(publisher, "/ledger?cursor=not-a-cursor"), publisher.apiKey()).status());
        assertEquals(404, kernel.get(path(publisher, "/ledger"), other.apiKey()).status());
    }

    @Test
    void thePlatformAdminSetsAPublishersRevenueShareForItsNextSales() {
        SignedUpPublisher shared = fixture.signUp("ledger-share");
        String share = path(shared, "/revenue-share");
        assertEquals(403, kernel.put(share, shared.apiKey(), Map.of("developerBps", 10_000)).status());
        for (Object invalid : List.of(10_001, -1, "9000", 85.5)) {
            HttpResult refused = kernel.put(share, kernel.adminToken(), Map.of("developerBps", invalid));
            assertEquals(422, refused.status(), invalid + ": " + refused);
            assertTrue(refused.body().contains("developerBps"), refused.toString());
        }
        assertEquals(422, kernel.put(share, kernel.adminToken(), Map.of("developerBps", 9000, "platformBps", 1000)).status());

        HttpResult set = kernel.put(share, kernel.adminToken(), Map.of("developerBps", 9000));
        assertEquals(200, set.status(), set.toString());
        assertEquals(9000, set.json().get("developerBps").asInt());
        assertEquals(1000, set.json().get("platformBps").asInt());
        UUID id = UUID.fromString(shared.id());
        LedgerTransaction sale = fixture.inPlatform(tx -> fixture.ledger.purchase(tx, UUID.randomUUID(), id, Money.of(1000, EUR), Money.of(0, EUR)));
        assertEquals(900, sale.posting().split().orElseThrow().developer().amount());
        assertEquals(9000, sale.posting().split().orElseThrow().share().developerBps());
        assertEquals(900, kernel.get(path(shared, "/balance"), shared.apiKey()).json().get("balances").get(0).get("pending").asLong());
        assertEquals(404, kernel.put("/api/v1/marketplace/publishers/no-such-publisher/revenue-share", kernel.adminToken(),
                                     Map.of("developerBps", 9000)).status());
    }
}
