package io.voicecore.voice;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import io.voicecore.sdk.capability.Row;
import io.voicecore.sdk.capability.Storage;

/**
 * The calls of the tenant in the plugin's table {@code calls}, by Twilio's CallSid. Every webhook reads its call here and
 * writes back what changed, so that any kernel node can take the next webhook.
 */
final class CallStore {
    /** The states of a call that hold a line: answered by the receptionist, being put through, or leaving a voicemail. */
    static final String ON_THE_LINE = "('conversation', 'transferring', 'recording')";
    /** A call with no webhook for this long is not on the line any more, whatever its state says (its end was lost). */
    static final long STALE_HOURS = 2;

    private final Storage storage;

    CallStore(Storage storage) {
        this.storage = storage;
    }

    /**
     * A call as stored.
     *
     * @param state     {@code queued}, {@code conversation}, {@code transferring}, {@code recording},
     *                  {@code awaiting-transcription} or {@code ended}
     * @param stage     the receptionist's stage after the last turn, e.g. {@code confirmed}
     * @param briefing  what the person a transfer reaches is told
     * @param handover  stream mode: what follows once the media stream ends ({@code transfer}, {@code voicemail},
     *                  {@code hangup} or {@code apology}); empty while the stream carries the conversation
     * @param streamSid stream mode: the media stream Twilio opened for the call
     * @param transferTo where a transfer goes when the receptionist named a destination (a department the tenant's call
     *                   flow chose), instead of the plugin's {@code transferTo}
     */
    record Call(String callSid, Optional<UUID> conversationId, String accountSid, Optional<String> callerNumber,
                Optional<String> calledNumber, String language, Optional<String> greeting, String state, Optional<String> stage,
                int turns, int misunderstood, Optional<String> briefing, Optional<Integer> durationSeconds, boolean minutesMetered,
                Instant startedAt, Instant updatedAt, Optional<String> outcome, Optional<String> handover,
                Optional<String> streamSid, Optional<String> transferTo) {

        static Call of(Row row) {
            return new Call(row.string("call_sid").orElseThrow(), row.uuid("conversation_id"), row.string("account_sid").orElseThrow(),
                            row.string("caller_number"), row.string("called_number"), row.string("language").orElseThrow(),
                            row.string("greeting"), row.string("state").orElseThrow(), row.string("stage"),
                            row.number("turns").orElse(0L).intValue(), row.number("misunderstood").orElse(0L).intValue(),
                            row.string("briefing"), row.number("duration_seconds").map(Long::intValue),
                            row.bool("minutes_metered").orElse(false), row.instant("started_at").orElseThrow(),
                            row.instant("updated_at").orElseThrow(), row.string("outcome"), row.string("handover"),
                            row.string("stream_sid"), row.string("transfer_to"));
        }

        /** @return the seconds since the call's first webhook, rounded up */
        long secondsSoFar(Instant now) {
            return Math.max(0, (ChronoUnit.MILLIS.between(startedAt, now) + 999) / 1000);
        }
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    Optional<Call> find(String callSid) {
        return storage.queryOne("SELECT * FROM calls WHERE call_sid = ?", callSid).map(Call::of);
    }

    /** @return the call as stored */
    Call insert(String callSid, Optional<UUID> conversationId, String accountSid, Optional<String> callerNumber,
                Optional<String> calledNumber, String language, Optional<String> greeting, String state) {
        Instant now = now();
        return storage.queryOne("INSERT INTO calls (tenant_id, call_sid, conversation_id, account_sid, caller_number, called_number, "
                                + "language, greeting, state, queued_at, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "RETURNING *", Storage.TENANT, callSid, conversationId.orElse(null), accountSid, callerNumber.orElse(null),
                                calledNumber.orElse(null), language, greeting.orElse(null), state, state.equals("queued") ? now : null,
                                now, now).map(Call::of).orElseThrow();
    }

    /**
     * A webhook of the call arrived: the call is not over (see the sweep in {@code VoicePlugin}), and is read in the same
     * statement. An ended call is left as it is, and read apart.
     *
     * @return the call as stored now, if known
     */
    Optional<Call> arrived(String callSid) {
        Optional<Call> touched = storage.queryOne("UPDATE calls SET updated_at = ? WHERE call_sid = ? AND state <> 'ended' RETURNING *",
                                                  now(), callSid).map(Call::of);
        return touched.isPresent() ? touched : find(callSid);
    }

    void state(String callSid, String state) {
        storage.update("UPDATE calls SET state = ?, updated_at = ? WHERE call_sid = ?", state, now(), callSid);
    }

    /**
     * A caller turn the receptionist answered: understanding is back, and the conversation moved on.
     *
     * @return the call as stored after the turn
     */
    Call turn(String callSid, String language, String stage) {
        return storage.queryOne("UPDATE calls SET language = ?, stage = ?, turns = turns + 1, misunderstood = 0, updated_at = ? "
                                + "WHERE call_sid = ? RETURNING *", language, stage, now(), callSid).map(Call::of).orElseThrow();
    }

    /** @return how many times in a row the caller was not understood, this time included */
    int misunderstood(String callSid) {
        return storage.queryOne("UPDATE calls SET misunderstood = misunderstood + 1, updated_at = ? WHERE call_sid = ? RETURNING misunderstood",
                                now(), callSid).flatMap(row -> row.number("misunderstood")).map(Long::intValue).orElse(1);
    }

    /**
     * Ties a media stream to the call, once: a second stream for the same call is refused.
     *
     * @return whether the stream was tied (false: another stream has it, or the call is not in conversation)
     */
    boolean streaming(String callSid, String streamSid) {
        return storage.update("UPDATE calls SET stream_sid = ?, updated_at = ? WHERE call_sid = ? AND state = 'conversation' "
                              + "AND (stream_sid IS NULL OR stream_sid = ?)", streamSid, now(), callSid, streamSid) == 1;
    }

    /**
     * Stream mode: what the call does once its media stream ends; the webhook that follows reads it.
     *
     * @param briefing   for a transfer, what the person taking it is told
     * @param transferTo for a transfer, the destination the receptionist named, if any
     */
    void handover(String callSid, String handover, Optional<String> briefing, Optional<String> transferTo) {
        storage.update("UPDATE calls SET handover = ?, briefing = coalesce(?, briefing), transfer_to = coalesce(?, transfer_to), "
                       + "updated_at = ? WHERE call_sid = ?", handover, briefing.orElse(null), transferTo.orElse(null), now(), callSid);
    }

    /** Stream mode: how many frames of the call's audio this node handled, and how many late. */
    void mediaFrames(String callSid, int frames, int late) {
        storage.update("UPDATE calls SET media_frames = ?, media_frames_late = ? WHERE call_sid = ?", frames, late, callSid);
    }

    void transferring(String callSid, String briefing) {
        storage.update("UPDATE calls SET state = 'transferring', briefing = ?, updated_at = ? WHERE call_sid = ?", briefing, now(), callSid);
    }

    void recorded(String callSid, String recordingUrl) {
        storage.update("UPDATE calls SET state = 'awaiting-transcription', recording_url = ?, updated_at = ? WHERE call_sid = ?",
                       recordingUrl, now(), callSid);
    }

    /**
     * Marks the call ended, once.
     *
     * @return whether this call ended it (false: it had ended already)
     */
    boolean end(String callSid, String outcome) {
        Instant now = now();
        return storage.update("UPDATE calls SET state = 'ended', outcome = ?, ended_at = ?, updated_at = ? WHERE call_sid = ? AND state <> 'ended'",
                              outcome, now, now, callSid) == 1;
    }

    /**
     * Claims the metering of the call's minutes, once.
     *
     * @return whether this call claimed it (false: its minutes were metered already)
     */
    boolean claimMetering(String callSid, long seconds) {
        return storage.update("UPDATE calls SET minutes_metered = true, duration_seconds = ? WHERE call_sid = ? AND NOT minutes_metered",
                              (int) Math.min(Integer.MAX_VALUE, seconds), callSid) == 1;
    }

    /** Keeps the provider's measure of a call's duration, which is more exact than the plugin's. */
    void duration(String callSid, long seconds) {
        storage.update("UPDATE calls SET duration_seconds = ? WHERE call_sid = ?", (int) Math.min(Integer.MAX_VALUE, seconds), callSid);
    }

    /** @return the calls on the line now */
    long onTheLine() {
        return storage.queryOne("SELECT count(*) AS n FROM calls WHERE state IN " + ON_THE_LINE + " AND updated_at > ?",
                                now().minus(STALE_HOURS, ChronoUnit.HOURS)).flatMap(row -> row.number("n")).orElse(0L);
    }

    /** @return the place of a queued call in the queue, from 1 */
    long position(String callSid) {
        return storage.queryOne("SELECT count(*) AS n FROM calls q, calls c WHERE c.call_sid = ? AND q.state = 'queued' "
                                + "AND (q.queued_at, q.call_sid) <= (c.queued_at, c.call_sid) AND q.updated_at > ?", callSid,
                                now().minus(STALE_HOURS, ChronoUnit.HOURS)).flatMap(row -> row.number("n")).orElse(1L);
    }

    /**
     * Runs {@code work} holding the tenant's lines, so that taking a line is decided by one node at a time.
     *
     * @param work given a store bound to the transaction
     */
    static <T> T withLines(Storage storage, Function<CallStore, T> work) {
        return storage.transaction(tx -> {
            tx.update("INSERT INTO lines (tenant_id) VALUES (?) ON CONFLICT (tenant_id) DO NOTHING", Storage.TENANT);
            tx.queryOne("SELECT tenant_id FROM lines FOR UPDATE");
            return work.apply(new CallStore(tx));
        });
    }
}
