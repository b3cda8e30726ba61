package io.voicecore.marketplace.licence;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Licences for the tests of this package: arbitrary ones within their rules, and one fixed sample. */
final class TestLicences {
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";
    private static final long LATEST = Licence.LATEST.getEpochSecond();

    private TestLicences() {
    }

    private record Subject(UUID licenceId, UUID tenantId, String pluginId, String planId) {
    }

    private record Dates(Instant issuedAt, Instant startsAt, Optional<Instant> expiresAt) {
    }

    /** Licences naming the key id, with or without expiry. */
    static Arbitrary<Licence> arbitrary(String keyId) {
        return licences(keyId, dates());
    }

    /** Licences naming the key id that expire. */
    static Arbitrary<Licence> arbitraryExpiring(String keyId) {
        return licences(keyId, dates().filter(dates -> dates.expiresAt().isPresent()));
    }

    /** Licences naming the key id that never expire. */
    static Arbitrary<Licence> arbitraryPerpetual(String keyId) {
        return licences(keyId, dates().map(dates -> new Dates(dates.issuedAt(), dates.startsAt(), Optional.empty())));
    }

    /** A licence of the team plan for five seats and 100,000 API calls, from 2026-12-01 for a year. */
    static Licence sample(String keyId) {
        return new Licence(UUID.fromString("0b1e5a53-8f0c-4e8e-9d7a-2f1c3b4d5e6f"),
                           UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "crm-sync", "team", false,
                           OptionalInt.of(5), Map.of("api.calls", 100_000L), Instant.parse("2026-12-01T00:00:00Z"),
                           Instant.parse("2026-12-01T00:00:00Z"), Optional.of(Instant.parse("2027-12-01T00:00:00Z")), keyId);
    }

    /** Key ids as a licence admits them. */
    static Arbitrary<String> arbitraryKeyIds() {
        Arbitrary<Character> first = Arbitraries.chars().with((LOWER + LOWER.toUpperCase() + DIGITS).toCharArray());
        Arbitrary<String> rest = Arbitraries.strings().withChars(LOWER + LOWER.toUpperCase() + DIGITS + "._-").ofMaxLength(63);
        return Combinators.combine(first, rest).as((head, tail) -> head + tail);
    }

    private static Arbitrary<Licence> licences(String keyId, Arbitrary<Dates> dates) {
        return Combinators.combine(subjects(), Arbitraries.of(true, false), seats(), limits(), dates)
                .as((subject, trial, seats, limits, when) -> new Licence(
                        subject.licenceId(), subject.tenantId(), subject.pluginId(), subject.planId(),
                        // A trial always expires.
                        trial && when.expiresAt().isPresent(), seats, limits, when.issuedAt(), when.startsAt(),
                        when.expiresAt(), keyId));
    }

    private static Arbitrary<Subject> subjects() {
        Arbitrary<UUID> ids = Arbitraries.longs().tuple2().map(bits -> new UUID(bits.get1(), bits.get2()));
        Arbitrary<String> pluginIds = Combinators.combine(
                        Arbitraries.chars().with(LOWER.toCharArray()),
                        Arbitraries.strings().withChars(LOWER + DIGITS + "-").ofMinLength(1).ofMaxLength(39))
                .as((head, tail) -> head + tail);
        Arbitrary<String> planIds = Arbitraries.oneOf(Arbitraries.of("free", "trial", "granted"),
                                                      Arbitraries.strings().withChars(LOWER + DIGITS + "-").ofMinLength(1)
                                                              .ofMaxLength(40));
        return Combinators.combine(ids, ids, pluginIds, planIds).as(Subject::new);
    }

    private static Arbitrary<OptionalInt> seats() {
        return Arbitraries.integers().greaterOrEqual(0).injectNull(0.3)
                .map(seats -> seats == null ? OptionalInt.empty() : OptionalInt.of(seats));
    }

    private static Arbitrary<Map<String, Long>> limits() {
        Arbitrary<String> word = Combinators.combine(
                        Arbitraries.chars().with(LOWER.toCharArray()),
                        Arbitraries.strings().withChars(LOWER + DIGITS + "_-").ofMaxLength(12))
                .as((head, tail) -> head + tail);
        Arbitrary<String> meters = Combinators.combine(word, word.injectNull(0.5))
                .as((first, second) -> second == null ? first : first + "." + second);
        return Arbitraries.maps(meters, Arbitraries.longs().greaterOrEqual(0)).ofMaxSize(4);
    }

    private static Arbitrary<Dates> dates() {
        Arbitrary<Long> seconds = Arbitraries.longs().between(0, LATEST);
        Arbitrary<Long> starts = Arbitraries.longs().between(0, LATEST - 1);
        return Combinators.combine(seconds, starts).flatAs((issued, start) -> {
            // Short licences as often as long ones: a uniform pick from 1 to thousands of years rarely lasts a day.
            Arbitrary<Long> lengths = Arbitraries.oneOf(Arbitraries.longs().between(1, Math.min(86_400 * 400L, LATEST - start)),
                                                        Arbitraries.longs().between(1, LATEST - start));
            return lengths.injectNull(0.25).map(length -> new Dates(
                    Instant.ofEpochSecond(issued), Instant.ofEpochSecond(start),
                    Optional.ofNullable(length).map(l -> Instant.ofEpochSecond(start + l))));
        });
    }
}
