-- The marketplace's double-entry ledger (docs/marketplace.md, "Ledger"). Money is a whole number of minor units
-- (cents) with its ISO 4217 currency, never a fraction. Every business event that moves money (a purchase, a
-- refund, a dispute, a release of a publisher's pending money, a payout) is one transaction of entries whose debits
-- equal its credits in every currency; the database refuses to commit one that does not. Nothing is ever changed or
-- removed: a mistake is corrected by a further transaction.
--
-- Chart of accounts (one account per name and currency; io.voicecore.marketplace.ledger.Account):
--   stripe:clearing              debit-normal   what customers paid through Stripe, less refunds and disputes
--   stripe:fees                  credit-normal  Stripe's part of each charge
--   platform:revenue             credit-normal  the platform's part
--   publisher:<id>:pending       credit-normal  the developer's part, still in its holding period
--   publisher:<id>:available     credit-normal  the developer's part due in the next payout; negative when a refund
--                                               came after the money was paid out (the next payout is that much less)
--   publisher:<id>:paid          credit-normal  the developer's part paid out so far
-- So stripe:clearing always equals the sum of the other accounts of the same currency.
--
-- Later migrations: never GRANT on ALL TABLES IN SCHEMA marketplace again; grant table by table, so the ledger's
-- tables stay SELECT and INSERT only for voicecore_app (the triggers below refuse UPDATE and DELETE anyway).

CREATE TABLE marketplace.ledger_accounts (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL CHECK (name ~ '^[a-z]+(:[a-z0-9-]+)+$'),
    currency     char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    normal_side  text        NOT NULL CHECK (normal_side IN ('debit', 'credit')),
    publisher_id uuid        REFERENCES marketplace.publishers (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, currency),
    -- The target of the entries' foreign key, which thereby keeps an entry in its account's currency.
    UNIQUE (id, currency)
);
CREATE INDEX ledger_accounts_publisher ON marketplace.ledger_accounts (publisher_id) WHERE publisher_id IS NOT NULL;

CREATE TABLE marketplace.ledger_transactions (
    id           uuid        PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('purchase', 'refund', 'dispute', 'release', 'payout')),
    -- The business event's own id (purchase, refund, dispute, release or payout): recorded once per kind.
    reference    text        NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
    -- For a refund or a dispute: the purchase transaction it reverses part of.
    reverses     uuid        REFERENCES marketplace.ledger_transactions (id),
    publisher_id uuid        REFERENCES marketplace.publishers (id),
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    -- The fee and the split in force: {"gross", "fee", "developer", "reseller", "platform", "developerBps", "resellerBps"}.
    details      jsonb       NOT NULL DEFAULT '{}',
    UNIQUE (kind, reference)
);
CREATE INDEX ledger_transactions_reverses ON marketplace.ledger_transactions (reverses) WHERE reverses IS NOT NULL;

CREATE TABLE marketplace.ledger_entries (
    id             bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id uuid    NOT NULL REFERENCES marketplace.ledger_transactions (id),
    account_id     bigint  NOT NULL,
    currency       char(3) NOT NULL,
    side           text    NOT NULL CHECK (side IN ('debit', 'credit')),
    amount         bigint  NOT NULL CHECK (amount > 0),
    FOREIGN KEY (account_id, currency) REFERENCES marketplace.ledger_accounts (id, currency)
);
-- The balance check of one transaction, and the verification of all (an index-only scan in transaction order).
CREATE INDEX ledger_entries_transaction ON marketplace.ledger_entries (transaction_id, currency) INCLUDE (side, amount);
-- Balances, statements and the entries behind a balance, one account at a time.
CREATE INDEX ledger_entries_account ON marketplace.ledger_entries (account_id, id);

-- The developer's share of a publisher's sales in basis points, where it is not the default (8500, 85 %).
CREATE TABLE marketplace.publisher_revenue_share (
    publisher_id  uuid        PRIMARY KEY REFERENCES marketplace.publishers (id),
    developer_bps integer     NOT NULL CHECK (developer_bps BETWEEN 0 AND 10000),
    set_by        text        NOT NULL,
    set_at        timestamptz NOT NULL
);

-- A transaction must have entries, and in each currency its debits must equal its credits. Checked when the
-- database transaction that wrote it commits (the entries are written one statement after the other).
CREATE FUNCTION marketplace.ledger_check_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    checked uuid;
    unbalanced record;
BEGIN
    IF TG_TABLE_NAME = 'ledger_transactions' THEN
        checked := NEW.id;
    ELSE
        checked := NEW.transaction_id;
    END IF;
    SELECT currency,
           coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS debits,
           coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS credits
      INTO unbalanced
      FROM marketplace.ledger_entries
     WHERE transaction_id = checked
     GROUP BY currency
    HAVING coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) <> coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance in %: debits %, credits %',
            checked, unbalanced.currency, unbalanced.debits, unbalanced.credits
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
    END IF;
    IF TG_TABLE_NAME = 'ledger_transactions'
       AND NOT EXISTS (SELECT 1 FROM marketplace.ledger_entries WHERE transaction_id = checked) THEN
        RAISE EXCEPTION 'ledger transaction % has no entries', checked
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_transaction_balanced AFTER INSERT ON marketplace.ledger_transactions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION marketplace.ledger_check_transaction();
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON marketplace.ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION marketplace.ledger_check_transaction();

-- Append-only, whatever is granted: a correction is a further transaction.
CREATE FUNCTION marketplace.ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'marketplace.% is append-only; record a reversing transaction instead', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ledger_accounts', 'ledger_transactions', 'ledger_entries']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON marketplace.%I '
                       'FOR EACH ROW EXECUTE FUNCTION marketplace.ledger_append_only()', t || '_append_only', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON marketplace.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION marketplace.ledger_append_only()', t || '_no_truncate', t);
    END LOOP;
    -- Platform rows, as in V1; the scope is read once per statement (a sub-select), not once per row, which matters
    -- to a verification that reads a million entries and to bulk inserts.
    FOREACH t IN ARRAY ARRAY['ledger_accounts', 'ledger_transactions', 'ledger_entries', 'publisher_revenue_share']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY platform_only ON marketplace.%I '
                       'USING ((SELECT coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'')) '
                       'WITH CHECK ((SELECT coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform''))', t);
    END LOOP;
END $$;

REVOKE ALL ON marketplace.ledger_accounts, marketplace.ledger_transactions, marketplace.ledger_entries,
    marketplace.publisher_revenue_share FROM voicecore_app;
GRANT SELECT, INSERT ON marketplace.ledger_accounts, marketplace.ledger_transactions, marketplace.ledger_entries TO voicecore_app;
GRANT SELECT, INSERT, UPDATE ON marketplace.publisher_revenue_share TO voicecore_app;
GRANT USAGE ON SEQUENCE marketplace.ledger_accounts_id_seq, marketplace.ledger_entries_id_seq TO voicecore_app;
