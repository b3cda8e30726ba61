-- The marketplace's own schema. The kernel's tables are reached only through the kernel's services.
-- Platform rows (publishers, submissions, listings) are seen in the platform scope only; rows that belong to a
-- tenant (installs, licences, ratings) are bound by the same row-level security as the kernel's tenant rows.

GRANT USAGE ON SCHEMA marketplace TO voicecore_app;

CREATE TABLE marketplace.publishers (
    id          uuid        PRIMARY KEY,
    slug        text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    email       text        NOT NULL,
    api_key_id  uuid        NOT NULL UNIQUE,
    verified_at timestamptz,
    verified_by text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE marketplace.signing_keys (
    id          uuid        PRIMARY KEY,
    publisher_id uuid       NOT NULL REFERENCES marketplace.publishers (id),
    fingerprint text        NOT NULL,
    algorithm   text        NOT NULL,
    subject     text        NOT NULL,
    not_after   timestamptz NOT NULL,
    certificate text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    UNIQUE (publisher_id, fingerprint)
);

-- A plugin id belongs to the publisher that first submitted it.
CREATE TABLE marketplace.plugin_owners (
    plugin_id    text        PRIMARY KEY,
    publisher_id uuid        NOT NULL REFERENCES marketplace.publishers (id),
    claimed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE marketplace.reviewers (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    api_key_id uuid        NOT NULL UNIQUE,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE marketplace.submissions (
    id            uuid        PRIMARY KEY,
    publisher_id  uuid        NOT NULL REFERENCES marketplace.publishers (id),
    plugin_id     text        NOT NULL,
    version       text        NOT NULL,
    manifest      text        NOT NULL,
    jar           bytea       NOT NULL,
    jar_sha256    text        NOT NULL,
    signer        text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('automated-review', 'in-review', 'published', 'rejected')),
    report        jsonb,
    fast_tracked  boolean     NOT NULL DEFAULT false,
    decision      text        CHECK (decision IN ('approve', 'reject')),
    reasons       jsonb,
    checklist     jsonb,
    decided_by    text,
    decided_at    timestamptz,
    submitted_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plugin_id, version)
);
CREATE INDEX submissions_state ON marketplace.submissions (state, submitted_at);
CREATE INDEX submissions_publisher ON marketplace.submissions (publisher_id, submitted_at);

CREATE TABLE marketplace.listings (
    plugin_id    text        PRIMARY KEY REFERENCES marketplace.plugin_owners (plugin_id),
    publisher_id uuid        NOT NULL REFERENCES marketplace.publishers (id),
    name         text        NOT NULL,
    description  text        NOT NULL,
    category     text        NOT NULL DEFAULT 'other',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE marketplace.listing_versions (
    plugin_id     text        NOT NULL REFERENCES marketplace.listings (plugin_id),
    version       text        NOT NULL,
    submission_id uuid        NOT NULL REFERENCES marketplace.submissions (id),
    channel       text        NOT NULL CHECK (channel IN ('stable', 'beta')),
    permissions   jsonb       NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now(),
    yanked_at     timestamptz,
    yank_reason   text,
    PRIMARY KEY (plugin_id, version)
);

-- What a tenant may choose: free (never expires), trial (expires after trial_days), granted (by a platform admin).
CREATE TABLE marketplace.plans (
    plugin_id  text    NOT NULL REFERENCES marketplace.listings (plugin_id),
    plan_id    text    NOT NULL,
    kind       text    NOT NULL CHECK (kind IN ('free', 'trial', 'granted')),
    trial_days integer CHECK (trial_days IS NULL OR trial_days BETWEEN 1 AND 365),
    seats      integer CHECK (seats IS NULL OR seats >= 0),
    PRIMARY KEY (plugin_id, plan_id)
);

-- The marketplace's Ed25519 licence keys; the private key sealed under the platform's master key.
CREATE TABLE marketplace.licence_keys (
    key_id      text        PRIMARY KEY,
    public_key  text        NOT NULL,
    private_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz
);

CREATE TABLE marketplace.installs (
    tenant_id      uuid        NOT NULL,
    plugin_id      text        NOT NULL REFERENCES marketplace.listings (plugin_id),
    plan_id        text        NOT NULL,
    licence_id     uuid        NOT NULL,
    installed_by   text        NOT NULL,
    installed_at   timestamptz NOT NULL DEFAULT now(),
    uninstalled_at timestamptz,
    PRIMARY KEY (tenant_id, plugin_id)
);
CREATE INDEX installs_plugin ON marketplace.installs (plugin_id);

CREATE TABLE marketplace.licences (
    id         uuid        PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    plugin_id  text        NOT NULL,
    plan_id    text        NOT NULL,
    trial      boolean     NOT NULL,
    seats      integer,
    token      text        NOT NULL,
    issued_by  text        NOT NULL,
    issued_at  timestamptz NOT NULL,
    starts_at  timestamptz NOT NULL,
    expires_at timestamptz
);
CREATE INDEX licences_tenant_plugin ON marketplace.licences (tenant_id, plugin_id, issued_at);

-- Install history for publisher analytics: one row per install, upgrade and uninstall.
CREATE TABLE marketplace.install_events (
    id         bigserial   PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    plugin_id  text        NOT NULL,
    version    text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('install', 'uninstall')),
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX install_events_plugin ON marketplace.install_events (plugin_id, occurred_at);

CREATE TABLE marketplace.ratings (
    id         uuid        PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    plugin_id  text        NOT NULL REFERENCES marketplace.listings (plugin_id),
    version    text        NOT NULL,
    stars      smallint    NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body       text        NOT NULL DEFAULT '',
    author     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    reply      text,
    replied_at timestamptz,
    UNIQUE (tenant_id, plugin_id)
);
CREATE INDEX ratings_plugin ON marketplace.ratings (plugin_id, updated_at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['publishers', 'signing_keys', 'plugin_owners', 'reviewers', 'submissions', 'listings',
                             'listing_versions', 'plans', 'licence_keys']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY platform_only ON marketplace.%I '
                       'USING (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'') '
                       'WITH CHECK (coalesce(current_setting(''voicecore.scope'', true), '''') = ''platform'')', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['installs', 'licences', 'install_events', 'ratings']
    LOOP
        EXECUTE format('ALTER TABLE marketplace.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE marketplace.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON marketplace.%I '
                       'USING (kernel.tenant_visible(tenant_id)) WITH CHECK (kernel.tenant_visible(tenant_id))', t);
    END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA marketplace TO voicecore_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA marketplace TO voicecore_app;
REVOKE ALL ON marketplace.flyway_schema_history FROM voicecore_app;
