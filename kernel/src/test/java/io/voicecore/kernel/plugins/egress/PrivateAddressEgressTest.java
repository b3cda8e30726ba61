package io.voicecore.kernel.plugins.egress;

import static io.voicecore.kernel.plugins.CapabilityFixture.call;
import static io.voicecore.kernel.plugins.CapabilityFixture.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.voicecore.kernel.audit.AuditLog;
import io.voicecore.kernel.config.ConfigException;
import io.voicecore.kernel.config.ConfigLoader;
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
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.sdk.PermissionDeniedException;
import io.voicecore.sdk.capability.EgressException;
import io.voicecore.sdk.capability.EgressRequest;
import io.voicecore.sdk.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Egress to private, loopback, link-local and metadata addresses is refused before any connection, for literal addresses
 * and for names that resolve to them. Names are answered by a resolver of the test's own, so no DNS is asked; every
 * connection a test could cause goes to a listener on the loopback interface, which must see nothing.
 */
class PrivateAddressEgressTest {
    private static final Set<String> EGRESS = Set.of(Permission.HTTP_EGRESS);
    private static final ConfigSchema INSTANCE_URL = new ConfigSchema(Map.of("instanceUrl",
            new ConfigProperty("url", false, Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                               "Your CRM's address")));
    private static final PluginManifest CRM = manifest("crm", EGRESS, List.of("${config.instanceUrl}"), INSTANCE_URL);

    static CapabilityFixture fixture;
    static PluginConfigs configs;
    static UsageMeter usage;
    static Listener listener;
    static Listener allowedListener;
    static final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    static EgressGateway strict;
    static EgressGateway allowingOneLoopbackAddress;

