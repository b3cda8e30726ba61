package io.voicecore.marketplace.resellers;

import java.util.UUID;
import java.util.function.Function;

import io.helidon.dbclient.DbTransaction;
import io.voicecore.kernel.storage.Database;

/**
 * Transactions in the reseller scope: row-level security on the reseller's tables (V6) then leaves only this
 * reseller's rows, so a query that forgets its {@code reseller_id} filter still answers nothing of another reseller's.
 * Kernel tables are not visible in this scope at all; a sub-tenant's own data is read in that tenant's scope.
 */
public final class ResellerScope {
    private ResellerScope() {
    }

    /** Runs work in one transaction that sees only the reseller's rows; commits on success. */
    public static <T> T in(Database database, UUID resellerId, Function<DbTransaction, T> work) {
        // Opened as a platform transaction, then narrowed before any work: the settings are transaction-local.
        return database.inPlatform(tx -> {
            tx.get("SELECT set_config('voicecore.scope', 'reseller', true), set_config('voicecore.reseller_id', ?, true)",
                   resellerId.toString());
            return work.apply(tx);
        });
    }
}
