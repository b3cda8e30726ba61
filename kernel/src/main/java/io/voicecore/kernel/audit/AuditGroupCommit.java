package io.voicecore.kernel.audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.BiConsumer;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;
import io.voicecore.kernel.http.RequestContext;
import io.voicecore.kernel.storage.Database;

/**
 * Audit records of frequent calls (plugins' outbound HTTP) written by group commit, so that a tenant's concurrent calls
 * do not queue one transaction at a time behind its chain's lock.
 *
 * <p>A caller's record (with whatever else must commit with it, such as usage records) is queued for its chain, and
 * the caller waits. One writer per chain takes everything queued, writes it in one transaction that takes the chain's
 * lock once ({@link AuditLog#appendAll}), commits, and releases every caller of the batch; records that arrived
 * meanwhile form the next batch. A lone call waits for one transaction, as it did when it wrote its own; many calls
 * wait for about two, however many they are.
 *
 * <p><b>Guarantees, unchanged.</b> {@link #append} returns only after the record is committed, so a call whose
 * answer reached the plugin is in the audit log, and a crash loses only records whose callers were still waiting (the
 * calls had not returned). Records keep one hash chain with consecutive sequence numbers. If a batch fails, each of its
 * records is tried again in a transaction of its own, so one bad record fails only its own caller, with the error.
 */
public final class AuditGroupCommit<A> implements AutoCloseable {
    /** The most records one transaction writes. */
    public static final int MAX_BATCH = 256;

    private record Pending<A>(AuditLog.Entry entry, A alongside, CompletableFuture<Void> written) {
    }

    /** One chain's queue; {@code writing} says a writer is draining it, {@code taken} how many it is writing. Guarded by the monitor. */
    private static final class Queue<A> {
        final ArrayDeque<Pending<A>> pending = new ArrayDeque<>();
        boolean writing;
        int taken;
    }

    private final Database database;
    private final AuditLog audit;
    private final BiConsumer<DbExecute, List<A>> alongside;
    private final Map<String, Queue<A>> queues = new ConcurrentHashMap<>();
    private final ExecutorService writers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("audit-writer-", 0).factory());
    private final AtomicLong batches = new AtomicLong();

    /**
     * @param alongside writes what must commit with a batch's records (e.g. the calls' usage records), given what each
     *                  caller passed along, in the records' order, in the batch's transaction (the tenant's scope)
     */
    public AuditGroupCommit(Database database, AuditLog audit, BiConsumer<DbExecute, List<A>> alongside) {
        this.database = database;
        this.audit = audit;
        this.alongside = alongside;
    }

    /**
     * Appends a record and returns once it is committed, together with what {@code alongside} stands for, written in the
     * same transaction. The request id is the calling thread's, as for {@link AuditLog#append}.
     *
     * @param alongside what to write with the record (handed to the constructor's writer)
     * @throws RuntimeException the failure of the record's transaction
     */
    public void append(AuditEvent event, A alongside) {
        String requestId = RequestContext.current().map(RequestContext::requestId).orElse("system");
        Pending<A> pending = new Pending<>(new AuditLog.Entry(event, requestId), alongside, new CompletableFuture<>());
        String chain = AuditLog.chainOf(event.tenantId());
        Queue<A> queue = queues.computeIfAbsent(chain, key -> new Queue<>());
        boolean startWriter;
        synchronized (queue) {
            queue.pending.add(pending);
            startWriter = !queue.writing;
            queue.writing = true;
        }
        if (startWriter) {
            try {
                writers.execute(() -> drain(event.tenantId(), queue));
            } catch (RejectedExecutionException closing) {
                // Shutting down: the caller writes its chain's queue itself rather than leave it unwritten.
                drain(event.tenantId(), queue);
            }
        }
        await(pending.written());
    }

    /** Batches written so far (transactions, including single retries), for tests and measurements. */
    public long batches() {
        return batches.get();
    }

    /** Callers of a chain still waiting: records queued or being written. */
    int waiting(UUID tenantId) {
        Queue<A> queue = queues.get(AuditLog.chainOf(tenantId));
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.pending.size() + queue.taken;
        }
    }

    private static void await(CompletableFuture<Void> written) {
        try {
            written.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for an audit record to commit; it is written with its batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("An audit record could not be written", e.getCause());
        }
    }

    private void drain(UUID tenantId, Queue<A> queue) {
        while (true) {
            List<Pending<A>> batch = new ArrayList<>();
            synchronized (queue) {
                while (!queue.pending.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.pending.poll());
                }
                queue.taken = batch.size();
                if (batch.isEmpty()) {
                    queue.writing = false;
                    return;
                }
            }
            try {
                write(tenantId, batch);
                batch.forEach(pending -> pending.written().complete(null));
            } catch (RuntimeException batchFailure) {
                if (batch.size() == 1) {
                    batch.getFirst().written().completeExceptionally(batchFailure);
                    continue;
                }
                for (Pending<A> pending : batch) {
                    try {
                        write(tenantId, List.of(pending));
                        pending.written().complete(null);
                    } catch (RuntimeException failure) {
                        pending.written().completeExceptionally(failure);
                    }
                }
            } catch (Error fatal) {
                batch.forEach(pending -> pending.written().completeExceptionally(fatal));
                synchronized (queue) {
                    queue.writing = false;
                }
                throw fatal;
            }
        }
    }

    private void write(UUID tenantId, List<Pending<A>> batch) {
        List<AuditLog.Entry> entries = batch.stream().map(Pending::entry).toList();
        List<A> along = batch.stream().map(Pending::alongside).toList();
        Function<DbTransaction, Void> work = tx -> {
            alongside.accept(tx, along);
            audit.appendAll(tx, tenantId, entries);
            return null;
        };
        if (tenantId == null) {
            database.inPlatform(work);
        } else {
            database.inTenant(tenantId, work);
        }
        batches.incrementAndGet();
    }

    /** Lets the writers finish what is queued (callers are waiting for it), for up to ten seconds. */
    @Override
    public void close() {
        writers.shutdown();
        try {
            writers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
