-- Plugin storage: the kernel-side tables and functions behind per-plugin schemas
-- (io.voicecore.kernel.plugins.storage.PluginDatabases documents the design).

-- No role but the owners may create objects in schema public (PostgreSQL before 15 lets PUBLIC do it),
-- so a plugin's roles can create objects only in the plugin's own schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Temporary tables and functions outlive a statement; plugin roles must not be able to keep state that
-- way between calls for different tenants. The application role keeps the right it had through PUBLIC.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO voicecore_app', current_database());
END
$$;

-- Which tenant a plugin connection is working for, keyed by its server process id. Only the kernel
-- writes it (as voicecore_app); plugin roles can only ask through vc_guard.current_tenant(), so no SQL
-- a plugin sends can change the tenant its statements see. UNLOGGED: a binding never outlives its
-- backend process, so a crash that empties the table loses nothing, and binding writes no WAL.
CREATE SCHEMA vc_guard;
REVOKE ALL ON SCHEMA vc_guard FROM PUBLIC;
GRANT USAGE ON SCHEMA vc_guard TO voicecore_app;

CREATE UNLOGGED TABLE vc_guard.connection_tenant (
    pid         integer PRIMARY KEY,
    -- The login role of the bound connection: a binding applies only to a session of that role, so a
    -- binding left behind by a dead backend cannot apply to an unrelated session that reuses its pid.
    role        name        NOT NULL,
    tenant_id   uuid,
    -- Set only while the kernel applies a plugin's migrations, which may have to change every tenant's rows.
    all_tenants boolean     NOT NULL DEFAULT false,
    bound_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((tenant_id IS NULL) = all_tenants)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON vc_guard.connection_tenant TO voicecore_app;

-- The tenant the calling connection is bound to, or NULL (then every tenant policy denies).
CREATE FUNCTION vc_guard.current_tenant() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
SELECT b.tenant_id FROM vc_guard.connection_tenant b
 WHERE b.pid = pg_catalog.pg_backend_pid() AND b.role = session_user AND NOT b.all_tenants
$$;

-- True only on the connection the kernel is applying a plugin's migrations on.
CREATE FUNCTION vc_guard.migration_in_progress() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
SELECT coalesce((SELECT b.all_tenants FROM vc_guard.connection_tenant b
                  WHERE b.pid = pg_catalog.pg_backend_pid() AND b.role = session_user), false)
$$;

-- Functions are executable by PUBLIC unless revoked; the kernel grants EXECUTE to each plugin's roles.
REVOKE ALL ON FUNCTION vc_guard.current_tenant() FROM PUBLIC;
REVOKE ALL ON FUNCTION vc_guard.migration_in_progress() FROM PUBLIC;

-- One row per plugin that has a database: its schema, its two roles, and their passwords sealed with
-- the master key (SecretBox, context 'plugin-db-password:<role>') so every kernel node can log in as them.
-- Not tenant-owned and not granted to voicecore_app: only the kernel's administrative login reads it.
CREATE TABLE kernel.plugin_databases (
    plugin_id        text PRIMARY KEY,
    schema_name      text        NOT NULL UNIQUE,
    owner_role       text        NOT NULL UNIQUE,
    runtime_role     text        NOT NULL UNIQUE,
    owner_password   bytea       NOT NULL,
    runtime_password bytea       NOT NULL,
    plugin_version   text        NOT NULL,
    schema_version   text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    migrated_at      timestamptz NOT NULL DEFAULT now()
);
