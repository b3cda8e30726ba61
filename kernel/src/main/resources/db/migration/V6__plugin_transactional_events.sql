-- Events a plugin publishes inside its own storage transaction must commit or roll back with it. That
-- transaction runs on the plugin's own database role, which may not touch kernel tables, so it publishes
-- through vc_guard.publish_event: the function checks the topic against what the kernel recorded from the
-- manifest for that role, takes the tenant from the connection's binding (which plugin SQL cannot forge),
-- and writes the outbox row in the plugin's transaction.

-- Which topics each plugin database role may publish; written by the kernel at every install.
CREATE TABLE vc_guard.publications (
    role      name NOT NULL,
    plugin_id text NOT NULL,
    topic     text NOT NULL,
    PRIMARY KEY (role, topic)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON vc_guard.publications TO voicecore_app;

CREATE FUNCTION vc_guard.publish_event(p_id uuid, p_topic text, p_payload text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    v_tenant uuid := vc_guard.current_tenant();
    v_plugin text;
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'no tenant is bound to this connection';
    END IF;
    SELECT p.plugin_id INTO v_plugin FROM vc_guard.publications p WHERE p.role = session_user AND p.topic = p_topic;
    IF v_plugin IS NULL THEN
        RAISE EXCEPTION 'topic % is not declared under events.publishes of this plugin', p_topic;
    END IF;
    -- The outbox is tenant-owned: open exactly the bound tenant's scope for this insert, then close it.
    PERFORM set_config('voicecore.scope', 'tenant', true);
    PERFORM set_config('voicecore.tenant_id', v_tenant::text, true);
    INSERT INTO kernel.event_outbox (id, tenant_id, topic, publisher, payload, occurred_at)
    VALUES (p_id, v_tenant, p_topic, v_plugin, p_payload, clock_timestamp());
    PERFORM set_config('voicecore.scope', '', true);
    PERFORM set_config('voicecore.tenant_id', '', true);
END
$$;
REVOKE ALL ON FUNCTION vc_guard.publish_event(uuid, text, text) FROM PUBLIC;
