-- The phone numbers and e-mail addresses of every contact, one row each, kept in step with contacts by triggers.
-- Row-level security lets an index serve only leakproof operators, so a lookup by jsonb containment
-- (phones @> '["+34..."]') reads every contact row; text equality here uses the primary key instead. The CSV
-- import looks up each row's numbers and addresses this way, at a constant cost per row.
CREATE TABLE contact_keys (
    tenant_id  uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('phone', 'email')),
    value      text NOT NULL,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, kind, value, contact_id)
);

CREATE INDEX contact_keys_contact ON contact_keys (contact_id);

-- Statement-level triggers with transition tables: an import's batch of 500 contacts costs one INSERT, not 500.
CREATE FUNCTION contact_keys_insert() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO contact_keys (tenant_id, kind, value, contact_id)
    SELECT c.tenant_id, 'phone', phone, c.id FROM inserted c, jsonb_array_elements_text(c.phones) AS phone
    UNION
    SELECT c.tenant_id, 'email', email, c.id FROM inserted c, jsonb_array_elements_text(c.emails) AS email;
    RETURN NULL;
END
$$;

CREATE FUNCTION contact_keys_update() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM contact_keys WHERE contact_id IN (SELECT id FROM replaced);
    INSERT INTO contact_keys (tenant_id, kind, value, contact_id)
    SELECT c.tenant_id, 'phone', phone, c.id FROM updated c, jsonb_array_elements_text(c.phones) AS phone
    UNION
    SELECT c.tenant_id, 'email', email, c.id FROM updated c, jsonb_array_elements_text(c.emails) AS email;
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_keys_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION contact_keys_insert();
CREATE TRIGGER contact_keys_update AFTER UPDATE ON contacts REFERENCING OLD TABLE AS replaced NEW TABLE AS updated
    FOR EACH STATEMENT EXECUTE FUNCTION contact_keys_update();
-- Deleting a contact deletes its keys through the foreign key.

INSERT INTO contact_keys (tenant_id, kind, value, contact_id)
SELECT c.tenant_id, 'phone', phone, c.id FROM contacts c, jsonb_array_elements_text(c.phones) AS phone
UNION
SELECT c.tenant_id, 'email', email, c.id FROM contacts c, jsonb_array_elements_text(c.emails) AS email;
