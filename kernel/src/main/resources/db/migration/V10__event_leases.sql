-- Event delivery by lease: the dispatcher leases outbox rows and delivers each event to its subscribers without
-- writing a row per (event, subscriber) first. kernel.event_deliveries keeps only what must be remembered: deliveries
-- that failed (retries, dead letters), that were held or handed back, and the delivered marks of events with several
-- subscribers (so a node that dies repeats only the subscriber it was serving). Published inside a plugin's storage
-- transaction, events are written together just before it commits, through vc_guard.publish_events.

-- How many times the event was leased for delivery; the attempt number of deliveries made under the lease.
ALTER TABLE kernel.event_outbox ADD COLUMN lease_attempts integer NOT NULL DEFAULT 0;
-- While a node delivers the event: when its lease lapses and any node may lease it again.
ALTER TABLE kernel.event_outbox ADD COLUMN leased_until timestamptz;
-- When every subscriber of the event had received it (directly, or by a retry recorded in event_deliveries);
-- NULL while any delivery of it is pending or dead. Retention selects on it: delivered events older than N days.
ALTER TABLE kernel.event_outbox ADD COLUMN delivered_at timestamptz;
COMMENT ON COLUMN kernel.event_outbox.fanned_out_at IS
    'Set once each subscriber of the moment received the event or has its own row in kernel.event_deliveries';

-- Events published before this migration were fanned out into delivery rows; those that are finished are delivered.
UPDATE kernel.event_outbox o SET delivered_at = o.fanned_out_at
 WHERE o.fanned_out_at IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM kernel.event_deliveries d WHERE d.event_id = o.id AND d.status <> 'delivered');

-- The dispatcher is the only writer of delivery rows and copies both columns from an outbox row that already
-- references its tenant; each insert paid two foreign-key checks for nothing. Retention deletes an event's delivery
-- rows with the event.
ALTER TABLE kernel.event_deliveries DROP CONSTRAINT IF EXISTS event_deliveries_event_id_fkey;
ALTER TABLE kernel.event_deliveries DROP CONSTRAINT IF EXISTS event_deliveries_tenant_id_fkey;

-- Several events of one plugin transaction in one statement, written just before that transaction commits. The same
-- checks as vc_guard.publish_event; the events take the statement's time plus a microsecond per position, so they
-- sort in the order they were published.
CREATE FUNCTION vc_guard.publish_events(p_ids uuid[], p_topics text[], p_payloads text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    v_tenant uuid := vc_guard.current_tenant();
    v_now timestamptz := clock_timestamp();
    v_undeclared text;
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'no tenant is bound to this connection';
    END IF;
    IF cardinality(p_ids) IS DISTINCT FROM cardinality(p_topics) OR cardinality(p_ids) IS DISTINCT FROM cardinality(p_payloads) THEN
        RAISE EXCEPTION 'ids, topics and payloads differ in length';
    END IF;
    SELECT t.topic INTO v_undeclared FROM unnest(p_topics) AS t(topic)
     WHERE NOT EXISTS (SELECT 1 FROM vc_guard.publications p WHERE p.role = session_user AND p.topic = t.topic) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'topic % is not declared under events.publishes of this plugin', v_undeclared;
    END IF;
    PERFORM set_config('voicecore.scope', 'tenant', true);
    PERFORM set_config('voicecore.tenant_id', v_tenant::text, true);
    INSERT INTO kernel.event_outbox (id, tenant_id, topic, publisher, payload, occurred_at)
    SELECT e.id, v_tenant, e.topic, p.plugin_id, e.payload, v_now + (e.n - 1) * interval '1 microsecond'
      FROM unnest(p_ids, p_topics, p_payloads) WITH ORDINALITY AS e(id, topic, payload, n)
      JOIN vc_guard.publications p ON p.role = session_user AND p.topic = e.topic;
    PERFORM set_config('voicecore.scope', '', true);
    PERFORM set_config('voicecore.tenant_id', '', true);
END
$$;
REVOKE ALL ON FUNCTION vc_guard.publish_events(uuid[], text[], text[]) FROM PUBLIC;

-- Plugin roles made before this migration get it as they got vc_guard.publish_event; later ones at install.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT p.role FROM vc_guard.publications p JOIN pg_roles g ON g.rolname = p.role LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION vc_guard.publish_events(uuid[], text[], text[]) TO %I', r.role);
    END LOOP;
END
$$;
