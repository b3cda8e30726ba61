-- Plugin capabilities kept by the kernel: secrets, billable usage and per-tenant configuration.
-- All three are tenant-owned and guarded by the same row-level security as the V1 tables.

-- Secret values of one tenant for one plugin, sealed with AES-256-GCM (SecretBox) and bound to
-- (tenant, plugin, name), so a value copied to another row does not open.
CREATE TABLE kernel.plugin_secrets (
    tenant_id  uuid        NOT NULL REFERENCES kernel.tenants (id),
    plugin_id  text        NOT NULL,
    name       text        NOT NULL,
    sealed     bytea       NOT NULL,
    -- The master key id the value is sealed under (as written in the box), for re-sealing after rotation.
    key_id     smallint    NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, plugin_id, name)
);

-- Billable usage, append-only. One index besides the key keeps each insert cheap.
CREATE TABLE kernel.usage_records (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES kernel.tenants (id),
    plugin_id   text        NOT NULL,
    meter       text        NOT NULL,
    quantity    bigint      NOT NULL CHECK (quantity > 0 AND quantity <= 1000000000000),
    unit        text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    request_id  text        NOT NULL
);
CREATE INDEX usage_records_tenant_time ON kernel.usage_records (tenant_id, occurred_at);

-- What a tenant configured for a plugin (only the keys it set; defaults are applied when read).
CREATE TABLE kernel.plugin_config (
    tenant_id     uuid        NOT NULL REFERENCES kernel.tenants (id),
    plugin_id     text        NOT NULL,
    config_values jsonb       NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, plugin_id)
);

ALTER TABLE kernel.plugin_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.plugin_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.plugin_secrets
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.usage_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.usage_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.usage_records
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.plugin_config ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.plugin_config FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.plugin_config
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

GRANT SELECT, INSERT, UPDATE, DELETE ON kernel.plugin_secrets, kernel.plugin_config TO voicecore_app;
-- Usage is a billing record: the application may add and read it, never change or remove it.
GRANT SELECT, INSERT ON kernel.usage_records TO voicecore_app;
