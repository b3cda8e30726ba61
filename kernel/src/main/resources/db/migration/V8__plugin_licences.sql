-- Licences of marketplace plugins, enforced on every plugin call by the licence gate the marketplace plugs into the
-- kernel (the kernel itself knows nothing of how licences are made).

-- A tenant's licence of a plugin: the token exactly as the marketplace signed it, judged offline on every call.
-- NULL when none is attached: a plugin installed outside the marketplace runs without one.
ALTER TABLE kernel.tenant_plugins ADD COLUMN licence text;

-- A delivery held back because the tenant's licence refused the subscriber: handed back without counting an attempt,
-- due again after the hold, or at once when a licence is attached. Cleared when the delivery is claimed again.
ALTER TABLE kernel.event_deliveries ADD COLUMN held boolean NOT NULL DEFAULT false;
CREATE INDEX event_deliveries_held ON kernel.event_deliveries (tenant_id, subscriber) WHERE held AND status = 'pending';

-- A scheduled run refused for the tenant's licence is skipped: neither a failure of the plugin nor retried.
ALTER TABLE kernel.job_runs DROP CONSTRAINT job_runs_outcome_check;
ALTER TABLE kernel.job_runs ADD CONSTRAINT job_runs_outcome_check CHECK (outcome IN ('succeeded', 'failed', 'skipped'));
