-- A reseller's further API keys (for its staff and its systems), besides the one its account was created with: each
-- can be revoked on its own, so a key can be rotated without a moment in which the reseller has none.
CREATE TABLE marketplace.reseller_keys (
    api_key_id  uuid        PRIMARY KEY,
    reseller_id uuid        NOT NULL REFERENCES marketplace.resellers (id),
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    revoked_at  timestamptz,
    revoked_by  text
);
CREATE INDEX reseller_keys_by_reseller ON marketplace.reseller_keys (reseller_id, created_at);

ALTER TABLE marketplace.reseller_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.reseller_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY reseller_isolation ON marketplace.reseller_keys
    USING (marketplace.reseller_visible(reseller_id)) WITH CHECK (marketplace.reseller_visible(reseller_id));
GRANT SELECT, INSERT, UPDATE ON marketplace.reseller_keys TO voicecore_app;

-- The key each account was created with is one of its keys like the others (marked primary by resellers.api_key_id).
INSERT INTO marketplace.reseller_keys (api_key_id, reseller_id, name, created_at, created_by)
SELECT api_key_id, id, 'account', created_at, created_by FROM marketplace.resellers;
