package io.voicecore.kernel.plugins.egress;

import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import static io.voicecore.kernel.plugins.CapabilityFixture.call;
import static io.voicecore.kernel.plugins.CapabilityFixture.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.identity.AdminToken;
import io.voicecore.kernel.observe.RequestMetrics;
import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.plugins.CapabilityFixture.Audited;
import io.voicecore.kernel.plugins.PluginManifest;
import io.voicecore.kernel.plugins.PluginManifest.ConfigProperty;
import io.voicecore.kernel.plugins.PluginManifest.ConfigSchema;
import io.voicecore.kernel.plugins.PluginManifest.Permission;
import io.voicecore.kernel.plugins.config.PluginConfigs;
import io.voicecore.kernel.plugins.usage.UsageMeter;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.EgressException;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.capability.EgressResponse;
import io.voicecore.sdk.capability.HttpEgress;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plugins' outbound HTTP through the kernel, against real HTTP servers on 127.0.0.1. */
class EgressGatewayTest {
    private static final long LIMIT = 4096;
    private static final Set<String> EGRESS = Set.of(Permission.HTTP_EGRESS);

    static CapabilityFixture fixture;
    static StandInServer server;
    static UsageMeter usage;
    static PluginConfigs configs;
    static RequestMetrics metrics;
    static EgressGateway gateway;

