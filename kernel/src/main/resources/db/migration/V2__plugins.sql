-- Plugin runtime: installed versions (jar and manifest kept in the database so every kernel node can
-- load them) and each tenant's enablement, grants, active version and quarantine.

CREATE TABLE kernel.plugin_versions (
    plugin_id    text        NOT NULL,
    version      text        NOT NULL,
    manifest     text        NOT NULL,
    jar          bytea       NOT NULL,
    jar_sha256   text        NOT NULL,
    installed_by text        NOT NULL,
    installed_at timestamptz NOT NULL DEFAULT now(),
    retired_at   timestamptz,
    PRIMARY KEY (plugin_id, version)
);

CREATE TABLE kernel.plugins (
    plugin_id       text PRIMARY KEY,
    current_version text        NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (plugin_id, current_version) REFERENCES kernel.plugin_versions (plugin_id, version)
);

CREATE TABLE kernel.tenant_plugins (
    tenant_id         uuid        NOT NULL REFERENCES kernel.tenants (id),
    plugin_id         text        NOT NULL REFERENCES kernel.plugins (plugin_id) ON DELETE CASCADE,
    enabled           boolean     NOT NULL,
    granted           text        NOT NULL DEFAULT '',
    active_version    text,
    quarantined_until timestamptz,
    quarantine_reason text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, plugin_id)
);
CREATE INDEX tenant_plugins_plugin ON kernel.tenant_plugins (plugin_id);

ALTER TABLE kernel.plugin_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.plugin_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON kernel.plugin_versions
    USING (coalesce(current_setting('voicecore.scope', true), '') = 'platform')
    WITH CHECK (coalesce(current_setting('voicecore.scope', true), '') = 'platform');

ALTER TABLE kernel.plugins ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.plugins FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON kernel.plugins
    USING (coalesce(current_setting('voicecore.scope', true), '') = 'platform')
    WITH CHECK (coalesce(current_setting('voicecore.scope', true), '') = 'platform');

ALTER TABLE kernel.tenant_plugins ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.tenant_plugins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.tenant_plugins
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

GRANT SELECT, INSERT, UPDATE ON kernel.plugin_versions, kernel.plugins TO voicecore_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON kernel.tenant_plugins TO voicecore_app;
GRANT DELETE ON kernel.plugins TO voicecore_app;
