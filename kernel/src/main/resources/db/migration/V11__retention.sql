-- Retention: history the kernel keeps for a while and then deletes in small batches (RetentionJob). The application
-- role still may not delete events, job runs, sessions or usage records itself: it may only call the functions below,
-- each of which deletes at most p_limit rows that its own rule allows, and nothing else. The audit log is never
-- deleted. Each function returns how many rows it deleted; the caller's transaction scope applies (row-level security
-- binds the owner too), so RetentionJob calls them in platform scope.

-- Which node ran a retention pass last, so that one node a period does the work (the claim is an UPDATE of this row).
CREATE TABLE kernel.retention_runs (
    job         text PRIMARY KEY,
    last_run_at timestamptz NOT NULL
);
ALTER TABLE kernel.retention_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE kernel.retention_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON kernel.retention_runs
    USING (coalesce(current_setting('voicecore.scope', true), '') = 'platform')
    WITH CHECK (coalesce(current_setting('voicecore.scope', true), '') = 'platform');
GRANT SELECT, INSERT, UPDATE ON kernel.retention_runs TO voicecore_app;

-- Events: an outbox row delivered to every subscriber before p_before, with its delivery rows. An event with a
-- pending or dead delivery stays whole: pending ones are still to be delivered and dead letters may be replayed.
-- This is the only place that says when an event is done.
CREATE FUNCTION kernel.retention_delete_events(p_before timestamptz, p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    v_ids uuid[];
    v_deleted integer;
BEGIN
    -- delivered_at is set only once every subscriber received the event (V10), never while a delivery of it is
    -- pending or dead.
    SELECT array_agg(id) INTO v_ids FROM (
        SELECT o.id FROM kernel.event_outbox o
        WHERE o.delivered_at < p_before
        LIMIT p_limit
        FOR UPDATE OF o SKIP LOCKED) done;
    IF v_ids IS NULL THEN
        RETURN 0;
    END IF;
    DELETE FROM kernel.event_deliveries WHERE event_id = ANY (v_ids);
    DELETE FROM kernel.event_outbox WHERE id = ANY (v_ids);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END
$$;

-- Job runs due before p_before: the scheduler never looks at past due times again, so their claims are history.
CREATE FUNCTION kernel.retention_delete_job_runs(p_before timestamptz, p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    v_deleted integer;
BEGIN
    DELETE FROM kernel.job_runs r USING (
        SELECT plugin_id, job_name, tenant_id, due_at FROM kernel.job_runs WHERE due_at < p_before
        ORDER BY due_at LIMIT p_limit FOR UPDATE SKIP LOCKED) old
    WHERE (r.plugin_id, r.job_name, r.tenant_id, r.due_at) = (old.plugin_id, old.job_name, old.tenant_id, old.due_at);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END
$$;

-- Sessions that ended (expired or revoked) before p_before. A token whose row is gone is refused as revoked.
CREATE FUNCTION kernel.retention_delete_sessions(p_before timestamptz, p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    v_deleted integer;
BEGIN
    DELETE FROM kernel.sessions s USING (
        SELECT id FROM kernel.sessions WHERE least(expires_at, coalesce(revoked_at, expires_at)) < p_before
        LIMIT p_limit FOR UPDATE SKIP LOCKED) old
    WHERE s.id = old.id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END
$$;

-- Raw usage records that occurred before p_before. The caller picks p_before no later than the earliest instant that
-- billing or a spend cap still reads (RetentionJob asks the registered usage holds).
CREATE FUNCTION kernel.retention_delete_usage_records(p_before timestamptz, p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    v_deleted integer;
BEGIN
    DELETE FROM kernel.usage_records u USING (
        SELECT id FROM kernel.usage_records WHERE occurred_at < p_before
        ORDER BY occurred_at LIMIT p_limit FOR UPDATE SKIP LOCKED) old
    WHERE u.id = old.id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END
$$;

-- Finding old rows without reading whole tables.
CREATE INDEX usage_records_time ON kernel.usage_records (occurred_at);
CREATE INDEX sessions_ended ON kernel.sessions (least(expires_at, coalesce(revoked_at, expires_at)));
CREATE INDEX job_runs_due ON kernel.job_runs (due_at);
-- A block-range index: delivery times grow with the table's physical order, and a summarising index neither costs
-- the dispatcher's updates their HOT path nor grows with every row like a B-tree.
CREATE INDEX event_outbox_delivered ON kernel.event_outbox USING brin (delivered_at) WITH (autosummarize = on);

REVOKE ALL ON FUNCTION kernel.retention_delete_events(timestamptz, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION kernel.retention_delete_job_runs(timestamptz, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION kernel.retention_delete_sessions(timestamptz, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION kernel.retention_delete_usage_records(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kernel.retention_delete_events(timestamptz, integer) TO voicecore_app;
GRANT EXECUTE ON FUNCTION kernel.retention_delete_job_runs(timestamptz, integer) TO voicecore_app;
GRANT EXECUTE ON FUNCTION kernel.retention_delete_sessions(timestamptz, integer) TO voicecore_app;
GRANT EXECUTE ON FUNCTION kernel.retention_delete_usage_records(timestamptz, integer) TO voicecore_app;
