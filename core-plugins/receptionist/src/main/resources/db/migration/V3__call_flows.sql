-- The tenant's call-flow script, which the receptionist runs on each caller turn: one per tenant. The version counts
-- the saves and goes on after a deletion (the script is then null), so a decision recorded with a turn always names
-- the one script that made it.
CREATE TABLE call_flows (
    tenant_id uuid        NOT NULL PRIMARY KEY,
    script    text,
    version   integer     NOT NULL CHECK (version >= 1),
    saved_by  text        NOT NULL,
    saved_at  timestamptz NOT NULL
);

-- What the call flow decided on a turn (action, department, rule, script version), or that it failed and the turn
-- went on as if there were none; kept on the receptionist's reply.
ALTER TABLE messages ADD COLUMN call_flow jsonb;
