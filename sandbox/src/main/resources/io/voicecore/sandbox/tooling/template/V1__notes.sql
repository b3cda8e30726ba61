-- The plugin's own table, in its own schema. Every table carries tenant_id; the kernel enforces row-level security on it.
CREATE TABLE notes (
    id         uuid        NOT NULL PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL
);
