package io.voicecore.kernel.audit;

import static io.voicecore.kernel.audit.AuditFixture.createKey;
import static io.voicecore.kernel.audit.AuditFixture.listAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.testing.HttpResult;
import io.voicecore.kernel.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streamed exports agree with the listing, record for record, in JSON Lines and in RFC 4180 CSV. */
class AuditExportTest {
    static final String AWKWARD_NAME = "Front desk, \"main\" line";
    static TestKernel kernel;
    static String tenantId;
    static AuditFixture.Key admin;

    @BeforeAll
    static void start() {
        kernel = AuditFixture.startKernel();
        tenantId = kernel.createTenant("exporter");
        admin = createKey(kernel, tenantId, kernel.adminToken(), "exporter admin", "tenant-admin");
        createKey(kernel, tenantId, admin.secret(), AWKWARD_NAME, "tenant-user");
        createKey(kernel, tenantId, admin.secret(), "line one\nline two", "tenant-user");
        kernel.createTenant("bystander");
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    void csvExportHasAHeaderAndOneQuotedRowPerRecord() throws Exception {
        HttpResult export = kernel.get("/api/v1/tenants/exporter/audit/export?format=csv", admin.secret());
        assertEquals(200, export.status(), export.body());
        assertTrue(export.contentType().startsWith("text/csv"), export.contentType());
        assertEquals("attachment; filename=audit-exporter.csv", export.header("Content-Disposition"));

        List<List<String>> rows = CsvReader.parse(export.body());
        List<String> header = rows.get(0);
        assertEquals(List.of("id", "tenantId", "chain", "seq", "actor", "action", "target", "outcome", "requestId", "details",
                             "occurredAt", "hash", "prevHash"), header);
        List<JsonNode> listed = listAll(kernel, "/api/v1/tenants/exporter/audit", admin.secret(), 500);
        assertEquals(listed.size(), rows.size() - 1);
        for (int i = 0; i < listed.size(); i++) {
            List<String> row = rows.get(i + 1);
            JsonNode item = listed.get(i);
            assertEquals(header.size(), row.size());
            assertEquals(item.get("id").asText(), row.get(header.indexOf("id")));
            assertEquals(item.get("hash").asText(), row.get(header.indexOf("hash")));
            assertEquals(item.get("details"), Json.MAPPER.readTree(row.get(header.indexOf("details"))), "details hold the JSON text");
        }
        assertTrue(rows.stream().anyMatch(row -> row.get(header.indexOf("details")).contains(AWKWARD_NAME.replace("\"", "\\\""))),
                   "the name with a comma and quotes survives the round trip");
        assertTrue(export.body().contains("\"{\"\"name\"\":\"\"Front desk, \\\"\"main\\\"\" line\"\""), "quotes are doubled inside a quoted field");
    }

    @Test
    void jsonLinesExportMatchesTheListingItemForItem() {
        HttpResult export = kernel.get("/api/v1/tenants/exporter/audit/export?format=jsonl", admin.secret());
        assertEquals(200, export.status(), export.body());
        assertEquals("application/x-ndjson", export.contentType());
        assertEquals("attachment; filename=audit-exporter.jsonl", export.header("Content-Disposition"));

        List<JsonNode> lines = jsonLines(export.body());
        assertEquals(listAll(kernel, "/api/v1/tenants/exporter/audit", admin.secret(), 2), lines);
    }

    @Test
    void platformExportHonoursTheSameFilters() {
        HttpResult export = kernel.get("/api/v1/audit/export?format=jsonl&action=tenant.*", kernel.adminToken());
        assertEquals(200, export.status(), export.body());
        assertEquals("attachment; filename=audit-all.jsonl", export.header("Content-Disposition"));
        List<JsonNode> lines = jsonLines(export.body());
        assertEquals(listAll(kernel, "/api/v1/audit?action=tenant.*", kernel.adminToken(), 500), lines);
        assertTrue(lines.stream().allMatch(r -> r.get("action").asText().equals("tenant.create")));

        HttpResult one = kernel.get("/api/v1/audit/export?format=csv&tenant=bystander", kernel.adminToken());
        assertEquals("attachment; filename=audit-bystander.csv", one.header("Content-Disposition"));
        assertEquals(2, CsvReader.parse(one.body()).size());
    }

    @Test
    void unknownFormatIsAProblemNamingTheAllowedValues() {
        HttpResult result = kernel.get("/api/v1/audit/export?format=xml", kernel.adminToken());
        assertEquals(400, result.status());
        assertEquals("application/problem+json", result.contentType());
        assertTrue(result.json().get("detail").asText().contains("[jsonl, csv]"), result.body());
        assertEquals(400, kernel.get("/api/v1/tenants/exporter/audit/export?format=xlsx", admin.secret()).status());
        assertEquals(400, kernel.get("/api/v1/tenants/exporter/audit/export?from=soon", admin.secret()).status());
    }

    @Test
    void exportLargerThanOneDatabasePageIsCompleteAndTheLongChainVerifies() throws Exception {
        String bulk = kernel.createTenant("bulk");
        int keys = AuditExport.PAGE_SIZE + 100;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<HttpResult>> results = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                String name = "bulk " + i;
                results.add(pool.submit(() -> kernel.post("/api/v1/tenants/" + bulk + "/api-keys", kernel.adminToken(),
                                                          Map.of("name", name, "role", "tenant-user"))));
            }
            for (Future<HttpResult> result : results) {
                assertEquals(201, result.get().status(), result.get().body());
            }
        }
        List<JsonNode> lines = jsonLines(kernel.get("/api/v1/tenants/bulk/audit/export", kernel.adminToken()).body());
        assertEquals(keys + 1, lines.size());
        assertEquals(keys + 1, lines.stream().map(r -> r.get("id").asText()).distinct().count());
        assertEquals(keys + 2, CsvReader.parse(kernel.get("/api/v1/tenants/bulk/audit/export?format=csv", kernel.adminToken()).body()).size());

        JsonNode verification = kernel.get("/api/v1/tenants/bulk/audit/verify", kernel.adminToken()).json();
        assertTrue(verification.get("valid").asBoolean(), verification.toString());
        assertEquals(keys + 1, verification.get("chains").get(0).get("records").asLong());
    }

    private static List<JsonNode> jsonLines(String body) {
        assertTrue(body.isEmpty() || body.endsWith("\n"), "every line ends with a newline");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                try {
                    lines.add(Json.MAPPER.readTree(line));
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return lines;
    }
}
