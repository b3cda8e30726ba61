package io.voicecore.kernel.plugins.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.audit.DeniedRequestAuditor;
import io.voicecore.kernel.crypto.SecretBox;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Json;
import io.voicecore.kernel.http.ProblemMapper;
import io.voicecore.kernel.http.RateLimiter;
import io.voicecore.kernel.http.RequestFilter;
import io.voicecore.kernel.identity.AdminToken;
import io.voicecore.kernel.identity.ApiKeyService;
import io.voicecore.kernel.identity.KernelAuthenticator;
import io.voicecore.kernel.identity.SessionService;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.tenancy.TenantDirectory;
import io.voicecore.kernel.tenancy.TenantRepository;
import io.voicecore.kernel.tenancy.TenantResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/tenants/{tenant}/usage} over real HTTP: the kernel's own API pipeline (authentication,
 * rate limit, problem+json) with the usage routes registered, over a real database.
 */
class UsageApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN_TOKEN = "usage-admin-" + UUID.randomUUID();

    static CapabilityFixture fixture;
    static WebServer server;
    static InProcessSharedState state;
    static UsageMeter usage;
    static ApiKeyService apiKeys;
    static UUID acme;
    static UUID globex;

    @BeforeAll
    static void start() {
        fixture = CapabilityFixture.open();
        var database = fixture.database();
        Clock clock = Clock.systemUTC();
        state = new InProcessSharedState();
        AuditLog audit = new AuditLog(clock);
        TenantDirectory directory = new TenantDirectory(database, new TenantRepository(), new NearCache("tenants", state, Duration.ofSeconds(30), 10_000, clock));
        apiKeys = new ApiKeyService(database, audit, state, directory, new NearCache("api-keys", state, Duration.ofSeconds(30), 10_000, clock), clock);
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        SessionService sessions = new SessionService(database, SessionService.establishSigningKey(database, SecretBox.ofKey(masterKey)),
                                                     state, clock, Duration.ofHours(1));
        usage = new UsageMeter(database, clock);
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new RequestFilter(new RequestMetrics()));
        ApiRoutes api = new ApiRoutes(routing, new KernelAuthenticator(AdminToken.establish(database, Optional.of(ADMIN_TOKEN), t -> { }),
                                                                       apiKeys, sessions),
                                      new RateLimiter(state, 10_000, 60, clock), 1 << 20, new DeniedRequestAuditor(database, audit), ProblemMapper.NONE);
        new UsageRoutes(usage, new TenantResolver(database, new TenantRepository(), directory), clock).register(api);
        api.finish();
        server = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
        acme = fixture.tenant("acme");
        globex = fixture.tenant("globex");
    }

    @AfterAll
    static void stop() {
        server.stop();
        state.close();
        fixture.close();
    }

    @Test
    void tenantAdminsSeeTheirTenantsTotals() throws Exception {
        usage.record(acme, "ai", "ai.tokens", 1500, "token");
        usage.record(acme, "ai", "ai.tokens", 500, "token");
        usage.record(acme, "crm", "egress.requests", 1, "request");
        usage.record(globex, "ai", "ai.tokens", 99, "token");
        String acmeAdmin = key(acme, Role.TENANT_ADMIN);
        String from = Instant.now().minusSeconds(3600).toString();
        String to = Instant.now().plusSeconds(3600).toString();

        Reply reply = get("/api/v1/tenants/acme/usage?from=" + from + "&to=" + to, acmeAdmin);
        assertEquals(200, reply.status(), reply.body());
        JsonNode json = Json.MAPPER.readTree(reply.body());
        assertEquals(acme.toString(), json.get("tenantId").asText());
        assertEquals(from, json.get("from").asText());
        assertEquals(to, json.get("to").asText());
        JsonNode totals = json.get("totals");
        assertEquals(2, totals.size(), reply.body());
        assertEquals("ai", totals.get(0).get("plugin").asText());
        assertEquals("ai.tokens", totals.get(0).get("meter").asText());
        assertEquals("token", totals.get(0).get("unit").asText());
        assertEquals(2000, totals.get(0).get("quantity").asLong());
        assertEquals(2, totals.get(0).get("records").asLong());
        assertEquals("egress.requests", totals.get(1).get("meter").asText());

        Reply asPlatform = get("/api/v1/tenants/" + globex + "/usage", ADMIN_TOKEN);
        assertEquals(200, asPlatform.status(), asPlatform.body());
        JsonNode platformView = Json.MAPPER.readTree(asPlatform.body());
        assertEquals(99, platformView.get("totals").get(0).get("quantity").asLong());
        Instant monthStart = Instant.now().atOffset(ZoneOffset.UTC).with(TemporalAdjusters.firstDayOfMonth())
                .truncatedTo(ChronoUnit.DAYS).toInstant();
        assertEquals(monthStart, Instant.parse(platformView.get("from").asText()), "from defaults to the start of the month");
    }

    @Test
    void otherRolesAndOtherTenantsAreRefused() {
        String acmeUser = key(acme, Role.TENANT_USER);
        String globexAdmin = key(globex, Role.TENANT_ADMIN);
        Reply user = get("/api/v1/tenants/acme/usage", acmeUser);
        assertEquals(403, user.status(), user.body());
        assertTrue(user.body().contains("tenant-admin"), user.body());
        Reply otherTenant = get("/api/v1/tenants/acme/usage", globexAdmin);
        assertEquals(404, otherTenant.status(), otherTenant.body());
        assertEquals(401, get("/api/v1/tenants/acme/usage", null).status());
    }

    @Test
    void unusableWindowsAreBadRequests() {
        String acmeAdmin = key(acme, Role.TENANT_ADMIN);
        Reply notAnInstant = get("/api/v1/tenants/acme/usage?from=yesterday", acmeAdmin);
        assertEquals(400, notAnInstant.status());
        assertTrue(notAnInstant.body().contains("ISO-8601"), notAnInstant.body());
        Reply backwards = get("/api/v1/tenants/acme/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", acmeAdmin);
        assertEquals(400, backwards.status());
        assertTrue(backwards.body().contains("must be before"), backwards.body());
    }

    private record Reply(int status, String body) {
    }

    private static String key(UUID tenant, Role role) {
        return apiKeys.create(tenant, "usage-test", role, AdminToken.principal()).secret();
    }

    private static Reply get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
