-- Paid plans: one-time, subscription, per seat and usage-based, priced in the minor units of an ISO 4217 currency.
ALTER TABLE marketplace.plans DROP CONSTRAINT plans_kind_check;
ALTER TABLE marketplace.plans ADD CONSTRAINT plans_kind_check
    CHECK (kind IN ('free', 'trial', 'granted', 'one-time', 'subscription', 'per-seat', 'usage'));
ALTER TABLE marketplace.plans
    ADD COLUMN amount           bigint CHECK (amount IS NULL OR amount > 0),
    ADD COLUMN currency         text   CHECK (currency IS NULL OR currency ~ '^[A-Z]{3}$'),
    ADD COLUMN billing_interval text   CHECK (billing_interval IS NULL OR billing_interval IN ('month', 'year')),
    ADD COLUMN meter            text,
    ADD COLUMN spend_cap        bigint CHECK (spend_cap IS NULL OR spend_cap > 0),
    ADD CONSTRAINT plans_priced CHECK ((kind IN ('one-time', 'subscription', 'per-seat', 'usage')) = (amount IS NOT NULL AND currency IS NOT NULL));

-- A publisher's Stripe Connect account, for payouts.
ALTER TABLE marketplace.publishers ADD COLUMN stripe_account text;

-- A tenant admin's purchase of a paid plan. The row is written before Stripe is asked (the attempt is recorded even when
-- the card is declined) and carries the answer given, so a request repeated with the same Idempotency-Key gets it again.
CREATE TABLE marketplace.purchases (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    plugin_id        text        NOT NULL REFERENCES marketplace.listings (plugin_id),
    plan_id          text        NOT NULL,
    publisher_id     uuid        NOT NULL REFERENCES marketplace.publishers (id),
    idempotency_key  text        NOT NULL,
    request_sha256   text        NOT NULL,
    seats            integer,
    payment_method   text        NOT NULL,
    granted          text        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount > 0),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    state            text        NOT NULL CHECK (state IN ('pending', 'succeeded', 'declined')),
    payment_intent   text,
    charge           text,
    fee              bigint,
    licence_id       uuid,
    answer_status    integer,
    answer           jsonb,
    created_by       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    released_at      timestamptz,
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX purchases_charge ON marketplace.purchases (charge);
CREATE INDEX purchases_pending ON marketplace.purchases (state, created_at) WHERE state = 'pending';

CREATE TABLE marketplace.refunds (
    id              uuid        PRIMARY KEY,
    purchase_id     uuid        NOT NULL REFERENCES marketplace.purchases (id),
    tenant_id       uuid        NOT NULL,
    idempotency_key text        NOT NULL,
    amount          bigint      NOT NULL CHECK (amount > 0),
    currency        text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'succeeded')),
    stripe_refund   text,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (purchase_id, idempotency_key)
);

CREATE TABLE marketplace.payouts (
    id              uuid        PRIMARY KEY,
    publisher_id    uuid        NOT NULL REFERENCES marketplace.publishers (id),
    amount          bigint      NOT NULL CHECK (amount > 0),
    currency        text        NOT NULL,
    destination     text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'paid')),
    stripe_transfer text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    paid_at         timestamptz
);
-- At most one payout in flight per publisher and currency: a run repeated after a crash finishes it instead of starting another.
CREATE UNIQUE INDEX payouts_one_pending ON marketplace.payouts (publisher_id, currency) WHERE state = 'pending';

-- Stripe events already processed, so a redelivered event changes nothing twice.
CREATE TABLE marketplace.stripe_events (
    id           text        PRIMARY KEY,
    type         text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE marketplace.disputes (
    id           text        PRIMARY KEY,
    purchase_id  uuid        NOT NULL REFERENCES marketplace.purchases (id),
    amount       bigint      NOT NULL CHECK (amount > 0),
    currency     text        NOT NULL,
    opened_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE marketplace.purchases ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.purchases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace.purchases USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));
ALTER TABLE marketplace.refunds ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.refunds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace.refunds USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id));
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['payouts', 'stripe_events', 'disputes']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY platform_only ON marketplace.%I '
                       'USING (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'') '
                       'WITH CHECK (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'')', t);
    END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON marketplace.purchases, marketplace.refunds, marketplace.payouts TO voicecore_app;
GRANT SELECT, INSERT ON marketplace.stripe_events, marketplace.disputes TO voicecore_app;
