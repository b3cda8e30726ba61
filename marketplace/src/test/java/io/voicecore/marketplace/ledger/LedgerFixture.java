package io.voicecore.marketplace.ledger;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.helidon.dbclient.DbTransaction;
import io.voicecore.kernel.KernelServices;
import io.voicecore.kernel.access.Principal;
import io.voicecore.kernel.access.Role;
import io.voicecore.kernel.storage.Database;
import io.voicecore.kernel.testing.TestKernel;
import io.voicecore.marketplace.testing.ListingFixture;

/** A ledger over a test kernel's database, with publishers signed up through the API. */
final class LedgerFixture {
    static final Principal ADMIN = new Principal("platform-admin", Role.PLATFORM_ADMIN, Optional.empty(), "platform-admin", false);
    private static final AtomicInteger PUBLISHERS = new AtomicInteger();

    final TestKernel kernel;
    final Ledger ledger;

    LedgerFixture(TestKernel kernel, Clock clock) {
        this.kernel = kernel;
        KernelServices services = kernel.kernel().services();
        this.ledger = new Ledger(services.database(), services.audit(), clock);
    }

    Database database() {
        return kernel.kernel().services().database();
    }

    <T> T inPlatform(Function<DbTransaction, T> work) {
        return database().inPlatform(work);
    }

    /** A new publisher, signed up with its developer key. */
    ListingFixture.SignedUpPublisher signUp(String prefix) {
        return new ListingFixture(kernel).signUpPublisher(prefix + "-" + PUBLISHERS.incrementAndGet());
    }

    UUID publisher(String prefix) {
        return UUID.fromString(signUp(prefix).id());
    }
}