    @BeforeAll
    static void start() {
        fixture = CapabilityFixture.open();
        Clock clock = Clock.systemUTC();
        AuditLog audit = new AuditLog(clock);
        usage = new UsageMeter(fixture.database(), clock);
        configs = new PluginConfigs(fixture.database(), audit, new NearCache("plugin-config", new InProcessSharedState(), Duration.ofSeconds(30), 10_000, clock), clock);
        metrics = new RequestMetrics();
        gateway = new EgressGateway(fixture.database(), audit, usage, configs, metrics, LIMIT,
                                    PrivateAddressAllowList.parse(List.of(PrivateAddressAllowList.LOOPBACK.split(","))), EgressResolver.SYSTEM);
        server = new StandInServer()
                .on("/ok", StandInServer.text(200, "{\"answer\":42}"))
                .on("/redirect", exchange -> {
                    exchange.getResponseHeaders().add("Location", server.url("/redirect-target"));
                    exchange.sendResponseHeaders(302, -1);
                })
                .on("/redirect-away", exchange -> {
                    exchange.getResponseHeaders().add("Location", "https://elsewhere.example/steal");
                    exchange.sendResponseHeaders(307, -1);
                })
                .on("/redirect-target", StandInServer.text(200, "followed"))
                .on("/exactly-limit", StandInServer.bytes((int) LIMIT, false))
                .on("/big-chunked", StandInServer.bytes(64 * 1024, false))
                .on("/big-declared", StandInServer.bytes(64 * 1024, true))
                .on("/slow", exchange -> {
                    Thread.sleep(5000);
                    StandInServer.text(200, "late").answer(exchange);
                })
                .on("/dribble", exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    exchange.getResponseBody().write("first part".getBytes(StandardCharsets.UTF_8));
                    exchange.getResponseBody().flush();
                    Thread.sleep(5000);
                    exchange.getResponseBody().write("too late".getBytes(StandardCharsets.UTF_8));
                });
    }

    @AfterAll
    static void stop() {
        gateway.close();
        server.close();
        fixture.close();
    }

    @Test
    void manyConcurrentCallsOfOneTenantAreAllAuditedInOneValidChainAndMetered() throws Exception {
        UUID tenant = fixture.tenant("egress-concurrent");
        PluginManifest crm = manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty());
        int calls = 48;
        List<java.util.concurrent.Future<EgressResponse>> sent = new java.util.ArrayList<>();
        try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                String path = "/ok?n=" + i;
                sent.add(callers.submit(() -> gateway.forCall(call(tenant, crm)).send(EgressRequest.get(URI.create(server.url(path))))));
            }
        }
        for (var response : sent) {
            assertEquals(200, response.get().status());
        }
        List<Audited> audited = fixture.audit(tenant, "plugin.egress");
        assertEquals(calls, audited.size(), "every call that returned is in the audit log");
        var chain = new io.voicecore.kernel.audit.AuditChainVerifier(fixture.database()).verifyTenant(tenant);
        assertTrue(chain.valid(), chain.toString());
        assertEquals(calls, chain.records());
        BigInteger requests = usage.totals(tenant, Instant.EPOCH, Instant.now().plusSeconds(60)).stream()
                .filter(total -> total.meter().equals("egress.requests")).map(UsageMeter.Total::quantity).findFirst().orElseThrow();
        assertEquals(BigInteger.valueOf(calls), requests, "each call's usage commits with its audit record");
    }

    @Test
    void anExactlyListedHostIsCalledMeteredAndAudited() {
        UUID tenant = fixture.tenant("egress-ok");
        PluginManifest crm = manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty());
        HttpEgress http = gateway.forCall(call(tenant, crm));
        int before = server.received("/ok").size();

        EgressResponse response = http.send(EgressRequest.post(URI.create(server.url("/ok?token=query-secret")), "text/plain", "hello")
                                                    .withHeader("X-Api-Key", "header-secret"));

        assertEquals(200, response.status());
        assertEquals("{\"answer\":42}", response.bodyText());
        assertEquals(Optional.of("text/plain; charset=utf-8"), response.header("Content-Type"));
        assertTrue(response.headers().keySet().stream().allMatch(name -> name.equals(name.toLowerCase())), "header names in lower case");
        List<StandInServer.Received> received = server.received("/ok");
        assertEquals(before + 1, received.size());
        StandInServer.Received request = received.getLast();
        assertEquals("POST", request.method());
        assertEquals("hello", request.bodyText());
        assertEquals("token=query-secret", request.query());
        assertEquals(List.of("header-secret"), request.headers().get("X-api-key"));
        assertEquals(List.of("VoiceCore-Plugin/crm"), request.headers().get("User-agent"));

        List<UsageMeter.Total> totals = usage.totals(tenant, Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
        assertEquals(List.of(new UsageMeter.Total("crm", "egress.bytes", "byte", BigInteger.valueOf(5 + 13), 1),
                             new UsageMeter.Total("crm", "egress.requests", "request", BigInteger.ONE, 1)), totals);

        List<Audited> audited = fixture.audit(tenant, EgressGateway.ACTION);
        assertEquals(1, audited.size());
        Audited record = audited.getFirst();
        assertEquals("127.0.0.1", record.target());
        assertEquals("success", record.outcome());
        assertEquals("plugin:crm", record.actor());
        assertEquals("POST", record.details().get("method"));
        assertEquals("/ok", record.details().get("path"));
        assertEquals(200, record.details().get("status"));
        assertEquals(18, record.details().get("bytes"));
        assertTrue(record.details().get("durationMs") instanceof Number);
        for (String never : List.of("query-secret", "header-secret", "hello", "answer")) {
            assertFalse(record.raw().contains(never), "the audit record holds no query, header or body: " + record.raw());
        }
    }

    @Test
    void anUndeclaredHostIsRefusedAndNothingIsSent() {
        UUID tenant = fixture.tenant("egress-undeclared");
        PluginManifest crm = manifest("crm", EGRESS, List.of("api.example.com", "localhost"), ConfigSchema.empty());
        int before = server.received().size();
        String deniedBefore = counter(EgressGateway.DENIED_COUNTER);

        PermissionDeniedException refused = assertThrows(PermissionDeniedException.class, () ->
                gateway.forCall(call(tenant, crm)).send(EgressRequest.get(URI.create(server.url("/ok")))));

        assertEquals(Permission.HTTP_EGRESS, refused.permission());
        assertTrue(refused.getMessage().contains("'127.0.0.1'") && refused.getMessage().contains("api.example.com")
                   && refused.getMessage().contains("localhost"), refused.getMessage());
        assertEquals(before, server.received().size(), "the stand-in received nothing");
        assertEquals(List.of(), usage.totals(tenant, Instant.EPOCH, Instant.now().plusSeconds(60)), "nothing is metered");
        List<Audited> audited = fixture.audit(tenant, EgressGateway.ACTION);
        assertEquals(1, audited.size());
        assertEquals("denied", audited.getFirst().outcome());
        assertEquals("127.0.0.1", audited.getFirst().target());
        assertEquals("/ok", audited.getFirst().details().get("path"));
        assertEquals(Long.parseLong(deniedBefore) + 1, Long.parseLong(counter(EgressGateway.DENIED_COUNTER)));
    }

    @Test
    void httpsIsRequiredExceptForLoopbackHostsListedExactly() {
        UUID tenant = fixture.tenant("egress-https");
        PluginManifest crm = manifest("crm", EGRESS, List.of("api.example.com", "*.example.org"), ConfigSchema.empty());
        HttpEgress http = gateway.forCall(call(tenant, crm));

        PermissionDeniedException plain = assertThrows(PermissionDeniedException.class,
                () -> http.send(EgressRequest.get(URI.create("http://api.example.com/contacts"))));
        assertTrue(plain.getMessage().contains("https"), plain.getMessage());
        PermissionDeniedException wildcard = assertThrows(PermissionDeniedException.class,
                () -> http.send(EgressRequest.get(URI.create("http://eu.example.org/contacts"))));
        assertTrue(wildcard.getMessage().contains("https"), wildcard.getMessage());
        PermissionDeniedException ftp = assertThrows(PermissionDeniedException.class,
                () -> http.send(EgressRequest.get(URI.create("ftp://api.example.com/file"))));
        assertTrue(ftp.getMessage().contains("'ftp'"), ftp.getMessage());
        assertThrows(PermissionDeniedException.class, () -> http.send(EgressRequest.get(URI.create("/relative/path"))));

        PermissionDeniedException userInfo = assertThrows(PermissionDeniedException.class,
                () -> http.send(EgressRequest.get(URI.create("https://user:pa55word@api.example.com/"))));
        assertTrue(userInfo.getMessage().contains("user info"), userInfo.getMessage());
        assertFalse(userInfo.getMessage().contains("pa55word"), userInfo.getMessage());
        PermissionDeniedException trick = assertThrows(PermissionDeniedException.class,
                () -> http.send(EgressRequest.get(URI.create("https://api.example.com@evil.example/"))));
        assertFalse(trick.getMessage().contains("'api.example.com'"), trick.getMessage());

        // Loopback through a wildcard is not "listed exactly".
        PluginManifest wildcardLoopback = manifest("crm", EGRESS, List.of("*.localhost", "*.0.0.1"), ConfigSchema.empty());
        assertThrows(PermissionDeniedException.class, () -> gateway.forCall(call(tenant, wildcardLoopback))
                .send(EgressRequest.get(URI.create(server.url("/ok")))));
        for (Audited record : fixture.audit(tenant, EgressGateway.ACTION)) {
            assertEquals("denied", record.outcome());
            assertFalse(record.raw().contains("pa55word"), record.raw());
        }
    }

    @Test
    void withoutTheGrantOrTheDeclarationNothingIsSent() {
        UUID tenant = fixture.tenant("egress-ungranted");
        int before = server.received().size();
        PluginManifest declared = manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty());
        PermissionDeniedException notGranted = assertThrows(PermissionDeniedException.class, () ->
                gateway.forCall(call(tenant, declared, Set.of())).send(EgressRequest.get(URI.create(server.url("/ok")))));
        assertEquals(Permission.HTTP_EGRESS, notGranted.permission());
        assertTrue(notGranted.getMessage().contains("not granted"), notGranted.getMessage());

        PluginManifest undeclared = manifest("crm", Set.of(Permission.STORAGE), List.of("127.0.0.1"), ConfigSchema.empty());
        PermissionDeniedException notDeclared = assertThrows(PermissionDeniedException.class, () ->
                gateway.forCall(call(tenant, undeclared, Set.of(Permission.STORAGE, Permission.HTTP_EGRESS)))
                        .send(EgressRequest.get(URI.create(server.url("/ok")))));
        assertTrue(notDeclared.getMessage().contains("does not declare"), notDeclared.getMessage());
        assertEquals(before, server.received().size());
        assertEquals(2, fixture.audit(tenant, EgressGateway.ACTION).stream().filter(r -> r.outcome().equals("denied")).count());
    }

    @Test
    void aConfiguredHostIsAllowedOnlyForTheTenantThatConfiguredIt() {
        UUID tenantA = fixture.tenant("egress-config-a");
        UUID tenantB = fixture.tenant("egress-config-b");
        UUID tenantC = fixture.tenant("egress-config-c");
        ConfigSchema schema = new ConfigSchema(Map.of(
                "instanceUrl", new ConfigProperty("url", false, Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                                                  Optional.empty(), "Your CRM's address"),
                "label", new ConfigProperty("string", false, Optional.of("localhost"), List.of(), Optional.empty(),
                                            Optional.empty(), Optional.empty(), "not a URL")));
        PluginManifest crm = manifest("crm", EGRESS, List.of("${config.instanceUrl}", "${config.label}"), schema);
        configs.put(tenantA, crm, Json.parse("{\"instanceUrl\": \"http://127.0.0.1:" + server.port() + "\"}"), AdminToken.principal());
        configs.put(tenantB, crm, Json.parse("{\"instanceUrl\": \"http://localhost:" + server.port() + "\"}"), AdminToken.principal());
        HttpEgress asA = gateway.forCall(call(tenantA, crm));
        HttpEgress asB = gateway.forCall(call(tenantB, crm));
        String viaIp = server.url("/ok");
        String viaName = "http://localhost:" + server.port() + "/ok";

        assertEquals(200, asA.send(EgressRequest.get(URI.create(viaIp))).status());
        assertEquals(200, asB.send(EgressRequest.get(URI.create(viaName))).status());
        int before = server.received().size();
        PermissionDeniedException aToB = assertThrows(PermissionDeniedException.class, () -> asA.send(EgressRequest.get(URI.create(viaName))));
        assertTrue(aToB.getMessage().contains("${config.instanceUrl} (= 127.0.0.1)"), aToB.getMessage());
        assertThrows(PermissionDeniedException.class, () -> asB.send(EgressRequest.get(URI.create(viaIp))));
        PermissionDeniedException unset = assertThrows(PermissionDeniedException.class,
                () -> gateway.forCall(call(tenantC, crm)).send(EgressRequest.get(URI.create(viaIp))));
        assertTrue(unset.getMessage().contains("(= not set)"), unset.getMessage());
        assertEquals(before, server.received().size(), "refused calls send nothing");
    }

    @Test
    void redirectsAreReturnedNotFollowed() {
        UUID tenant = fixture.tenant("egress-redirect");
        HttpEgress http = gateway.forCall(call(tenant, manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty())));

        EgressResponse toAllowed = http.send(EgressRequest.get(URI.create(server.url("/redirect"))));
        assertEquals(302, toAllowed.status());
        assertEquals(Optional.of(server.url("/redirect-target")), toAllowed.header("Location"));
        EgressResponse toElsewhere = http.send(EgressRequest.get(URI.create(server.url("/redirect-away"))));
        assertEquals(307, toElsewhere.status());
        assertEquals(Optional.of("https://elsewhere.example/steal"), toElsewhere.header("location"));
        assertEquals(List.of(), server.received("/redirect-target"), "not even an allowed target is followed");
        List<Audited> audited = fixture.audit(tenant, EgressGateway.ACTION);
        assertEquals(List.of(302, 307), audited.stream().map(r -> r.details().get("status")).toList());
    }

    @Test
    void aResponseOverTheLimitFailsWhileStreaming() {
        UUID tenant = fixture.tenant("egress-limit");
        HttpEgress http = gateway.forCall(call(tenant, manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty())));

        assertEquals(LIMIT, http.send(EgressRequest.get(URI.create(server.url("/exactly-limit")))).body().length);
        EgressException chunked = assertThrows(EgressException.class,
                () -> http.send(EgressRequest.get(URI.create(server.url("/big-chunked")))));
        assertTrue(chunked.getMessage().contains("exceeds the limit of " + LIMIT + " bytes"), chunked.getMessage());
        EgressException declared = assertThrows(EgressException.class,
                () -> http.send(EgressRequest.get(URI.create(server.url("/big-declared")))));
        assertTrue(declared.getMessage().contains("exceeds the limit of " + LIMIT + " bytes"), declared.getMessage());

        List<Audited> failures = fixture.audit(tenant, EgressGateway.ACTION).stream().filter(r -> r.outcome().equals("failed")).toList();
        assertEquals(2, failures.size());
        assertTrue(failures.stream().allMatch(r -> r.details().get("error").equals("response-too-large")));
        assertTrue(failures.stream().allMatch(r -> ((Number) r.details().get("bytes")).longValue() <= LIMIT + 64 * 1024));
        BigInteger requests = usage.totals(tenant, Instant.EPOCH, Instant.now().plusSeconds(60)).stream()
                .filter(t -> t.meter().equals("egress.requests")).findFirst().orElseThrow().quantity();
        assertEquals(BigInteger.valueOf(3), requests, "failed calls were sent, so they are metered");
    }

    @Test
    void aSlowServerTimesOutWithinTheBound() {
        UUID tenant = fixture.tenant("egress-timeout");
        HttpEgress http = gateway.forCall(call(tenant, manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty())));

        long started = System.nanoTime();
        EgressException noAnswer = assertThrows(EgressException.class,
                () -> http.send(EgressRequest.get(URI.create(server.url("/slow"))).withTimeout(Duration.ofMillis(500))));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(waitedMillis >= 450 && waitedMillis < 2500, "timed out after " + waitedMillis + " ms");
        assertTrue(noAnswer.getMessage().contains("within 500 ms"), noAnswer.getMessage());

        // The limit covers the whole call, including a body that trickles in after the headers.
        started = System.nanoTime();
        EgressException trickle = assertThrows(EgressException.class,
                () -> http.send(EgressRequest.get(URI.create(server.url("/dribble"))).withTimeout(Duration.ofMillis(700))));
        waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(waitedMillis >= 650 && waitedMillis < 2500, "timed out after " + waitedMillis + " ms");
        assertTrue(trickle.getMessage().contains("within 700 ms"), trickle.getMessage());
        assertEquals(2, fixture.audit(tenant, EgressGateway.ACTION).stream()
                .filter(r -> "timeout".equals(r.details().get("error"))).count());
    }

    @Test
    void theWholeCallIsCappedAtThirtySeconds() {
        assertEquals(Duration.ofSeconds(30), EgressGateway.callTimeout(Duration.ofMinutes(10)));
        assertEquals(Duration.ofSeconds(30), EgressGateway.callTimeout(null));
        assertEquals(Duration.ofSeconds(2), EgressGateway.callTimeout(Duration.ofSeconds(2)));
        assertThrows(IllegalArgumentException.class, () -> EgressGateway.callTimeout(Duration.ZERO));
    }

    @Test
    void connectionHeadersFromThePluginAreRefusedBeforeSending() {
        UUID tenant = fixture.tenant("egress-headers");
        HttpEgress http = gateway.forCall(call(tenant, manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty())));
        int before = server.received().size();
        for (String header : List.of("Host", "connection", "Transfer-Encoding", "Upgrade", "Proxy-Authorization", "TE", "Content-Length")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> http.send(EgressRequest.get(URI.create(server.url("/ok"))).withHeader(header, "x")));
            assertTrue(refused.getMessage().contains(header), refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> http.send(new EgressRequest("TRACE", URI.create(server.url("/ok")),
                                                                                        Map.of(), new byte[0], Duration.ofSeconds(1))));
        assertEquals(before, server.received().size());
    }

    @Test
    void aRefusedConnectionIsAnEgressException() {
        UUID tenant = fixture.tenant("egress-refused");
        HttpEgress http = gateway.forCall(call(tenant, manifest("crm", EGRESS, List.of("127.0.0.1"), ConfigSchema.empty())));
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        EgressException refused = assertThrows(EgressException.class,
                () -> http.send(EgressRequest.get(URI.create("http://127.0.0.1:" + closedPort + "/"))));
        assertTrue(refused.getMessage().contains("127.0.0.1") && refused.getMessage().contains("connect"), refused.getMessage());
    }

    private static String counter(String name) {
        return metrics.prometheusText().lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> line.substring(name.length() + 1)).orElse("0");
    }
}
