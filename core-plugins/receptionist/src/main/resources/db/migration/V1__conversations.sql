-- Conversations with their current engine state and, once ended, their summary.
CREATE TABLE conversations (
    id               uuid        NOT NULL PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    channel          text        NOT NULL CHECK (channel IN ('chat', 'voice')),
    status           text        NOT NULL CHECK (status IN ('open', 'ended')),
    language         text        NOT NULL,
    state            jsonb       NOT NULL,
    summary          jsonb,
    started_at       timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    ended_at         timestamptz
);

-- The retention job deletes by last activity.
CREATE INDEX conversations_last_activity ON conversations (tenant_id, last_activity_at);

-- The transcript: every caller and receptionist turn, in order.
CREATE TABLE messages (
    tenant_id       uuid         NOT NULL,
    conversation_id uuid         NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             integer      NOT NULL,
    role            text         NOT NULL CHECK (role IN ('caller', 'receptionist')),
    text            text         NOT NULL,
    language        text         NOT NULL,
    sentiment       numeric(4,2),
    emotion         text,
    created_at      timestamptz  NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

-- The tenant's knowledge base: answers and the keywords that call for them.
CREATE TABLE knowledge_entries (
    id         uuid        NOT NULL PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    keywords   jsonb       NOT NULL,
    answer     text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX knowledge_entries_by_age ON knowledge_entries (tenant_id, created_at, id);
