-- Deleting a tenant: its row and every row of a table whose foreign key names it (keys, users, sessions, plugin
-- enablements, settings, secrets, events, usage), found from the catalogue so that a table added later is included
-- without changing this function. The application role may not delete those rows itself; it may only call this,
-- in platform scope. The audit log has no foreign key to the tenant and is never deleted.
CREATE FUNCTION kernel.delete_tenant(p_tenant uuid) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    v_pending text[];
    v_failed text[];
    v_target text;
    v_pass integer := 0;
BEGIN
    IF coalesce(current_setting('voicecore.scope', true), '') <> 'platform' THEN
        RAISE EXCEPTION 'kernel.delete_tenant runs in platform scope only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT array_agg(format('DELETE FROM %I.%I WHERE %I = $1', n.nspname, c.relname, a.attname)) INTO v_pending
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
    WHERE k.contype = 'f' AND k.confrelid = 'kernel.tenants'::regclass AND cardinality(k.conkey) = 1;
    -- Tables referring to each other are emptied in whatever order succeeds: a delete that a child row still blocks
    -- is tried again on the next pass, after the child's own table.
    WHILE cardinality(coalesce(v_pending, '{}')) > 0 LOOP
        v_pass := v_pass + 1;
        v_failed := '{}';
        FOREACH v_target IN ARRAY v_pending LOOP
            BEGIN
                EXECUTE v_target USING p_tenant;
            EXCEPTION WHEN foreign_key_violation THEN
                v_failed := v_failed || v_target;
            END;
        END LOOP;
        IF cardinality(v_failed) = cardinality(v_pending) THEN
            RAISE EXCEPTION 'tenant % has rows that no deletion order removes: %', p_tenant, v_failed;
        END IF;
        v_pending := v_failed;
    END LOOP;
    DELETE FROM kernel.tenants WHERE id = p_tenant;
    RETURN FOUND;
END
$$;
REVOKE ALL ON FUNCTION kernel.delete_tenant(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kernel.delete_tenant(uuid) TO voicecore_app;
