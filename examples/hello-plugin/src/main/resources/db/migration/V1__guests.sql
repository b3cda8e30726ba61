-- Every table carries tenant_id; the kernel enforces row-level security on it.
CREATE TABLE guests (
    id         uuid        NOT NULL PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    name       text        NOT NULL,
    signed_at  timestamptz NOT NULL
);
