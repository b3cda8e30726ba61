-- The timeline of each contact: calls, chats, notes and e-mails.
CREATE TABLE interactions (
    id              uuid        NOT NULL PRIMARY KEY,
    tenant_id       uuid        NOT NULL,
    contact_id      uuid        NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    type            text        NOT NULL CHECK (type IN ('call', 'chat', 'note', 'email')),
    occurred_at     timestamptz NOT NULL,
    summary         text        NOT NULL DEFAULT '',
    details         jsonb       NOT NULL DEFAULT '{}',
    -- The event an interaction was recorded from (conversation.ended), for tracing.
    source_event_id text,
    created_at      timestamptz NOT NULL
);

CREATE INDEX interactions_timeline ON interactions (tenant_id, contact_id, occurred_at DESC, id DESC);

-- Ids of events already handled: delivery is at least once, so a redelivered event must change nothing.
CREATE TABLE processed_events (
    tenant_id    uuid        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
