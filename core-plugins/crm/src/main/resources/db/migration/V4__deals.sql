-- Sales pipelines with ordered stages, and the deals that move through them.
-- Row-level security on tenant_id is added by the kernel. The plugin validates every value first (one 422 naming
-- each field); the constraints below hold the same rules in the database.

-- A tenant's pipelines. Exactly one per tenant is the default ("Sales"), created on first use.
CREATE TABLE pipelines (
    id         uuid        NOT NULL PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    is_default boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX pipelines_name ON pipelines (tenant_id, lower(name));
CREATE UNIQUE INDEX pipelines_one_default ON pipelines (tenant_id) WHERE is_default;
CREATE INDEX pipelines_page ON pipelines (tenant_id, created_at, id);

-- The stages of a pipeline, in position order. A stage is named by its key within the pipeline; its kind
-- decides the status of the deals in it.
CREATE TABLE pipeline_stages (
    tenant_id   uuid    NOT NULL,
    pipeline_id uuid    NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    key         text    NOT NULL CHECK (key ~ '^[a-z][a-z0-9_-]{0,39}$'),
    name        text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    position    integer NOT NULL CHECK (position >= 0),
    kind        text    NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    PRIMARY KEY (pipeline_id, key),
    -- Referenced by deals together with their status, so a deal's status is always its stage's kind.
    CONSTRAINT pipeline_stages_kind UNIQUE (pipeline_id, key, kind),
    -- Deferred: a reorder rewrites several positions, which collide only in the middle of the transaction.
    CONSTRAINT pipeline_stages_position UNIQUE (pipeline_id, position) DEFERRABLE INITIALLY DEFERRED
);

-- Deals. Amounts are whole minor units of the currency (cents, yen) in a bigint: no floating point.
-- A contact with deals cannot be deleted (RESTRICT), nor a stage that holds deals, nor can a stage
-- holding deals change its kind (the composite reference below).
CREATE TABLE deals (
    id                  uuid        NOT NULL PRIMARY KEY,
    tenant_id           uuid        NOT NULL,
    contact_id          uuid        NOT NULL REFERENCES contacts (id) ON DELETE RESTRICT,
    title               text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    amount              bigint      NOT NULL CHECK (amount >= 0),
    currency            char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    pipeline_id         uuid        NOT NULL,
    stage_key           text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    expected_close_date date,
    owner               text        CHECK (length(owner) BETWEEN 1 AND 200),
    lost_reason         text        CHECK (length(btrim(lost_reason)) BETWEEN 1 AND 1000),
    -- When the deal was won or lost; empty while it is open.
    closed_at           timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT deals_stage FOREIGN KEY (pipeline_id, stage_key, status) REFERENCES pipeline_stages (pipeline_id, key, kind),
    CONSTRAINT deals_closed_at CHECK ((status = 'open') = (closed_at IS NULL)),
    CONSTRAINT deals_lost_reason CHECK ((status = 'lost') = (lost_reason IS NOT NULL))
);

CREATE INDEX deals_page ON deals (tenant_id, created_at, id);
-- Without tenant_id first: they also serve the reference checks when a stage or contact is deleted.
CREATE INDEX deals_stage ON deals (pipeline_id, stage_key, status);
CREATE INDEX deals_contact ON deals (contact_id);
CREATE INDEX deals_owner ON deals (tenant_id, owner);
