-- Plugin events: a transactional outbox, per-subscriber deliveries with retries and dead letters,
-- and the claims that make a scheduled job run at most once per due time across kernel nodes.
-- All three are tenant-owned and guarded by row-level security like the V1 tables; the dispatcher
-- and the scheduler work in platform scope, which sees every tenant's rows.

-- One row per published event, written in the publisher's transaction: it exists only if that commits.
CREATE TABLE kernel.event_outbox (
    id            uuid PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES kernel.tenants (id),
    topic         text        NOT NULL,
    -- A plugin id, or 'kernel' for events the kernel itself publishes.
    publisher     text        NOT NULL,
    -- JSON text exactly as published (text, not jsonb: member order and every string survive as written).
    payload       text        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    -- Set once the event's delivery rows were created for the subscribers of that moment.
    fanned_out_at timestamptz
);
CREATE INDEX event_outbox_not_fanned_out ON kernel.event_outbox (occurred_at, id) WHERE fanned_out_at IS NULL;
CREATE INDEX event_outbox_tenant ON kernel.event_outbox (tenant_id, occurred_at);

-- One row per (event, subscribing plugin).
CREATE TABLE kernel.event_deliveries (
    event_id        uuid        NOT NULL REFERENCES kernel.event_outbox (id),
    subscriber      text        NOT NULL,
    tenant_id       uuid        NOT NULL REFERENCES kernel.tenants (id),
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    -- Deliveries started so far, including one in progress.
    attempts        integer     NOT NULL DEFAULT 0,
    -- When a pending delivery is due; while one is in progress, when its claim lapses.
    next_attempt_at timestamptz NOT NULL,
    -- Exception type and message of the last failure, credentials masked, at most 500 characters.
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    PRIMARY KEY (event_id, subscriber)
);
CREATE INDEX event_deliveries_due ON kernel.event_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX event_deliveries_dead ON kernel.event_deliveries (tenant_id, last_attempt_at, event_id, subscriber)
    WHERE status = 'dead';
CREATE INDEX event_deliveries_dead_all ON kernel.event_deliveries (last_attempt_at, event_id, subscriber)
    WHERE status = 'dead';

-- One row per job run: the primary key is the claim, so two nodes cannot both run one due time.
CREATE TABLE kernel.job_runs (
    plugin_id   text        NOT NULL,
    job_name    text        NOT NULL,
    tenant_id   uuid        NOT NULL REFERENCES kernel.tenants (id),
    due_at      timestamptz NOT NULL,
    claimed_by  text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome     text CHECK (outcome IN ('succeeded', 'failed')),
    error       text,
    PRIMARY KEY (plugin_id, job_name, tenant_id, due_at)
);
CREATE INDEX job_runs_tenant ON kernel.job_runs (tenant_id, due_at);

ALTER TABLE kernel.event_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.event_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.event_outbox
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.event_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.event_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.event_deliveries
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.job_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.job_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.job_runs
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

-- Events and run records are history: the application may add and update them, not delete them.
GRANT SELECT, INSERT, UPDATE ON kernel.event_outbox, kernel.event_deliveries, kernel.job_runs TO voicecore_app;
