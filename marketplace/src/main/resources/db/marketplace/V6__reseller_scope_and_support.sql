-- The reseller scope: when the marketplace acts for a reseller it sets voicecore.scope = 'reseller' and
-- voicecore.reseller_id (transaction-local, like the kernel's tenant scope), and row-level security then leaves only
-- that reseller's rows, so a query that forgets its reseller_id filter still sees nothing of another reseller's.
-- The platform scope sees every row, as before.

CREATE FUNCTION marketplace.reseller_visible(r uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$
SELECT coalesce(current_setting('voicecore.scope', true), '') = 'platform'
    OR (coalesce(current_setting('voicecore.scope', true), '') = 'reseller'
        AND r = nullif(current_setting('voicecore.reseller_id', true), '')::uuid)
$$;

DROP POLICY platform_only ON marketplace.reseller_tenants;
CREATE POLICY reseller_isolation ON marketplace.reseller_tenants
    USING (marketplace.reseller_visible(reseller_id)) WITH CHECK (marketplace.reseller_visible(reseller_id));

-- Support access: a sub-tenant's admin lets its reseller in for a while. A grant is seen by the tenant (tenant scope)
-- and by its reseller (reseller scope).
CREATE TABLE marketplace.support_grants (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    reseller_id uuid        NOT NULL REFERENCES marketplace.resellers (id),
    reason      text        NOT NULL,
    hours       integer     NOT NULL CHECK (hours BETWEEN 1 AND 72),
    granted_by  text        NOT NULL,
    granted_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    revoked_by  text
);
CREATE INDEX support_grants_by_tenant ON marketplace.support_grants (tenant_id, granted_at, id);

-- The tenant user a reseller's support sessions run as (one per tenant and reseller), so the tenant's audit log
-- names one account for everything its reseller's support did.
CREATE TABLE marketplace.support_users (
    tenant_id   uuid        NOT NULL,
    reseller_id uuid        NOT NULL REFERENCES marketplace.resellers (id),
    user_id     uuid        NOT NULL UNIQUE,
    PRIMARY KEY (tenant_id, reseller_id)
);

-- A kernel session opened under a grant; revoking the grant ends it.
CREATE TABLE marketplace.support_sessions (
    session_id  uuid        PRIMARY KEY,
    grant_id    uuid        NOT NULL REFERENCES marketplace.support_grants (id),
    tenant_id   uuid        NOT NULL,
    reseller_id uuid        NOT NULL REFERENCES marketplace.resellers (id),
    user_id     uuid        NOT NULL,
    opened_by   text        NOT NULL,
    opened_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX support_sessions_by_grant ON marketplace.support_sessions (grant_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON marketplace.support_grants, marketplace.support_users, marketplace.support_sessions
    TO voicecore_app;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['support_grants', 'support_users', 'support_sessions']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY reseller_or_tenant ON marketplace.%I '
                       'USING (marketplace.reseller_visible(reseller_id) OR kernel.tenant_visible(tenant_id)) '
                       'WITH CHECK (marketplace.reseller_visible(reseller_id) OR kernel.tenant_visible(tenant_id))', t);
    END LOOP;
END $$;
