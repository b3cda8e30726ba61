-- The words of each contact's search column (its tsvector's lexemes), one row each, kept in step with contacts by
-- statement-level triggers. Row-level security lets an index serve only leakproof operators: the full-text match
-- (search @@ query) is not leakproof, so the GIN index on search could never serve the plugin's queries and every
-- search read all of the tenant's contacts. Text comparison in the "C" collation is leakproof, so a prefix is a range
-- of this table's primary key, which reads only the words that start with it.
CREATE TABLE contact_words (
    tenant_id  uuid NOT NULL,
    word       text COLLATE "C" NOT NULL,
    contact_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, word, contact_id)
);

CREATE INDEX contact_words_contact ON contact_words (contact_id);

-- No foreign key: its row-level check per word would cost an import more than the statement-level delete trigger.
CREATE FUNCTION contact_words_insert() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO contact_words (tenant_id, word, contact_id)
    SELECT c.tenant_id, w.word, c.id FROM inserted c, unnest(tsvector_to_array(c.search)) AS w (word);
    RETURN NULL;
END
$$;

-- Only contacts whose words changed are rewritten (a consent or owner change leaves them).
CREATE FUNCTION contact_words_update() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM contact_words WHERE contact_id IN (
        SELECT r.id FROM replaced r JOIN updated u ON u.id = r.id WHERE u.search IS DISTINCT FROM r.search);
    INSERT INTO contact_words (tenant_id, word, contact_id)
    SELECT u.tenant_id, w.word, u.id FROM updated u JOIN replaced r ON r.id = u.id, unnest(tsvector_to_array(u.search)) AS w (word)
     WHERE u.search IS DISTINCT FROM r.search;
    RETURN NULL;
END
$$;

CREATE FUNCTION contact_words_delete() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM contact_words WHERE contact_id IN (SELECT id FROM removed);
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_words_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION contact_words_insert();
CREATE TRIGGER contact_words_update AFTER UPDATE ON contacts REFERENCING OLD TABLE AS replaced NEW TABLE AS updated
    FOR EACH STATEMENT EXECUTE FUNCTION contact_words_update();
CREATE TRIGGER contact_words_delete AFTER DELETE ON contacts REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION contact_words_delete();

INSERT INTO contact_words (tenant_id, word, contact_id)
SELECT c.tenant_id, w.word, c.id FROM contacts c, unnest(tsvector_to_array(c.search)) AS w (word);

-- The GIN index could not serve any query the plugin sends (see above) and cost every write.
DROP INDEX contacts_search;
