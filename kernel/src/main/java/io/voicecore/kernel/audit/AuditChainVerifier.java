package io.voicecore.kernel.audit;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.storage.TenantScope;

/**
 * Checks that audit chains are intact: every record is present (seq 1, 2, 3, ... without gaps),
 * unchanged (its stored hash is the hash of its content) and linked (its {@code prev_hash} is the
 * previous record's hash), and that the chain's head row names the last record. Chains are read
 * in pages, so a long chain is never held in memory.
 *
 * <p>The chain carries no secret, so someone able to rewrite a record and every later record and
 * the head row consistently is not detected; deletions, edits and truncations by anyone who does
 * not do all of that are.
 */
public final class AuditChainVerifier {
    static final int PAGE_SIZE = 1000;

    /** Where a chain first stops being trustworthy. {@code id} is empty when the record there is missing. */
    public record BrokenLink(long seq, Optional<UUID> id, String reason) {
    }

    /** The outcome for one chain: how many records it has and its first broken link, if any. */
    public record ChainReport(String chain, long records, Optional<BrokenLink> firstBrokenLink) {
        public boolean valid() {
            return firstBrokenLink.isEmpty();
        }
    }

    /** The outcome for several chains; valid only if every chain is. */
    public record Verification(List<ChainReport> chains) {
        public boolean valid() {
            return chains.stream().allMatch(ChainReport::valid);
        }
    }

    private final Database database;
    private final AuditRepository repository;

    public AuditChainVerifier(Database database) {
        this(database, new AuditRepository());
    }

    AuditChainVerifier(Database database, AuditRepository repository) {
        this.database = database;
        this.repository = repository;
    }

    /** Verifies a tenant's chain reading in that tenant's scope only. */
    public ChainReport verifyTenant(UUID tenantId) {
        return verify(TenantScope.tenant(tenantId), AuditLog.chainOf(tenantId));
    }

    /** Verifies one chain ({@code platform} or a tenant id) in platform scope; empty when no such chain exists. */
    public Optional<ChainReport> verifyChain(String chain) {
        TenantScope scope = TenantScope.platform();
        if (!database.inScope(scope, tx -> repository.state(tx, chain)).exists()) {
            return Optional.empty();
        }
        return Optional.of(verify(scope, chain));
    }

    /** Verifies every chain, the platform's first. */
    public Verification verifyAll() {
        List<String> chains = database.inPlatform(repository::chains);
        return new Verification(chains.stream().map(chain -> verify(TenantScope.platform(), chain)).toList());
    }

    private ChainReport verify(TenantScope scope, String chain) {
        AuditRepository.ChainState state = database.inScope(scope, tx -> repository.state(tx, chain));
        // Records appended after the state was read are left for the next verification.
        long end = Math.max(state.headSeq().orElse(0L), state.maxSeq());
        long headSeq = state.headSeq().orElse(0L);
        Walk walk = new Walk();
        long after = 0;
        while (after < end) {
            long from = after;
            List<AuditRecord> page = database.inScope(scope, tx -> repository.segment(tx, chain, from, end, PAGE_SIZE));
            if (page.isEmpty()) {
                break;
            }
            for (AuditRecord record : page) {
                walk.visit(record, headSeq);
            }
            after = page.get(page.size() - 1).seq();
        }
        if (walk.broken.isEmpty()) {
            walk.broken = checkHead(state, walk);
        }
        return new ChainReport(chain, walk.records, walk.broken);
    }

    /** State carried along one chain's records in seq order. */
    private static final class Walk {
        long records;
        long expectedSeq = 1;
        String previousHash = AuditLog.GENESIS;
        AuditRecord last;
        AuditRecord firstBeyondHead;
        Optional<BrokenLink> broken = Optional.empty();

        void visit(AuditRecord record, long headSeq) {
            records++;
            if (broken.isEmpty()) {
                broken = check(record, expectedSeq, previousHash);
            }
            if (record.seq() > headSeq && firstBeyondHead == null) {
                firstBeyondHead = record;
            }
            expectedSeq = record.seq() + 1;
            previousHash = record.hash();
            last = record;
        }
    }

    private static Optional<BrokenLink> check(AuditRecord record, long expectedSeq, String previousHash) {
        long seq = record.seq();
        if (seq > expectedSeq) {
            String missing = seq == expectedSeq + 1 ? "record " + expectedSeq + " is missing"
                    : "records " + expectedSeq + " to " + (seq - 1) + " are missing";
            String jump = expectedSeq == 1 ? "the chain starts at " + seq
                    : "sequence jumps from " + (expectedSeq - 1) + " to " + seq;
            return Optional.of(new BrokenLink(expectedSeq, Optional.empty(), missing + " (" + jump + ")"));
        }
        if (!AuditLog.hash(record).equals(record.hash())) {
            return broken(record, "record " + seq + " was modified: its hash does not match its content");
        }
        if (!record.prevHash().equals(previousHash)) {
            return broken(record, seq == 1
                    ? "record 1 does not start the chain: its prev_hash is not the genesis value"
                    : "record " + seq + " does not follow record " + (seq - 1)
                      + ": its prev_hash is not that record's hash (record " + (seq - 1) + " was replaced)");
        }
        return Optional.empty();
    }

    /** The head row must name the last record: otherwise the tail was cut off, or records were added past it. */
    private static Optional<BrokenLink> checkHead(AuditRepository.ChainState state, Walk walk) {
        long lastSeq = walk.last == null ? 0 : walk.last.seq();
        if (state.headSeq().isEmpty()) {
            return walk.last == null ? Optional.empty()
                    : broken(walk.last, "the chain has " + walk.records + " records but no head row");
        }
        long headSeq = state.headSeq().get();
        if (headSeq > lastSeq) {
            return Optional.of(new BrokenLink(lastSeq + 1, Optional.empty(), "the chain head says " + headSeq
                    + " records but only " + walk.records + " are present (the last records were deleted)"));
        }
        if (headSeq < lastSeq) {
            return broken(walk.firstBeyondHead, "the chain head says " + headSeq + " records but " + walk.records
                                                + " are present (records were added without updating the head)");
        }
        if (walk.last != null && !walk.last.hash().equals(state.headHash().orElse(""))) {
            return broken(walk.last, "the chain head's hash does not match record " + lastSeq);
        }
        return Optional.empty();
    }

    private static Optional<BrokenLink> broken(AuditRecord record, String reason) {
        return Optional.of(new BrokenLink(record.seq(), Optional.of(record.id()), reason));
    }
}
