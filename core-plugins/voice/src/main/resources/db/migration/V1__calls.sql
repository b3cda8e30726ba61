-- Each call in progress or done, by Twilio's CallSid: every webhook of a call may reach another kernel node, so nothing
-- of a call is kept in memory.
CREATE TABLE calls (
    tenant_id         uuid        NOT NULL,
    call_sid          text        NOT NULL,
    conversation_id   uuid,
    account_sid       text        NOT NULL,
    caller_number     text,
    called_number     text,
    language          text        NOT NULL,
    greeting          text,
    state             text        NOT NULL CHECK (state IN ('queued', 'conversation', 'transferring', 'recording',
                                                           'awaiting-transcription', 'ended')),
    stage             text,
    turns             integer     NOT NULL DEFAULT 0,
    misunderstood     integer     NOT NULL DEFAULT 0,
    briefing          text,
    recording_url     text,
    outcome           text        CHECK (outcome IN ('answered', 'transferred', 'voicemail', 'abandoned', 'callback')),
    duration_seconds  integer,
    minutes_metered   boolean     NOT NULL DEFAULT false,
    queued_at         timestamptz,
    started_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    ended_at          timestamptz,
    PRIMARY KEY (tenant_id, call_sid)
);

-- Counting the calls on the line and finding a queued call's position.
CREATE INDEX calls_by_state ON calls (tenant_id, state, queued_at);

-- One row per tenant, locked while a call takes a line or leaves the queue, so that two nodes never both admit a
-- call past the limit.
CREATE TABLE lines (
    tenant_id uuid NOT NULL PRIMARY KEY
);

-- Call-backs queued callers asked for, placed through Twilio's REST API when due.
CREATE TABLE callbacks (
    id              uuid        NOT NULL PRIMARY KEY,
    tenant_id       uuid        NOT NULL,
    call_sid        text        NOT NULL,
    to_number       text        NOT NULL,
    from_number     text        NOT NULL,
    account_sid     text        NOT NULL,
    webhook_base    text        NOT NULL,
    due_at          timestamptz NOT NULL,
    status          text        NOT NULL CHECK (status IN ('scheduled', 'placed', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    placed_call_sid text,
    last_error      text,
    created_at      timestamptz NOT NULL,
    placed_at       timestamptz
);

CREATE INDEX callbacks_due ON callbacks (tenant_id, status, due_at);
