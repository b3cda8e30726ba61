-- Resellers: agencies and telecoms that sell receptionists under their own brand to the tenants they own
-- (sub-tenants). A reseller is a platform-level principal (role reseller, its own API key); its rows are seen in the
-- platform scope only, like publishers. Which tenants a reseller owns is recorded here, never in the kernel.

CREATE TABLE marketplace.resellers (
    id          uuid        PRIMARY KEY,
    slug        text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    api_key_id  uuid        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL
);

-- A tenant belongs to at most one reseller, for as long as the tenant exists.
CREATE TABLE marketplace.reseller_tenants (
    tenant_id   uuid        PRIMARY KEY,
    reseller_id uuid        NOT NULL REFERENCES marketplace.resellers (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reseller_tenants_by_reseller ON marketplace.reseller_tenants (reseller_id, created_at);

GRANT SELECT, INSERT, UPDATE ON marketplace.resellers TO voicecore_app;
GRANT SELECT, INSERT, DELETE ON marketplace.reseller_tenants TO voicecore_app;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['resellers', 'reseller_tenants']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY platform_only ON marketplace.%I '
                       'USING (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'') '
                       'WITH CHECK (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'')', t);
    END LOOP;
END $$;
