package io.voicecore.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.DatabaseLogin;
import io.voicecore.marketplace.MarketplaceExtension;
import io.voicecore.marketplace.MarketplaceSettings;
import io.voicecore.marketplace.ledger.Ledger;
import io.voicecore.marketplace.ledger.Verification;

/**
 * {@code ledger-verify}: how long the marketplace's {@link Ledger#verify()} takes over {@value #ENTRIES} entries. A
 * kernel with the marketplace gets {@value #TRANSACTIONS} purchases of 10.00 to 99.99 in EUR, USD and GBP (4 entries
 * each: clearing, Stripe fee, platform, the pending money of one of {@value #PUBLISHERS} publishers), written through
 * the application role in set-based batches of {@value #BATCH} transactions, each batch one database transaction whose
 * commit runs the balance check of every entry. Then {@code verify()} runs several times right after the load, and
 * again after {@code VACUUM ANALYZE} (what autovacuum does to a table soon after a bulk insert, and what lets the
 * verification read only the index on transaction and currency).
 */
final class LedgerVerifyScenario implements Scenario {
    static final String NAME = "ledger-verify";
    private static final String KEY = "ledger_verify.";
    static final int TRANSACTIONS = 250_000;
    static final int ENTRIES = 4 * TRANSACTIONS;
    static final int PUBLISHERS = 1_000;
    static final int BATCH = 25_000;

    /** One batch of purchases, numbers {@code ?} to {@code ?}, with their entries: one statement. */
    private static final String PURCHASES = """
            WITH publishers AS (
                SELECT id, row_number() OVER (ORDER BY slug) - 1 AS n FROM marketplace.publishers WHERE slug LIKE 'bench-ledger-%'),
            charges AS MATERIALIZED (
                SELECT i, gen_random_uuid() AS id, (ARRAY['EUR', 'USD', 'GBP'])[1 + i % 3] AS currency, p.id AS publisher,
                       1000 + (i * 7919) % 9000 AS gross
                  FROM generate_series(?::int, ?::int) AS i JOIN publishers AS p ON p.n = i % ?::int),
            split AS MATERIALIZED (
                SELECT *, gross * 3 / 100 AS fee, (gross - gross * 3 / 100) * 85 / 100 AS developer FROM charges),
            recorded AS (
                INSERT INTO marketplace.ledger_transactions (id, kind, reference, publisher_id, occurred_at, details)
                SELECT id, 'purchase', 'bench-' || i, publisher, timestamptz '2025-01-01 00:00Z' + i * interval '1 minute',
                       jsonb_build_object('split', jsonb_build_object('currency', currency, 'gross', gross, 'fee', fee,
                           'developer', developer, 'reseller', 0, 'platform', gross - fee - developer, 'developerBps', 8500,
                           'resellerBps', 0))
                  FROM split)
            INSERT INTO marketplace.ledger_entries (transaction_id, account_id, currency, side, amount)
            SELECT s.id, a.id, s.currency, e.side, e.amount
              FROM split AS s
             CROSS JOIN LATERAL (VALUES ('stripe:clearing', 'debit', s.gross), ('stripe:fees', 'credit', s.fee),
                                        ('platform:revenue', 'credit', s.gross - s.fee - s.developer),
                                        ('publisher:' || s.publisher || ':pending', 'credit', s.developer)) AS e (account, side, amount)
              JOIN marketplace.ledger_accounts AS a ON a.name = e.account AND a.currency = s.currency
            """;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the marketplace ledger's verification over 1,000,000 entries, right after loading them and after VACUUM ANALYZE";
    }

    @Override
    public List<Measurement> run(BenchOptions options, PrintStream progress) throws Exception {
        int repetitions = options.quick() ? 3 : 7;
        MarketplaceExtension marketplace = new MarketplaceExtension(MarketplaceSettings.defaults());
        try (BenchKernel kernel = BenchKernel.start(List.of(), List.of(marketplace))) {
            Database database = kernel.services().database();
            Ledger ledger = marketplace.ledger();
            database.inPlatform(tx -> {
                tx.dml("INSERT INTO marketplace.publishers (id, slug, name, email, api_key_id) SELECT gen_random_uuid(), "
                       + "'bench-ledger-' || lpad(p::text, 5, '0'), 'Bench ' || p, 'bench' || p || '@example.com', gen_random_uuid() "
                       + "FROM generate_series(1, ?::int) AS p", PUBLISHERS);
                tx.dml("INSERT INTO marketplace.ledger_accounts (name, currency, normal_side, publisher_id) "
                       + "SELECT a.name, c.code, a.side, NULL FROM (VALUES ('stripe:clearing', 'debit'), ('stripe:fees', 'credit'), "
                       + "('platform:revenue', 'credit')) AS a (name, side) CROSS JOIN unnest(ARRAY['EUR', 'USD', 'GBP']) AS c (code) "
                       + "UNION ALL SELECT 'publisher:' || p.id || ':pending', c.code, 'credit', p.id FROM marketplace.publishers AS p "
                       + "CROSS JOIN unnest(ARRAY['EUR', 'USD', 'GBP']) AS c (code) WHERE p.slug LIKE 'bench-ledger-%'");
                return null;
            });
            long loadStart = System.nanoTime();
            for (int start = 0; start < TRANSACTIONS; start += BATCH) {
                int from = start;
                int to = Math.min(TRANSACTIONS, from + BATCH) - 1;
                long inserted = database.inPlatform(tx -> tx.dml(PURCHASES, from, to, PUBLISHERS));
                if (inserted != 4L * (to - from + 1)) {
                    throw new IllegalStateException("batch " + from + "-" + to + " wrote " + inserted + " entries");
                }
                progress.printf("loaded %,d of %,d entries%n", 4L * (to + 1), ENTRIES);
            }
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            progress.printf("%,d entries in %.1f s (%,.0f entries/s, the balance check of each at commit included)%n", ENTRIES, loadSeconds,
                            ENTRIES / loadSeconds);

            double fresh = timeVerify(ledger, repetitions, "right after the load", progress);
            DatabaseLogin owner = kernel.services().storage().adminLogin();
            try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), owner.user(), owner.password()); Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE marketplace.ledger_entries, marketplace.ledger_transactions");
            }
            double settled = timeVerify(ledger, repetitions, "after VACUUM ANALYZE", progress);
            return List.of(
                    new Measurement(KEY + "ms", settled, "ms", "verify() over 1,000,000 entries after VACUUM ANALYZE, median"),
                    new Measurement(KEY + "ms_fresh", fresh, "ms", "verify() over 1,000,000 entries right after loading them, median"),
                    new Measurement(KEY + "load_entries_per_second", ENTRIES / loadSeconds, "entries/s",
                                    "entries written in batches of 100,000, with the balance check at commit"));
        }
    }

    private static double timeVerify(Ledger ledger, int repetitions, String when, PrintStream progress) {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            Verification verification = ledger.verify();
            millis.add((System.nanoTime() - start) / 1e6);
            if (!verification.balanced() || verification.entries() != ENTRIES) {
                throw new IllegalStateException("the benchmark's ledger does not verify: " + verification.view());
            }
        }
        double median = Stats.median(millis);
        progress.printf("verify() %s: median %,.0f ms of %s%n", when, median, millis.stream().map(m -> String.format("%.0f", m)).toList());
        return median;
    }
}
