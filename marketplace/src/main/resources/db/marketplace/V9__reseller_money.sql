-- The money of resellers (docs/resellers.md, "Wholesale, retail and the reseller's money"). The platform sells a
-- listing's plan to a reseller at wholesale (the plan's price less the reseller's wholesale discount); the reseller
-- sets the retail price its sub-tenants pay, per bundle, listing and plan. The reseller's part of each charge is booked
-- in the ledger under reseller:<id>:pending / available / paid, held and paid out as a publisher's part is.

-- The discount off plans' prices the platform admin gives a reseller, in basis points; 2000 (20 %) where no row is.
CREATE TABLE marketplace.reseller_wholesale_discounts (
    reseller_id  uuid        PRIMARY KEY REFERENCES marketplace.resellers (id),
    discount_bps integer     NOT NULL CHECK (discount_bps BETWEEN 0 AND 10000),
    set_by       text        NOT NULL,
    set_at       timestamptz NOT NULL
);

-- What a sub-tenant of the bundle pays for a listing's plan (per unit: per period, per seat and period, per metered unit).
CREATE TABLE marketplace.reseller_prices (
    bundle_id    uuid        NOT NULL REFERENCES marketplace.bundles (id),
    plugin_id    text        NOT NULL REFERENCES marketplace.listings (plugin_id),
    plan_id      text        NOT NULL,
    amount       bigint      NOT NULL CHECK (amount > 0),
    currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    set_by       text        NOT NULL,
    set_at       timestamptz NOT NULL,
    PRIMARY KEY (bundle_id, plugin_id, plan_id)
);

-- The reseller's Stripe Connect account, for payouts.
ALTER TABLE marketplace.resellers ADD COLUMN stripe_account text;

-- A charge to a sub-tenant at retail remembers its reseller and the wholesale of what it charged.
ALTER TABLE marketplace.purchases
    ADD COLUMN reseller_id uuid REFERENCES marketplace.resellers (id),
    ADD COLUMN wholesale   bigint CHECK (wholesale IS NULL OR wholesale >= 0),
    ADD CONSTRAINT purchases_resold CHECK ((reseller_id IS NULL) = (wholesale IS NULL));
-- A subscription bought at retail renews at retail; each charge's wholesale is in proportion (wholesale_unit_amount /
-- unit_amount).
ALTER TABLE marketplace.subscriptions
    ADD COLUMN reseller_id           uuid REFERENCES marketplace.resellers (id),
    ADD COLUMN wholesale_unit_amount bigint CHECK (wholesale_unit_amount IS NULL OR wholesale_unit_amount >= 0),
    ADD CONSTRAINT subscriptions_resold CHECK ((reseller_id IS NULL) = (wholesale_unit_amount IS NULL)
                                               AND (wholesale_unit_amount IS NULL OR wholesale_unit_amount <= unit_amount));

-- Reseller accounts and the transactions that touch them.
ALTER TABLE marketplace.ledger_accounts ADD COLUMN reseller_id uuid REFERENCES marketplace.resellers (id);
CREATE INDEX ledger_accounts_reseller ON marketplace.ledger_accounts (reseller_id) WHERE reseller_id IS NOT NULL;
ALTER TABLE marketplace.ledger_transactions ADD COLUMN reseller_id uuid REFERENCES marketplace.resellers (id);
CREATE INDEX ledger_transactions_reseller ON marketplace.ledger_transactions (reseller_id, occurred_at) WHERE reseller_id IS NOT NULL;

-- A payout goes to a publisher or to a reseller.
ALTER TABLE marketplace.payouts ALTER COLUMN publisher_id DROP NOT NULL;
ALTER TABLE marketplace.payouts
    ADD COLUMN reseller_id uuid REFERENCES marketplace.resellers (id),
    ADD CONSTRAINT payouts_one_payee CHECK ((publisher_id IS NULL) <> (reseller_id IS NULL));
CREATE UNIQUE INDEX payouts_one_pending_reseller ON marketplace.payouts (reseller_id, currency) WHERE state = 'pending' AND reseller_id IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['reseller_wholesale_discounts', 'reseller_prices']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY platform_only ON marketplace.%I '
                       'USING (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'') '
                       'WITH CHECK (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'')', t);
    END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON marketplace.reseller_wholesale_discounts TO voicecore_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON marketplace.reseller_prices TO voicecore_app;
