package io.voicecore.kernel.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.voicecore.kernel.plugins.CapabilityFixture;
import io.voicecore.kernel.state.InProcessSharedState;
import io.voicecore.kernel.state.NearCache;
import io.voicecore.kernel.state.SharedState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants by reference, as public plugin routes resolve them: from the node's cache, and current again on every node
 * once the change is announced, whether the tenant was suspended, renamed, deleted or its slug given to another.
 */
class TenantDirectoryTest {
    static CapabilityFixture fixture;
    SharedState state;
    NearCache cacheA;
    NearCache cacheB;
    TenantDirectory nodeA;
    TenantDirectory nodeB;

    @BeforeAll
    static void open() {
        fixture = CapabilityFixture.open();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    @BeforeEach
    void nodes() {
        state = new InProcessSharedState();
        cacheA = new NearCache("tenants", state, Duration.ofSeconds(30), 1_000, Clock.systemUTC());
        cacheB = new NearCache("tenants", state, Duration.ofSeconds(30), 1_000, Clock.systemUTC());
        nodeA = new TenantDirectory(fixture.database(), new TenantRepository(), cacheA);
        nodeB = new TenantDirectory(fixture.database(), new TenantRepository(), cacheB);
    }

    @AfterEach
    void closeNodes() {
        cacheA.close();
        cacheB.close();
        state.close();
    }

    @Test
    void aTenantIsServedFromTheCacheByIdOrSlugUntilItsChangeIsAnnouncedOnAnyNode() throws Exception {
        UUID id = fixture.tenant("dental");
        assertEquals(id, nodeA.byReference("Dental").orElseThrow().id(), "a slug in any case");
        assertEquals(id, nodeA.byReference(id.toString()).orElseThrow().id());

        sql("UPDATE kernel.tenants SET status = 'suspended', name = 'Dental Care' WHERE id = ?", id);
        assertEquals("active", nodeA.byReference("dental").orElseThrow().status(), "served from the cache, not read again");

        nodeB.changed(id);
        awaitForgotten(() -> nodeA.byReference("dental").orElseThrow().status().equals("suspended"));
        Tenant changed = nodeA.byReference("dental").orElseThrow();
        assertEquals("Dental Care", changed.name());
        assertEquals("suspended", nodeA.byReference(id.toString()).orElseThrow().status());
    }

    @Test
    void aDeletedTenantIsNoLongerFoundOnceAnnounced() throws Exception {
        UUID id = fixture.tenant("closing");
        assertTrue(nodeA.byReference("closing").isPresent());
        // The application may not delete tenants: an operator does, with the database owner's rights.
        try (Connection owner = fixture.ownerConnection();
             PreparedStatement delete = owner.prepareStatement("DELETE FROM kernel.tenants WHERE id = ?")) {
            delete.setObject(1, id);
            assertEquals(1, delete.executeUpdate());
        }
        nodeB.changed(id);
        awaitForgotten(() -> nodeA.byReference("closing").isEmpty());
        assertEquals(Optional.empty(), nodeA.byReference(id.toString()));
    }

    @Test
    void aSlugNowBorneByAnotherTenantNamesThatTenant() throws Exception {
        UUID old = fixture.tenant("clinic");
        assertEquals(old, nodeA.byReference("clinic").orElseThrow().id());
        sql("UPDATE kernel.tenants SET slug = 'clinic-old' WHERE id = ?", old);
        nodeB.changed(old);
        UUID successor = fixture.tenant("clinic");
        awaitForgotten(() -> nodeA.byReference("clinic").map(Tenant::id).equals(Optional.of(successor)));
        assertEquals(old, nodeA.byReference("clinic-old").orElseThrow().id());
    }

    @Test
    void aSlugThatNamesNoTenantIsNotRemembered() {
        assertEquals(Optional.empty(), nodeA.byReference("later"));
        UUID id = fixture.tenant("later");
        assertEquals(id, nodeA.byReference("later").orElseThrow().id());
    }

    private static void sql(String statement, UUID id) {
        fixture.database().inPlatform(tx -> tx.dml(statement, id));
    }

    /** Waits for the other node's notification (delivered asynchronously on a real shared state). */
    private static void awaitForgotten(Supplier<Boolean> current) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!current.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(current.get(), "the change reached the other node");
    }
}
