-- Contacts followed as sales leads. The score and the open statuses are computed from the contact's
-- interactions with the tenant's rules; only a final outcome (won, lost) is stored.
CREATE TABLE leads (
    id         uuid        NOT NULL PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    contact_id uuid        NOT NULL UNIQUE REFERENCES contacts (id) ON DELETE CASCADE,
    outcome    text        CHECK (outcome IN ('won', 'lost')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX leads_page ON leads (tenant_id, created_at, id);
