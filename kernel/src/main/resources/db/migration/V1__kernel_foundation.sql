-- Kernel foundation: tenants, credentials, users, sessions, audit log.
-- Tenant-owned tables carry tenant_id and are guarded by row-level security keyed on the
-- transaction settings voicecore.scope ('tenant' | 'platform') and voicecore.tenant_id.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'voicecore_app') THEN
        CREATE ROLE voicecore_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;
-- The connecting user must be able to SET ROLE voicecore_app (a no-op grant for a superuser).
GRANT voicecore_app TO CURRENT_USER;

GRANT USAGE ON SCHEMA kernel TO voicecore_app;

-- True when the current transaction may see rows of tenant t.
CREATE FUNCTION kernel.tenant_visible(t uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$
SELECT coalesce(current_setting('voicecore.scope', true), '') = 'platform'
    OR (coalesce(current_setting('voicecore.scope', true), '') = 'tenant'
        AND t = nullif(current_setting('voicecore.tenant_id', true), '')::uuid)
$$;

CREATE TABLE kernel.tenants (
    id           uuid PRIMARY KEY,
    slug         text        NOT NULL UNIQUE,
    name         text        NOT NULL,
    plan_tier    text        NOT NULL DEFAULT 'standard',
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    mfa_required boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenants_created ON kernel.tenants (created_at, id);

CREATE TABLE kernel.api_keys (
    id           uuid PRIMARY KEY,
    tenant_id    uuid REFERENCES kernel.tenants (id),
    name         text        NOT NULL,
    role         text        NOT NULL,
    prefix       text        NOT NULL,
    secret_hash  bytea       NOT NULL UNIQUE,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant ON kernel.api_keys (tenant_id, created_at, id);

CREATE TABLE kernel.users (
    id                   uuid PRIMARY KEY,
    tenant_id            uuid        NOT NULL REFERENCES kernel.tenants (id),
    email                text        NOT NULL,
    display_name         text,
    role                 text        NOT NULL,
    password_hash        text        NOT NULL,
    status               text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    totp_secret          bytea,
    totp_enabled         boolean     NOT NULL DEFAULT false,
    totp_last_step       bigint      NOT NULL DEFAULT 0,
    sessions_valid_after timestamptz NOT NULL DEFAULT '-infinity',
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_tenant_email ON kernel.users (tenant_id, lower(email));
CREATE INDEX users_tenant_created ON kernel.users (tenant_id, created_at, id);

CREATE TABLE kernel.recovery_codes (
    user_id   uuid        NOT NULL REFERENCES kernel.users (id) ON DELETE CASCADE,
    tenant_id uuid        NOT NULL REFERENCES kernel.tenants (id),
    code_hash bytea       NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE kernel.sessions (
    id         uuid PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES kernel.tenants (id),
    user_id    uuid        NOT NULL REFERENCES kernel.users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_user ON kernel.sessions (user_id);

-- Platform-wide values the kernel keeps for itself (admin token hash, encrypted signing key).
CREATE TABLE kernel.platform_settings (
    key        text PRIMARY KEY,
    value      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Audit: one hash chain per tenant, and one ('platform') for platform-level actions.
CREATE TABLE kernel.audit_log (
    id          uuid        NOT NULL UNIQUE,
    chain       text        NOT NULL,
    seq         bigint      NOT NULL,
    tenant_id   uuid,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    target      text        NOT NULL,
    outcome     text        NOT NULL,
    request_id  text        NOT NULL,
    details     text        NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL,
    prev_hash   bytea       NOT NULL,
    hash        bytea       NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_tenant_time ON kernel.audit_log (tenant_id, occurred_at);
CREATE INDEX audit_time ON kernel.audit_log (occurred_at, chain, seq);

CREATE TABLE kernel.audit_heads (
    chain     text PRIMARY KEY,
    tenant_id uuid,
    seq       bigint NOT NULL,
    hash      bytea  NOT NULL
);

-- Row-level security on everything tenant-owned. FORCE makes it bind the table owner too.
ALTER TABLE kernel.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.tenants
    USING (kernel.tenant_visible(id)) WITH CHECK (kernel.tenant_visible(id));

ALTER TABLE kernel.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.api_keys FORCE ROW LEVEL SECURITY;
-- Platform-level keys (tenant_id NULL) are visible in platform scope only.
CREATE POLICY tenant_isolation ON kernel.api_keys
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.users
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.recovery_codes
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.sessions
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.audit_log
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kernel.audit_heads
    USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));

ALTER TABLE kernel.platform_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.platform_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON kernel.platform_settings
    USING (coalesce(current_setting('voicecore.scope', true), '') = 'platform')
    WITH CHECK (coalesce(current_setting('voicecore.scope', true), '') = 'platform');

GRANT SELECT, INSERT, UPDATE ON kernel.tenants, kernel.api_keys, kernel.users, kernel.sessions,
    kernel.platform_settings, kernel.audit_heads TO voicecore_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON kernel.recovery_codes TO voicecore_app;
-- The audit log is append-only for the application: no UPDATE, no DELETE.
GRANT SELECT, INSERT ON kernel.audit_log TO voicecore_app;
