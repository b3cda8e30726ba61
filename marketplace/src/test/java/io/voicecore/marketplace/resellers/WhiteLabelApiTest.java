package io.voicecore.marketplace.resellers;

import static io.voicecore.marketplace.MarketplaceFixture.kernel;
import static io.voicecore.marketplace.MarketplaceFixture.marketplace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.plugins.egress.PrivateAddressAllowList;
import io.voicecore.kernel.testing.HttpResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * White label: a reseller's branding, its custom domains proven by DNS or HTTP (through resolvers of the test's own, so no
 * real DNS is asked), the public branding of a host, and the sweep that nothing on a verified domain names the platform.
 */
class WhiteLabelApiTest {
    /** TXT records by name, as the test publishes them. */
    private static final Map<String, List<String>> TXT = new ConcurrentHashMap<>();
    /** Tokens the stand-in web server of every domain serves at the well-known path. */
    private static final Map<String, String> SERVED = new ConcurrentHashMap<>();
    private static HttpServer domainServer;

    @BeforeAll
    static void proofsThroughTheTestsResolvers() throws IOException {
        domainServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        domainServer.createContext(DomainProofs.WELL_KNOWN_PATH, exchange -> {
            String token = exchange.getRequestURI().getPath().substring(DomainProofs.WELL_KNOWN_PATH.length());
            String host = exchange.getRequestHeaders().getFirst("Host");
            boolean serves = token.equals(SERVED.get(host));
            byte[] body = (serves ? token : "not here").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(serves ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        domainServer.start();
        // Every name resolves to the loopback interface, which the test kernels allow as the operator's exception.
        marketplace().resellerDomains().useProofs(new DomainProofs(name -> TXT.getOrDefault(name, List.of()),
                host -> List.of(InetAddress.getLoopbackAddress()), PrivateAddressAllowList.parse(List.of(PrivateAddressAllowList.LOOPBACK.split(","))),
                domainServer.getAddress().getPort(), Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stopTheDomainServer() {
        domainServer.stop(0);
    }

    @Test
    void aResellerSetsItsBrandingAndEveryBadFieldIsNamed() {
        Map<String, String> reseller = reseller("brand");
        String path = "/api/v1/resellers/" + reseller.get("id") + "/branding";
        HttpResult refused = kernel().put(path, reseller.get("key"), Map.of("productName", "", "logoUrl", "http://logo.example/x.png",
                "colours", Map.of("primary", "red", "accent", "#12345"), "assistantName", "R2-D2 <script>", "supportEmail", "nobody",
                "senderName", "x".repeat(61)));
        assertEquals(422, refused.status(), refused.body());
        List<String> fields = fields(refused.json());
        assertEquals(List.of("assistantName", "colours.accent", "colours.primary", "logoUrl", "productName", "senderName", "supportEmail"),
                     fields.stream().sorted().toList(), refused.body());
        assertEquals(Map.of(), Json.MAPPER.convertValue(kernel().get(path, reseller.get("key")).json(), Map.class), "nothing was written");

        Map<String, Object> branding = nordicBranding();
        HttpResult saved = kernel().put(path, reseller.get("key"), branding);
        assertEquals(200, saved.status(), saved.body());
        HttpResult read = kernel().get(path, reseller.get("key"));
        assertEquals(200, read.status(), read.body());
        assertEquals(Json.MAPPER.valueToTree(branding), read.json());
        assertEquals(200, kernel().get(path, kernel().adminToken()).status(), "the platform admin reads it too");
        Map<String, String> other = reseller("brand-other");
        assertEquals(404, kernel().get(path, other.get("key")).status(), "another reseller's branding does not exist for it");
        assertEquals(404, kernel().put(path, other.get("key"), branding).status());
    }

    @Test
    void domainsAreNormalisedAndIpAddressesAndWildcardsRefused() {
        Map<String, String> reseller = reseller("norm");
        String path = "/api/v1/resellers/" + reseller.get("id") + "/domains";
        HttpResult claimed = kernel().post(path, reseller.get("key"), Map.of("domain", "Reception.Bücher-Norm.Example.:8443"));
        assertEquals(201, claimed.status(), claimed.body());
        assertEquals("reception.xn--bcher-norm-9db.example", claimed.json().get("domain").asText());
        assertEquals("pending", claimed.json().get("status").asText());
        assertEquals(200, kernel().post(path, reseller.get("key"), Map.of("domain", "reception.xn--bcher-norm-9db.example")).status(),
                     "claiming again answers the same claim");
        for (String bad : List.of("10.0.0.1", "*.norm.example", "localhost", "norm.example/path", "user@norm.example", "[::1]", "a..b")) {
            HttpResult refused = kernel().post(path, reseller.get("key"), Map.of("domain", bad));
            assertEquals(422, refused.status(), bad + ": " + refused.body());
            assertEquals(List.of("domain"), fields(refused.json()), refused.body());
        }
        assertEquals(1, kernel().get(path, reseller.get("key")).json().get("items").size());
    }

    @Test
    void aDomainProvenByDnsServesTheResellersBrandingAndNothingThereNamesThePlatform() throws IOException {
        Map<String, String> reseller = reseller("dns");
        String key = reseller.get("key");
        String base = "/api/v1/resellers/" + reseller.get("id");
        assertEquals(200, kernel().put(base + "/branding", key, nordicBranding()).status());
        String domain = "reception.dns-nordic.example";
        JsonNode claim = kernel().post(base + "/domains", key, Map.of("domain", domain)).json();
        String token = claim.get("token").asText();
        assertEquals("_domain-proof." + domain, claim.at("/proof/dns/name").asText());
        assertEquals("http://" + domain + "/.well-known/domain-proof/" + token, claim.at("/proof/http/url").asText());

        Raw before = raw("GET", "/api/v1/branding", domain, null, null);
        assertEquals(200, before.status(), before.body());
        assertNotEquals("Nordic Reception", before.json().get("productName").asText(), "an unverified domain gets no reseller's branding");
        assertEquals("VoiceCore", before.json().get("productName").asText());

        HttpResult unproven = kernel().post(base + "/domains/" + domain + "/verification", key, null);
        assertEquals(422, unproven.status(), unproven.body());
        assertTrue(unproven.body().contains("_domain-proof." + domain), unproven.body());

        TXT.put("_domain-proof." + domain, List.of("some-other-record", token));
        HttpResult verified = kernel().post(base + "/domains/" + domain + "/verification", key, null);
        assertEquals(200, verified.status(), verified.body());
        assertEquals("verified", verified.json().get("status").asText());

        Raw branded = raw("GET", "/api/v1/branding", domain + ":" + kernel().port(), null, null);
        assertEquals(200, branded.status(), branded.body());
        assertEquals("Nordic Reception", branded.json().get("productName").asText());
        assertEquals("Sara", branded.json().get("assistantName").asText());
        assertEquals("https://cdn.nordicvoice.example/logo.svg", branded.json().get("logoUrl").asText());

        // The sweep: answers and errors on the reseller's domain carry its name, never the platform's.
        List<Raw> sweep = List.of(branded,
                raw("GET", "/openapi", domain, null, null),
                raw("GET", "/observe/health", domain, null, null),
                raw("GET", base + "/branding", domain, null, null),
                raw("GET", "/api/v1/resellers/not-there", domain, key, null),
                raw("GET", "/api/v1/no-such-route", domain, null, null),
                raw("PUT", base + "/branding", domain, key, "{\"logoUrl\":\"ftp://x\"}"),
                raw("POST", base + "/domains", domain, key, "not json"));
        assertEquals(List.of(200, 200, 200, 401, 404, 404, 422, 400), sweep.stream().map(Raw::status).toList(),
                     sweep.stream().map(Raw::body).toList().toString());
        for (Raw answer : sweep) {
            assertFalse(answer.text().toLowerCase(Locale.ROOT).contains("voicecore"), answer.text());
        }
        assertTrue(sweep.get(1).body().contains("title: Nordic Reception API"), "the API description carries the reseller's name");
        assertTrue(sweep.get(6).body().contains("\"type\":\"urn:problem:validation\""), sweep.get(6).body());
        // The same requests elsewhere still name the platform: the white label is the domain's, not the server's.
        assertTrue(raw("GET", "/api/v1/no-such-route", "127.0.0.1", null, null).body().contains("urn:voicecore:problem:"));

        Map<String, String> rival = reseller("dns-rival");
        String rivalBase = "/api/v1/resellers/" + rival.get("id");
        assertEquals(409, kernel().post(rivalBase + "/domains", rival.get("key"), Map.of("domain", domain)).status(),
                     "a domain verified by one reseller is claimed by no other");

        assertEquals(204, kernel().delete(base + "/domains/" + domain, key).status());
        assertEquals("VoiceCore", raw("GET", "/api/v1/branding", domain, null, null).json().get("productName").asText(),
                     "a released domain serves the reseller's branding no more");
        assertEquals(201, kernel().post(rivalBase + "/domains", rival.get("key"), Map.of("domain", domain)).status(),
                     "once released, another reseller may claim it");
        assertEquals(404, kernel().delete(base + "/domains/" + domain, key).status());
    }

    @Test
    void aDomainProvenOverHttpIsVerifiedUnlessItResolvesToAnAddressTheOperatorDoesNotAllow() throws IOException {
        Map<String, String> reseller = reseller("http");
        String base = "/api/v1/resellers/" + reseller.get("id");
        String domain = "reception.http-nordic.example";
        String token = kernel().post(base + "/domains", reseller.get("key"), Map.of("domain", domain)).json().get("token").asText();

        HttpResult notServed = kernel().post(base + "/domains/" + domain + "/verification", reseller.get("key"), null);
        assertEquals(422, notServed.status(), notServed.body());
        assertTrue(notServed.body().contains("404"), notServed.body());

        SERVED.put(domain, token);
        DomainProofs strict = new DomainProofs(name -> List.of(), host -> List.of(InetAddress.getLoopbackAddress()),
                                               PrivateAddressAllowList.none(), domainServer.getAddress().getPort(), Duration.ofSeconds(2));
        DomainProofs.Outcome refused = strict.check(domain, token);
        assertFalse(refused.proven(), "a domain on a private address is not reached without the operator's exception");
        assertTrue(refused.findings().toString().contains("not public"), refused.findings().toString());

        HttpResult verified = kernel().post(base + "/domains/" + domain + "/verification", reseller.get("key"), null);
        assertEquals(200, verified.status(), verified.body());
        assertEquals("verified", verified.json().get("status").asText());
        assertEquals(reseller.get("name"), raw("GET", "/api/v1/branding", domain, null, null).json().get("productName").asText(),
                     "without a branding of its own, the reseller's name stands for the product");
    }

    @Test
    void aTenantsBrandingIsItsResellersOverriddenByItsBundleAndTheDirectTenantsThePlatforms() throws Exception {
        Map<String, String> reseller = reseller("eff");
        assertEquals(200, kernel().put("/api/v1/resellers/" + reseller.get("id") + "/branding", reseller.get("key"),
                                       nordicBranding()).status());
        UUID bundled = UUID.fromString(kernel().createTenant("eff-bundled"));
        UUID plain = UUID.fromString(kernel().createTenant("eff-plain"));
        UUID direct = UUID.fromString(kernel().createTenant("eff-direct"));
        UUID bundle = UUID.randomUUID();
        UUID resellerId = UUID.fromString(reseller.get("id"));
        try (Connection owner = kernel().ownerConnection()) {
            sql(owner, "INSERT INTO marketplace.bundles (id, reseller_id, name) VALUES (?, ?, 'Clinic')", bundle, resellerId);
            sql(owner, "INSERT INTO marketplace.bundle_versions (bundle_id, version, plugins, branding, created_by) VALUES (?, 1, '[]',"
                       + " '{\"assistantName\":\"Maja\",\"colours\":{\"accent\":\"#000000\"}}', 'test')", bundle);
            sql(owner, "INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id, bundle_id, bundle_version) VALUES (?, ?, ?, 1)",
                bundled, resellerId, bundle);
            sql(owner, "INSERT INTO marketplace.reseller_tenants (tenant_id, reseller_id) VALUES (?, ?)", plain, resellerId);
        }
        ResellerBranding brandings = marketplace().resellerBranding();
        Branding ofBundled = brandings.forTenant(bundled);
        assertEquals("Maja", ofBundled.assistantName());
        assertEquals("#000000", ofBundled.accentColour());
        assertEquals("#0a7cff", ofBundled.primaryColour(), "a field the bundle does not set is the reseller's");
        assertEquals("Nordic Reception", ofBundled.productName());
        assertEquals("Sara", brandings.forTenant(plain).assistantName());
        assertEquals(Branding.PLATFORM, brandings.forTenant(direct));
        assertNull(Branding.PLATFORM.supportEmail());
    }

    private static Map<String, Object> nordicBranding() {
        return Map.of("productName", "Nordic Reception", "logoUrl", "https://cdn.nordicvoice.example/logo.svg",
                      "colours", Map.of("primary", "#0a7cff", "accent", "#ffb400"), "assistantName", "Sara",
                      "supportEmail", "help@nordicvoice.example", "senderName", "Nordic Voice");
    }

    private static Map<String, String> reseller(String slug) {
        String unique = slug + "-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "Reseller " + unique;
        HttpResult created = kernel().post("/api/v1/resellers", kernel().adminToken(), Map.of("name", name, "slug", unique));
        assertEquals(201, created.status(), created.body());
        return Map.of("id", created.json().get("id").asText(), "key", created.json().get("apiKey").asText(), "name", name);
    }

    private static List<String> fields(JsonNode problem) {
        List<String> fields = new java.util.ArrayList<>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asText()));
        return fields;
    }

    private static void sql(Connection connection, String sql, Object... params) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }

    /** An answer as it came over the wire: status line and headers as text, and the (de-chunked) body. */
    private record Raw(int status, String head, String body) {
        JsonNode json() {
            return Json.parse(body.getBytes(StandardCharsets.UTF_8));
        }

        String text() {
            return head + "\n" + body;
        }
    }

    /** A request with a Host header of the test's choosing, which Java's HTTP client does not let a caller set. */
    private static Raw raw(String method, String path, String host, String token, String json) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), kernel().port())) {
            socket.setSoTimeout(10_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            if (token != null) {
                request.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (json != null) {
                request.append("Content-Type: application/json\r\n");
            }
            request.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /** Reads one answer, to the end its headers announce: the server may keep the connection open. */
    private static Raw read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] separator = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int split = -1;
        while (split < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the answer ended within its headers");
            }
            received.write(b);
            byte[] sofar = received.toByteArray();
            if (sofar.length >= 4 && java.util.Arrays.equals(sofar, sofar.length - 4, sofar.length, separator, 0, 4)) {
                split = sofar.length - 4;
            }
        }
        String head = received.toString(StandardCharsets.UTF_8).substring(0, split);
        String lower = head.toLowerCase(Locale.ROOT);
        byte[] body;
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("content-length: *([0-9]+)").matcher(lower);
        if (length.find()) {
            body = in.readNBytes(Integer.parseInt(length.group(1)));
        } else if (lower.contains("transfer-encoding: chunked")) {
            ByteArrayOutputStream chunked = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(in);
                int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
                if (size == 0) {
                    line(in);
                    break;
                }
                chunked.write(in.readNBytes(size));
                line(in);
            }
            body = chunked.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Raw(Integer.parseInt(head.split(" ", 3)[1]), head, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
