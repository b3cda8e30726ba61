-- Resellers: agencies and telecoms that sell receptionists under their own brand to the tenants they own
-- (sub-tenants). A reseller is a platform-level principal (role reseller, its own API key); its rows are seen in the
-- platform scope only, like publishers. Which tenants a reseller owns is recorded here, never in the kernel.

CREATE TABLE marketplace.resellers (
    id          uuid        PRIMARY KEY,
    slug        text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    api_key_id  uuid        NOT NULL UNIQUE,
    -- The reseller's white label (product name, logo, colours, assistant name, support e-mail, sender name).
    branding    jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL
);

-- A bundle: a named set of plugins a reseller sells together. Its content is versioned: each change is a new row
-- of bundle_versions, and a sub-tenant records the version it was given.
CREATE TABLE marketplace.bundles (
    id          uuid        PRIMARY KEY,
    reseller_id uuid        NOT NULL REFERENCES marketplace.resellers (id),
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reseller_id, name)
);

CREATE TABLE marketplace.bundle_versions (
    bundle_id   uuid        NOT NULL REFERENCES marketplace.bundles (id),
    version     integer     NOT NULL CHECK (version > 0),
    -- [{"id", "version", "plan", "config", "permissions": [{"permission", "reason"}]}]
    plugins     jsonb       NOT NULL,
    -- overrides of the reseller's branding for tenants of this bundle
    branding    jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    PRIMARY KEY (bundle_id, version)
);

-- A tenant belongs to at most one reseller, for as long as the tenant exists.
CREATE TABLE marketplace.reseller_tenants (
    tenant_id   uuid        PRIMARY KEY,
    reseller_id uuid        NOT NULL REFERENCES marketplace.resellers (id),
    bundle_id   uuid        REFERENCES marketplace.bundles (id),
    bundle_version integer,
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (bundle_id, bundle_version) REFERENCES marketplace.bundle_versions (bundle_id, version)
);
CREATE INDEX reseller_tenants_by_reseller ON marketplace.reseller_tenants (reseller_id, created_at);

GRANT SELECT, INSERT, UPDATE ON marketplace.resellers, marketplace.bundles, marketplace.bundle_versions TO voicecore_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON marketplace.reseller_tenants TO voicecore_app;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['resellers', 'reseller_tenants', 'bundles', 'bundle_versions']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY platform_only ON marketplace.%I '
                       'USING (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'') '
                       'WITH CHECK (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'')', t);
    END LOOP;
END $$;
