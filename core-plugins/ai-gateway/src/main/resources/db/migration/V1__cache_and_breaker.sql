-- Online answers reused for identical requests until they expire (per tenant; the key is a SHA-256 of the provider,
-- the model and the normalised request).
CREATE TABLE response_cache (
    tenant_id  uuid        NOT NULL,
    cache_key  text        NOT NULL,
    answer     jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, cache_key)
);

-- Expired answers are deleted when new ones are written.
CREATE INDEX response_cache_expiry ON response_cache (tenant_id, expires_at);

-- The circuit breaker in front of the provider: one row per tenant, shared by every kernel node.
CREATE TABLE circuit_breakers (
    tenant_id            uuid        NOT NULL PRIMARY KEY,
    consecutive_failures integer     NOT NULL CHECK (consecutive_failures >= 0),
    open_until           timestamptz,
    trial_until          timestamptz,
    last_failure_reason  text,
    last_failure_at      timestamptz,
    updated_at           timestamptz NOT NULL
);
