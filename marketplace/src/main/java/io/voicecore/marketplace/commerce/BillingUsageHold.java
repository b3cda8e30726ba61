package io.voicecore.marketplace.commerce;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.voicecore.kernel.retention.UsageHold;
import io.voicecore.kernel.storage.Database;
import io.voicecore.marketplace.licence.Licence;
import io.voicecore.marketplace.licence.LicenceVerifier;
import io.voicecore.marketplace.licence.Verdict;

/**
 * The raw usage records the marketplace still reads, so the kernel's retention keeps them: the current period of every
 * live usage subscription (invoiced from the raw records when it renews, and again on each dunning retry until paid),
 * and the term of every serving licence whose spend cap sums the records since its start.
 */
public final class BillingUsageHold implements UsageHold {
    private final Database database;
    private final LicenceVerifier verifier;

    /** @param verifier a verifier of its own, with the gate's grace: judging every licence here must not churn the gate's cache */
    public BillingUsageHold(Database database, LicenceVerifier verifier) {
        this.database = database;
        this.verifier = verifier;
    }

    @Override
    public Optional<Instant> neededSince() {
        Optional<Instant> invoicing = database.inPlatform(tx -> tx.get(
                "SELECT min(period_start) AS since FROM marketplace.subscriptions WHERE kind = 'usage' AND state IN ('active', 'past-due')"))
                .flatMap(row -> Optional.ofNullable(Database.instant(row, "since")));
        // Licences are judged as the gate judges them: a licence that still serves (in its term or its grace) may limit usage.
        List<String> tokens = database.inPlatform(tx -> Database.list(tx, row -> Database.text(row, "token"),
                "SELECT token FROM marketplace.licences WHERE expires_at IS NULL OR expires_at > now() - make_interval(days => ?)",
                (int) LicenceVerifier.MAX_GRACE.toDays()));
        Optional<Instant> spendCaps = tokens.stream().flatMap(token -> serving(verifier.verify(token)))
                .filter(licence -> !licence.usageLimits().isEmpty()).map(Licence::startsAt).min(Instant::compareTo);
        return Stream.of(invoicing, spendCaps).flatMap(Optional::stream).min(Instant::compareTo);
    }

    private static Stream<Licence> serving(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Valid valid -> Stream.of(valid.licence());
            case Verdict.InGrace inGrace -> Stream.of(inGrace.licence());
            default -> Stream.empty();
        };
    }
}
