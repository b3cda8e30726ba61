package io.voicecore.marketplace.resellers;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.helidon.dbclient.DbRow;
import io.voicecore.kernel.storage.Database;

/**
 * A reseller's money per sub-tenant and month, read from the ledger: what each sub-tenant was charged at retail, the
 * wholesale of it, Stripe's fee, the reseller's part (its margin) and what refunds and disputes took back; and the
 * portal's view of a month: revenue and margin per sub-tenant, bundle adoption and churn.
 */
public final class ResellerMoney {
    private static final String CSV_HEADER = "tenant,currency,charges,gross,wholesale,fee,margin,refunds,marginReversed,netMargin";

    private final Database database;

    public ResellerMoney(Database database) {
        this.database = database;
    }

    /** One sub-tenant's month in one currency, minor units. */
    public record Line(UUID tenantId, String tenantName, String currency, long charges, long gross, long wholesale, long fee, long margin,
                       long refunds, long marginReversed) {
        public long netMargin() {
            return margin - marginReversed;
        }

        public Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("tenant", tenantId);
            view.put("tenantName", tenantName);
            view.put("currency", currency);
            view.put("charges", charges);
            view.put("gross", gross);
            view.put("wholesale", wholesale);
            view.put("fee", fee);
            view.put("margin", margin);
            view.put("refunds", refunds);
            view.put("marginReversed", marginReversed);
            view.put("netMargin", netMargin());
            return view;
        }
    }

    /** The month's lines, by sub-tenant then currency. Charges count in the month they were made, reversals in theirs. */
    public List<Line> lines(UUID resellerId, YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, String> names = new TreeMap<>();
        for (DbRow row : database.inPlatform(tx -> Database.list(tx, row -> row, """
                SELECT p.tenant_id, kt.name AS tenant_name, t.details -> 'split' ->> 'currency' AS currency, t.kind,
                       count(*) AS charges,
                       sum((t.details -> 'split' ->> 'gross')::bigint) AS gross,
                       sum(coalesce((t.details -> 'split' ->> 'wholesale')::bigint, 0)) AS wholesale,
                       sum((t.details -> 'split' ->> 'fee')::bigint) AS fee,
                       sum((t.details -> 'split' ->> 'reseller')::bigint) AS margin
                  FROM marketplace.ledger_transactions t
                  LEFT JOIN marketplace.ledger_transactions o ON o.id = t.reverses
                  JOIN marketplace.purchases p ON p.id::text = coalesce(o.reference, t.reference)
                  LEFT JOIN kernel.tenants kt ON kt.id = p.tenant_id
                 WHERE t.reseller_id = ? AND t.kind IN ('purchase', 'refund', 'dispute') AND t.occurred_at >= ? AND t.occurred_at < ?
                 GROUP BY 1, 2, 3, 4
                """, resellerId, Database.timestamp(start), Database.timestamp(end)))) {
            String key = Database.uuid(row, "tenant_id") + "," + Database.text(row, "currency");
            names.put(key, Database.text(row, "tenant_name"));
            long[] sum = sums.computeIfAbsent(key, k -> new long[7]);
            if ("purchase".equals(Database.text(row, "kind"))) {
                sum[0] += number(row, "charges");
                sum[1] += number(row, "gross");
                sum[2] += number(row, "wholesale");
                sum[3] += number(row, "fee");
                sum[4] += number(row, "margin");
            } else {
                sum[5] += number(row, "gross");
                sum[6] += number(row, "margin");
            }
        }
        List<Line> lines = new ArrayList<>();
        sums.forEach((key, sum) -> {
            String[] parts = key.split(",", 2);
            lines.add(new Line(UUID.fromString(parts[0]), names.get(key), parts[1], sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6]));
        });
        return lines;
    }

    /** {@code {"reseller", "month", "lines": [...], "totals": [per currency]}}. */
    public Map<String, Object> statement(UUID resellerId, YearMonth month) {
        List<Line> lines = lines(resellerId, month);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("reseller", resellerId.toString());
        view.put("month", month.toString());
        view.put("lines", lines.stream().map(Line::view).toList());
        view.put("totals", totals(lines));
        return view;
    }

    /** One line per sub-tenant and currency, amounts in minor units. */
    public String csv(UUID resellerId, YearMonth month) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Line line : lines(resellerId, month)) {
            csv.append(line.tenantId()).append(',').append(line.currency()).append(',').append(line.charges()).append(',')
               .append(line.gross()).append(',').append(line.wholesale()).append(',').append(line.fee()).append(',')
               .append(line.margin()).append(',').append(line.refunds()).append(',').append(line.marginReversed()).append(',')
               .append(line.netMargin()).append('\n');
        }
        return csv.toString();
    }

    private static List<Map<String, Object>> totals(List<Line> lines) {
        Map<String, long[]> byCurrency = new TreeMap<>();
        for (Line line : lines) {
            long[] sum = byCurrency.computeIfAbsent(line.currency(), c -> new long[6]);
            sum[0] += line.gross();
            sum[1] += line.wholesale();
            sum[2] += line.fee();
            sum[3] += line.margin();
            sum[4] += line.refunds();
            sum[5] += line.marginReversed();
        }
        List<Map<String, Object>> totals = new ArrayList<>();
        byCurrency.forEach((currency, sum) -> {
            Map<String, Object> total = new LinkedHashMap<>();
            total.put("currency", currency);
            total.put("gross", sum[0]);
            total.put("wholesale", sum[1]);
            total.put("fee", sum[2]);
            total.put("margin", sum[3]);
            total.put("refunds", sum[4]);
            total.put("marginReversed", sum[5]);
            total.put("netMargin", sum[3] - sum[5]);
            totals.add(total);
        });
        return totals;
    }

    /**
     * The portal's month: {@code revenue} per sub-tenant (retail gross, refunds, margin), {@code bundles} (sub-tenants
     * per bundle and version, now), {@code churn} (subscriptions bought at retail that lapsed or were cancelled in the
     * month) and {@code departures} (sub-tenants deleted in the month); {@code churnedSubTenants} counts each once.
     */
    public Map<String, Object> revenue(UUID resellerId, YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<Map<String, Object>> revenue = lines(resellerId, month).stream().map(line -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("tenant", line.tenantId());
            item.put("tenantName", line.tenantName());
            item.put("currency", line.currency());
            item.put("revenue", line.gross());
            item.put("refunds", line.refunds());
            item.put("margin", line.netMargin());
            return item;
        }).toList();
        List<Map<String, Object>> bundles = database.inPlatform(tx -> Database.list(tx, row -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("bundle", Database.uuid(row, "bundle_id"));
            item.put("name", Database.text(row, "name"));
            item.put("version", row.column("bundle_version").get(Integer.class));
            item.put("subTenants", number(row, "tenants"));
            return item;
        }, "SELECT rt.bundle_id, b.name, rt.bundle_version, count(*) AS tenants FROM marketplace.reseller_tenants rt "
           + "JOIN marketplace.bundles b ON b.id = rt.bundle_id WHERE rt.reseller_id = ? "
           + "GROUP BY rt.bundle_id, b.name, rt.bundle_version ORDER BY b.name, rt.bundle_version", resellerId));
        List<Map<String, Object>> churn = database.inPlatform(tx -> Database.list(tx, row -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("tenant", Database.uuid(row, "tenant_id"));
            item.put("listing", Database.text(row, "plugin_id"));
            item.put("state", Database.text(row, "state"));
            item.put("endedAt", Database.instant(row, "ended_at"));
            return item;
        }, "SELECT tenant_id, plugin_id, state, ended_at FROM marketplace.subscriptions WHERE reseller_id = ? "
           + "AND state IN ('lapsed', 'cancelled') AND ended_at >= ? AND ended_at < ? ORDER BY ended_at", resellerId,
           Database.timestamp(start), Database.timestamp(end)));
        List<Map<String, Object>> departures = database.inPlatform(tx -> Database.list(tx, row -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("tenant", Database.uuid(row, "tenant_id"));
            item.put("tenantName", Database.text(row, "tenant_name"));
            item.put("bundle", row.column("bundle_id").asOptional().map(Object::toString).orElse(null));
            item.put("joinedAt", Database.instant(row, "joined_at"));
            item.put("deletedAt", Database.instant(row, "deleted_at"));
            return item;
        }, "SELECT tenant_id, tenant_name, bundle_id, joined_at, deleted_at FROM marketplace.sub_tenant_departures "
           + "WHERE reseller_id = ? AND deleted_at >= ? AND deleted_at < ? ORDER BY deleted_at", resellerId,
           Database.timestamp(start), Database.timestamp(end)));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("reseller", resellerId.toString());
        view.put("month", month.toString());
        view.put("revenue", revenue);
        view.put("bundles", bundles);
        view.put("churn", churn);
        view.put("departures", departures);
        // A sub-tenant counts once, whether its subscriptions ended, it was deleted, or both.
        view.put("churnedSubTenants", java.util.stream.Stream.concat(churn.stream(), departures.stream())
                .map(item -> item.get("tenant").toString()).distinct().count());
        return view;
    }

    private static long number(DbRow row, String column) {
        Object value = row.column(column).asOptional().orElse(null);
        return value == null ? 0 : ((Number) value).longValue();
    }
}
