-- Recurring plans: a subscription renews at the end of each period by a scheduled job, charging the Stripe customer
-- the tenant's payment method was saved to. A failed renewal is retried on days 1, 3 and 7 after the period's end
-- (dunning) before the subscription lapses and its licence runs into the grace period.
CREATE TABLE marketplace.subscriptions (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    plugin_id        text        NOT NULL REFERENCES marketplace.listings (plugin_id),
    plan_id          text        NOT NULL,
    publisher_id     uuid        NOT NULL REFERENCES marketplace.publishers (id),
    kind             text        NOT NULL CHECK (kind IN ('subscription', 'per-seat', 'usage')),
    customer         text        NOT NULL,
    payment_method   text        NOT NULL,
    unit_amount      bigint      NOT NULL CHECK (unit_amount > 0),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    billing_interval text        NOT NULL CHECK (billing_interval IN ('month', 'year')),
    seats            integer     CHECK (seats IS NULL OR seats > 0),
    meter            text,
    spend_cap        bigint      CHECK (spend_cap IS NULL OR spend_cap > 0),
    -- What seats removed mid-period left unused, in minor units: taken off the next renewals.
    credit           bigint      NOT NULL DEFAULT 0 CHECK (credit >= 0),
    -- What was too little for Stripe to charge (below its minimum charge), in minor units: added to the next renewal.
    carried          bigint      NOT NULL DEFAULT 0 CHECK (carried >= 0),
    period_start     timestamptz NOT NULL,
    period_end       timestamptz NOT NULL CHECK (period_end > period_start),
    trial            boolean     NOT NULL DEFAULT false,
    state            text        NOT NULL CHECK (state IN ('active', 'past-due', 'lapsed', 'cancelled')),
    cancel_at_period_end boolean NOT NULL DEFAULT false,
    failed_attempts  integer     NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    next_attempt_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    ended_at         timestamptz,
    CHECK ((kind = 'per-seat') = (seats IS NOT NULL)),
    CHECK ((kind = 'usage') = (meter IS NOT NULL))
);
-- One live subscription per tenant and plugin.
CREATE UNIQUE INDEX subscriptions_live ON marketplace.subscriptions (tenant_id, plugin_id) WHERE state IN ('active', 'past-due');
CREATE INDEX subscriptions_due ON marketplace.subscriptions (period_end) WHERE state IN ('active', 'past-due');

-- Every charge is a row of purchases: the first purchase, each renewal, the proration of added seats. A purchase that
-- charges nothing now (a trial, a usage plan billed in arrears) is 'deferred' with what it will cost.
ALTER TABLE marketplace.purchases DROP CONSTRAINT purchases_amount_check;
ALTER TABLE marketplace.purchases ADD CONSTRAINT purchases_amount_check CHECK (amount >= 0);
ALTER TABLE marketplace.purchases DROP CONSTRAINT purchases_state_check;
ALTER TABLE marketplace.purchases ADD CONSTRAINT purchases_state_check CHECK (state IN ('pending', 'succeeded', 'declined', 'deferred'));
ALTER TABLE marketplace.purchases
    ADD COLUMN purpose         text NOT NULL DEFAULT 'purchase' CHECK (purpose IN ('purchase', 'conversion', 'renewal', 'seats')),
    ADD COLUMN subscription_id uuid REFERENCES marketplace.subscriptions (id),
    ADD COLUMN customer        text,
    ADD COLUMN saved_method    text,
    ADD COLUMN usage_quantity  bigint;
CREATE INDEX purchases_subscription ON marketplace.purchases (subscription_id);
-- A repeat with the same Idempotency-Key answers the same bytes: json keeps the answer as written, jsonb would reorder it.
ALTER TABLE marketplace.purchases ALTER COLUMN answer TYPE json USING answer::json;

-- A tenant's seat changes, kept under the request's Idempotency-Key so a repeat answers the same.
CREATE TABLE marketplace.seat_changes (
    subscription_id uuid        NOT NULL REFERENCES marketplace.subscriptions (id),
    tenant_id       uuid        NOT NULL,
    idempotency_key text        NOT NULL,
    seats_from      integer     NOT NULL,
    seats_to        integer     NOT NULL,
    charged         bigint      NOT NULL,
    credited        bigint      NOT NULL,
    carried         bigint      NOT NULL DEFAULT 0,
    purchase_id     uuid        REFERENCES marketplace.purchases (id),
    answer_status   integer,
    answer          json,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription_id, idempotency_key)
);

-- When each scheduled job last ran, so that a daily one runs once a day across all nodes.
CREATE TABLE marketplace.scheduled_runs (
    job         text        PRIMARY KEY,
    last_run_at timestamptz NOT NULL
);

ALTER TABLE marketplace.subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace.subscriptions USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));
ALTER TABLE marketplace.seat_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.seat_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace.seat_changes USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));
ALTER TABLE marketplace.scheduled_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.scheduled_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON marketplace.scheduled_runs
    USING (coalesce(current_setting('voicecore.scope', true), '') = 'platform')
    WITH CHECK (coalesce(current_setting('voicecore.scope', true), '') = 'platform');
GRANT SELECT, INSERT, UPDATE ON marketplace.subscriptions, marketplace.seat_changes, marketplace.scheduled_runs TO voicecore_app;