    /** Accepts connections on a loopback address and counts them; a refused call must leave the count unchanged. */
    record Listener(ServerSocket socket, AtomicInteger accepted) implements AutoCloseable {
        static Listener on(InetAddress address, int port) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(address, port));
            Listener listener = new Listener(socket, new AtomicInteger());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket accepted = socket.accept()) {
                        listener.accepted().incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return listener;
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @BeforeAll
    static void start() throws IOException {
        fixture = CapabilityFixture.open();
        Clock clock = Clock.systemUTC();
        AuditLog audit = new AuditLog(clock);
        usage = new UsageMeter(fixture.database(), clock);
        configs = new PluginConfigs(fixture.database(), audit, new NearCache("plugin-config", new InProcessSharedState(),
                                                                           Duration.ofSeconds(30), 10_000, clock), clock);
        // Two listeners on one port: 127.0.0.2 is allow-listed in one gateway, 127.0.0.1 in none.
        allowedListener = Listener.on(InetAddress.getByName("127.0.0.2"), 0);
        listener = Listener.on(InetAddress.getByName("127.0.0.1"), allowedListener.port());
        EgressResolver resolver = host -> {
            lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            List<InetAddress> answer = names.get(host);
            if (answer == null) {
                throw new UnknownHostException(host + " (the test's resolver knows only " + names.keySet() + ")");
            }
            return answer;
        };
        // rebind.test answers an allowed address first, and the refused listener's address every time after.
        AtomicInteger rebinds = new AtomicInteger();
        EgressResolver rebinding = host -> host.equals("rebind.test")
                ? List.of(InetAddress.getByName(rebinds.getAndIncrement() == 0 ? "127.0.0.2" : "127.0.0.1"))
                : resolver.resolve(host);
        names.put("crm.internal.test", List.of(InetAddress.getByName("10.0.0.5")));
        names.put("metadata.internal.test", List.of(InetAddress.getByName("169.254.169.254")));
        names.put("metadata6.internal.test", List.of(InetAddress.getByName("fd00:ec2::254")));
        names.put("localhost", List.of(InetAddress.getByName("127.0.0.1")));
        names.put("loopback.test", List.of(InetAddress.getByName("127.0.0.1")));
        names.put("mixed.test", List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")));
        strict = new EgressGateway(fixture.database(), audit, usage, configs, new RequestMetrics(), 4096,
                                   PrivateAddressAllowList.none(), resolver);
        allowingOneLoopbackAddress = new EgressGateway(fixture.database(), audit, usage, configs, new RequestMetrics(), 4096,
                                                       PrivateAddressAllowList.parse(List.of("127.0.0.2/32")), rebinding);
    }

    @AfterAll
    static void stop() throws IOException {
        strict.close();
        allowingOneLoopbackAddress.close();
        listener.close();
        allowedListener.close();
        fixture.close();
    }

    private static PermissionDeniedException refusedFor(EgressGateway gateway, String tenantSlug, String instanceUrl) {
        UUID tenant = fixture.tenant(tenantSlug);
        configs.put(tenant, CRM, Json.object().put("instanceUrl", instanceUrl).build(), AdminToken.principal());
        int before = listener.accepted().get();
        PermissionDeniedException refused = assertThrows(PermissionDeniedException.class,
                () -> gateway.forCall(call(tenant, CRM)).send(EgressRequest.get(URI.create(instanceUrl + "/contacts"))));
        assertEquals(Permission.HTTP_EGRESS, refused.permission());
        assertTrue(refused.getMessage().contains("plugins.egress.allow-private"), refused.getMessage());
        assertEquals(before, listener.accepted().get(), "nothing reached the loopback listener");
        assertEquals(List.of(), usage.totals(tenant, Instant.EPOCH, Instant.now().plusSeconds(60)), "nothing was sent, so nothing is metered");
        List<Audited> audited = fixture.audit(tenant, EgressGateway.ACTION);
        assertEquals(1, audited.size());
        assertEquals("denied", audited.getFirst().outcome());
        assertEquals(refused.getMessage(), audited.getFirst().details().get("reason"));
        return refused;
    }

    @Test
    void aTenantsHostThatResolvesToAPrivateAddressIsRefusedNamingTheRule() {
        PermissionDeniedException refused = refusedFor(strict, "private-name", "https://crm.internal.test");
        assertTrue(refused.getMessage().contains("egress to 10.0.0.5 (private address, resolved from crm.internal.test) is refused"),
                   refused.getMessage());
    }

    @Test
    void theMetadataServiceIsRefusedOverIpv4AndIpv6() {
        assertTrue(refusedFor(strict, "metadata-name", "https://metadata.internal.test").getMessage()
                           .contains("169.254.169.254 (cloud metadata address, resolved from metadata.internal.test)"));
        assertTrue(refusedFor(strict, "metadata6-name", "https://metadata6.internal.test").getMessage()
                           .contains("(cloud metadata address, resolved from metadata6.internal.test)"));
        assertTrue(refusedFor(strict, "metadata-literal", "https://169.254.169.254").getMessage()
                           .contains("egress to 169.254.169.254 (cloud metadata address) is refused"));
    }

    @Test
    void aLoopbackAddressIsRefusedWhenNotAllowListedLiterallyMappedOrByName() {
        String port = ":" + listener.port();
        assertTrue(refusedFor(strict, "loopback-literal", "http://127.0.0.1" + port).getMessage()
                           .contains("egress to 127.0.0.1 (loopback address) is refused"));
        assertTrue(refusedFor(strict, "loopback-localhost", "http://localhost" + port).getMessage()
                           .contains("(loopback address, resolved from localhost)"));
        assertTrue(refusedFor(strict, "loopback-mapped", "https://[::ffff:7f00:1]" + port).getMessage().contains("loopback address"));
        assertTrue(refusedFor(strict, "loopback-name", "https://loopback.test" + port).getMessage()
                           .contains("(loopback address, resolved from loopback.test)"));
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAnswersIsRefused() {
        assertTrue(refusedFor(allowingOneLoopbackAddress, "mixed-answers", "https://mixed.test:" + listener.port()).getMessage()
                           .contains("egress to 127.0.0.1 (loopback address, resolved from mixed.test)"));
    }

    @Test
    void theAddressCheckedIsTheAddressConnectedSoASecondAnswerCannotRebindTheConnection() {
        UUID tenant = fixture.tenant("rebinding");
        String url = "https://rebind.test:" + listener.port();
        configs.put(tenant, CRM, Json.object().put("instanceUrl", url).build(), AdminToken.principal());
        int allowedBefore = allowedListener.accepted().get();
        int refusedBefore = listener.accepted().get();

        // The first answer (127.0.0.2) is allowed: the connection goes there and only there. Its listener speaks no TLS.
        assertThrows(EgressException.class, () -> allowingOneLoopbackAddress.forCall(call(tenant, CRM))
                .send(EgressRequest.get(URI.create(url + "/contacts")).withTimeout(Duration.ofSeconds(5))));
        assertEquals(allowedBefore + 1, allowedListener.accepted().get(), "connected to the address that was checked");
        assertEquals(refusedBefore, listener.accepted().get(), "never to a later answer");

        // The next connection asks again, gets 127.0.0.1 and is refused before connecting.
        PermissionDeniedException refused = assertThrows(PermissionDeniedException.class, () -> allowingOneLoopbackAddress
                .forCall(call(tenant, CRM)).send(EgressRequest.get(URI.create(url + "/contacts"))));
        assertTrue(refused.getMessage().contains("egress to 127.0.0.1 (loopback address, resolved from rebind.test)"), refused.getMessage());
        assertEquals(refusedBefore, listener.accepted().get());
    }

    @Test
    void aManifestHostIsCheckedLikeATenantsHost() {
        UUID tenant = fixture.tenant("manifest-host");
        PluginManifest listed = manifest("crm", EGRESS, List.of("crm.internal.test"), ConfigSchema.empty());
        PermissionDeniedException refused = assertThrows(PermissionDeniedException.class, () -> strict.forCall(call(tenant, listed))
                .send(EgressRequest.get(URI.create("https://crm.internal.test/contacts"))));
        assertTrue(refused.getMessage().contains("Plugin 'crm' may not call 'crm.internal.test'")
                   && refused.getMessage().contains("private address"), refused.getMessage());
        assertFalse(refused.getMessage().contains("/contacts"), "refusals name the host, not the path");
    }

    @Test
    void theAllowListTakesRangesAddressesAndNamesAndRefusesAnythingElse() throws UnknownHostException {
        PrivateAddressAllowList list = PrivateAddressAllowList.parse(List.of("10.20.0.0/16", " 192.168.1.7 ", "::1/128", "crm.internal.test"));
        assertTrue(list.allows("x.test", InetAddress.getByName("10.20.255.1")));
        assertFalse(list.allows("x.test", InetAddress.getByName("10.21.0.1")));
        assertTrue(list.allows("x.test", InetAddress.getByName("192.168.1.7")));
        assertFalse(list.allows("x.test", InetAddress.getByName("192.168.1.8")));
        assertTrue(list.allows("x.test", InetAddress.getByName("::1")));
        assertTrue(list.allows("CRM.internal.test", InetAddress.getByName("10.0.0.5")));
        for (String wrong : List.of("10.0.0.0/33", "10.0.0/8", "not a host", "*.internal.test", "::1/129", "10.0.0.1/x")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PrivateAddressAllowList.parse(List.of(wrong)));
            assertTrue(refused.getMessage().contains(wrong), refused.getMessage());
        }
        assertTrue(PrivateAddressAllowList.parse(List.of(PrivateAddressAllowList.LOOPBACK.split(","))).allows("localhost",
                   InetAddress.getByName("127.3.2.1")));
        assertEquals(0, lookups.getOrDefault("10.20.255.1", new AtomicInteger()).get());

        ConfigException misconfigured = assertThrows(ConfigException.class, () -> PrivateAddressAllowList.of(
                ConfigLoader.load(Optional.empty(), Map.of(), Map.of("plugins.egress.allow-private", "127.0.0.1/32, 10.0.0.0/40"))));
        assertTrue(misconfigured.getMessage().startsWith("plugins.egress.allow-private: '10.0.0.0/40'"), misconfigured.getMessage());
        assertTrue(misconfigured.getMessage().contains("VOICECORE_PLUGINS_EGRESS_ALLOW_PRIVATE"), misconfigured.getMessage());
        assertEquals(List.of(), PrivateAddressAllowList.of(ConfigLoader.load(Optional.empty(), Map.of(), Map.of())).entries(),
                     "no exception unless the operator makes one");
    }

    @Test
    void anUnknownNameIsAnEgressFailureNotAConnection() {
        UUID tenant = fixture.tenant("unknown-name");
        PluginManifest listed = manifest("crm", EGRESS, List.of("nowhere.test"), ConfigSchema.empty());
        EgressException failed = assertThrows(EgressException.class, () -> strict.forCall(call(tenant, listed))
                .send(EgressRequest.get(URI.create("https://nowhere.test/"))));
        assertTrue(failed.getMessage().contains("nowhere.test"), failed.getMessage());
    }
}
