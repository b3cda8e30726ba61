-- Contacts of each tenant. Row-level security on tenant_id is added by the kernel.
-- Phones (E.164), e-mails (domain in lower case) and tags are JSON arrays of strings, kept normalised by the plugin.
CREATE TABLE contacts (
    id                uuid        NOT NULL PRIMARY KEY,
    tenant_id         uuid        NOT NULL,
    name              text        NOT NULL,
    company           text,
    owner             text,
    phones            jsonb       NOT NULL DEFAULT '[]',
    emails            jsonb       NOT NULL DEFAULT '[]',
    tags              jsonb       NOT NULL DEFAULT '[]',
    consent_marketing boolean     NOT NULL DEFAULT false,
    consent_recording boolean     NOT NULL DEFAULT false,
    custom_fields     jsonb       NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- Words of name, company, e-mails (whole and split at '@' and '.'), phones and tags, for prefix search.
    search            tsvector    GENERATED ALWAYS AS (
        to_tsvector('simple',
            name || ' ' || coalesce(company, '') || ' '
            || translate(emails::text, '[]",', '    ') || ' '
            || translate(emails::text, '[]",@.+', '        ') || ' '
            || translate(phones::text, '[]",+', '     ') || ' '
            || translate(tags::text, '[]",', '    '))
    ) STORED
);

CREATE INDEX contacts_search ON contacts USING gin (search);
CREATE INDEX contacts_phones ON contacts USING gin (phones jsonb_path_ops);
CREATE INDEX contacts_emails ON contacts USING gin (emails jsonb_path_ops);
CREATE INDEX contacts_tags ON contacts USING gin (tags jsonb_path_ops);
CREATE INDEX contacts_page ON contacts (tenant_id, created_at, id);
CREATE INDEX contacts_company ON contacts (tenant_id, lower(company));
CREATE INDEX contacts_owner ON contacts (tenant_id, owner);

-- Custom fields a tenant defines for its contacts' customFields object.
CREATE TABLE custom_fields (
    tenant_id  uuid        NOT NULL,
    key        text        NOT NULL,
    label      text        NOT NULL,
    type       text        NOT NULL CHECK (type IN ('string', 'number', 'boolean', 'date', 'enum')),
    enum_values jsonb      NOT NULL DEFAULT '[]',
    required   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
