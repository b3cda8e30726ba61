-- A plugin connection binds itself to a call's tenant in the same round trip as the call's first statement, instead of
-- the kernel writing the binding over a connection of its own first (io.voicecore.kernel.plugins.storage.CallConnection).
-- It can do so only with its connection key: 32 random bytes the kernel makes when it first uses the connection and
-- registers here, over its own login, as a hash. The key travels only as a bind parameter of the kernel's own
-- statement, which no SQL of the plugin can read back (pg_stat_activity shows parameters as $1, $2), and a key is good
-- only for the server process and login role it was registered for. So plugin SQL still cannot choose its tenant.
CREATE UNLOGGED TABLE vc_guard.connection_key (
    pid           integer PRIMARY KEY,
    role          name        NOT NULL,
    key_hash      bytea       NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON vc_guard.connection_key TO voicecore_app;

-- Binds the calling connection to a tenant if the key is the one registered for it; otherwise refuses (42501) and
-- changes nothing.
CREATE FUNCTION vc_guard.bind_tenant(p_tenant uuid, p_key bytea) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    IF p_tenant IS NULL OR p_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM vc_guard.connection_key k
             WHERE k.pid = pg_backend_pid() AND k.role = session_user AND k.key_hash = sha256(p_key)) THEN
        RAISE EXCEPTION 'this connection may not bind itself to a tenant' USING ERRCODE = '42501';
    END IF;
    INSERT INTO vc_guard.connection_tenant (pid, role, tenant_id, all_tenants, bound_at)
    VALUES (pg_backend_pid(), session_user, p_tenant, false, now())
    ON CONFLICT (pid) DO UPDATE SET role = excluded.role, tenant_id = excluded.tenant_id, all_tenants = false,
                                    bound_at = excluded.bound_at;
END
$$;
REVOKE ALL ON FUNCTION vc_guard.bind_tenant(uuid, bytea) FROM PUBLIC;

-- Everything DISCARD ALL resets but the plans and the driver's prepared statements, as one statement that can run in
-- a transaction (DISCARD ALL cannot): cursors, session authorization and role, settings, listeners, session advisory
-- locks, temporary objects, sequence state and the statements the plugin PREPAREd itself. SECURITY INVOKER and
-- without a SET clause, so the settings it resets stay reset when it returns; every name is qualified, so a
-- search_path the plugin set cannot redirect it.
CREATE FUNCTION vc_guard.reset_session() RETURNS void
    LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
    v_name text;
BEGIN
    EXECUTE 'CLOSE ALL';
    EXECUTE 'SET SESSION AUTHORIZATION DEFAULT';
    EXECUTE 'RESET ALL';
    EXECUTE 'UNLISTEN *';
    PERFORM pg_catalog.pg_advisory_unlock_all();
    EXECUTE 'DISCARD TEMP';
    EXECUTE 'DISCARD SEQUENCES';
    FOR v_name IN SELECT p.name FROM pg_catalog.pg_prepared_statements p WHERE p.from_sql LOOP
        EXECUTE pg_catalog.format('DEALLOCATE %I', v_name);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION vc_guard.reset_session() FROM PUBLIC;

-- The start of a call: what the connection's previous call left is reset, then the connection is bound to the call's
-- tenant. Sent in front of the call's first statement, in its round trip and transaction: if the statement fails, the
-- binding and the reset are undone with it, and the call's next statement is sent behind begin_call again.
-- A transaction's statements are planned for their parameters every time (p_custom_plans): one call may run a statement
-- thousands of times while its tables grow inside its transaction (a CSV import), and a generic plan made while a table
-- was empty would otherwise be kept for all of them. Single statements keep PostgreSQL's usual choice, which reuses a
-- generic plan once it is no worse, and replans when the tables' statistics change.
CREATE FUNCTION vc_guard.begin_call(p_tenant uuid, p_key bytea, p_custom_plans boolean) RETURNS void
    LANGUAGE plpgsql VOLATILE AS
$$
BEGIN
    PERFORM vc_guard.reset_session();
    PERFORM vc_guard.bind_tenant(p_tenant, p_key);
    IF p_custom_plans THEN
        PERFORM pg_catalog.set_config('plan_cache_mode', 'force_custom_plan', true);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION vc_guard.begin_call(uuid, bytea, boolean) FROM PUBLIC;

-- The end of a call that must not leave its session state until the connection's next call (it took session advisory
-- locks, or the connection is being closed): reset, and the binding given up.
CREATE FUNCTION vc_guard.end_call() RETURNS void
    LANGUAGE plpgsql VOLATILE AS
$$
BEGIN
    PERFORM vc_guard.reset_session();
    PERFORM vc_guard.release_binding();
END
$$;
REVOKE ALL ON FUNCTION vc_guard.end_call() FROM PUBLIC;
