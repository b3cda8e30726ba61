package io.voicecore.kernel.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

import io.helidon.dbclient.DbExecute;
import io.voicecore.kernel.plugins.CapabilityFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Group commit of audit records over real PostgreSQL: every caller's record lands, in one valid chain, in few transactions. */
class AuditGroupCommitTest {
    static CapabilityFixture fixture;
    static AuditLog audit;

    @BeforeAll
    static void open() {
        fixture = CapabilityFixture.open(8);
        audit = new AuditLog(Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    @Test
    void callersThatArriveWhileABatchIsWrittenShareTheNextTransaction() throws Exception {
        UUID tenant = fixture.tenant("group-commit");
        int callers = 64;
        try (AuditGroupCommit<Integer> writer = new AuditGroupCommit<>(fixture.database(), audit, (tx, indexes) -> { })) {
            writer.append(event(tenant, -1), -1);
            long batchesBefore = writer.batches();
            List<CompletableFuture<Void>> calls;
            // Another transaction holds the chain's lock until every caller is waiting, as a slow batch would.
            try (Connection holder = fixture.ownerConnection()) {
                lockChain(holder, tenant);
                calls = appendConcurrently(writer, tenant, callers);
                awaitWaiting(writer, tenant, callers);
                holder.rollback();
            }
            for (CompletableFuture<Void> call : calls) {
                call.get();
            }
            // The batch that met the lock, then everyone who queued behind it; or one batch of all, when every caller
            // had queued before the writer took its first.
            long batches = writer.batches() - batchesBefore;
            assertTrue(batches >= 1 && batches <= 2, callers + " callers took " + batches + " transactions");
        }
        AuditChainVerifier.ChainReport chain = new AuditChainVerifier(fixture.database()).verifyTenant(tenant);
        assertTrue(chain.valid(), chain.toString());
        assertEquals(callers + 1, chain.records());
        assertEquals(expectedTargets(callers), targets(tenant));
    }

    @Test
    void aRecordWhoseTransactionFailsFailsOnlyItsOwnCaller() throws Exception {
        UUID tenant = fixture.tenant("group-commit-failure");
        // Caller 1's usage record is refused (as a quantity out of range would be), failing any transaction that holds it.
        BiConsumer<DbExecute, List<Integer>> usage = (tx, indexes) -> {
            if (indexes.contains(1)) {
                throw new IllegalArgumentException("usage quantity out of range");
            }
        };
        try (AuditGroupCommit<Integer> writer = new AuditGroupCommit<>(fixture.database(), audit, usage)) {
            writer.append(event(tenant, -1), -1);
            List<CompletableFuture<Void>> calls;
            try (Connection holder = fixture.ownerConnection()) {
                lockChain(holder, tenant);
                calls = appendConcurrently(writer, tenant, 3);
                awaitWaiting(writer, tenant, 3);
                holder.rollback();
            }
            calls.get(0).get();
            calls.get(2).get();
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> calls.get(1).get());
            assertInstanceOf(IllegalArgumentException.class, failed.getCause());
        }
        AuditChainVerifier.ChainReport chain = new AuditChainVerifier(fixture.database()).verifyTenant(tenant);
        assertTrue(chain.valid(), chain.toString());
        assertEquals(new TreeSet<>(Set.of("call:-1", "call:0", "call:2")), targets(tenant));
    }

    private static AuditEvent event(UUID tenant, int i) {
        return new AuditEvent(tenant, "plugin:test", "plugin.egress", "call:" + i, "success", Map.of("i", i));
    }

    /** Starts the callers on threads of their own; caller {@code i} passes {@code i} along with its record. */
    private static List<CompletableFuture<Void>> appendConcurrently(AuditGroupCommit<Integer> writer, UUID tenant, int callers) {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            int index = i;
            CompletableFuture<Void> call = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    writer.append(event(tenant, index), index);
                    call.complete(null);
                } catch (RuntimeException e) {
                    call.completeExceptionally(e);
                }
            });
            calls.add(call);
        }
        return calls;
    }

    private static void lockChain(Connection holder, UUID tenant) throws Exception {
        holder.setAutoCommit(false);
        try (PreparedStatement lock = holder.prepareStatement("SELECT seq FROM kernel.audit_heads WHERE chain = ? FOR UPDATE")) {
            lock.setString(1, tenant.toString());
            lock.executeQuery().close();
        }
    }

    private static void awaitWaiting(AuditGroupCommit<Integer> writer, UUID tenant, int callers) throws InterruptedException {
        for (int tries = 0; writer.waiting(tenant) < callers; tries++) {
            if (tries > 3000) {
                throw new AssertionError("only " + writer.waiting(tenant) + " of " + callers + " callers reached the writer");
            }
            Thread.sleep(10);
        }
    }

    private static TreeSet<String> expectedTargets(int callers) {
        TreeSet<String> expected = new TreeSet<>();
        expected.add("call:-1");
        for (int i = 0; i < callers; i++) {
            expected.add("call:" + i);
        }
        return expected;
    }

    private static TreeSet<String> targets(UUID tenant) {
        TreeSet<String> targets = new TreeSet<>();
        fixture.audit(tenant, "plugin.egress").forEach(record -> targets.add(record.target()));
        return targets;
    }
}
