-- Phone numbers given without a country code whose country nothing settled (the tenant has no defaultCountryCode, and
-- the conversation's locale and language left it open): kept as given, for a person to review, never dropped.
-- A JSON array of strings, each as written (formatting kept, runs of spaces made one), distinct by their digits.
ALTER TABLE contacts ADD COLUMN phones_to_review jsonb NOT NULL DEFAULT '[]';

-- Whether a contact has numbers to review: the phoneNeedsReview filter, served by the partial index.
ALTER TABLE contacts ADD COLUMN phone_needs_review boolean GENERATED ALWAYS AS (phones_to_review <> '[]'::jsonb) STORED;
CREATE INDEX contacts_phone_review ON contacts (tenant_id, created_at, id) WHERE phone_needs_review;

-- Search covers the numbers to review too, as written and as their digits alone, so "600 123 456" is found by 600 and
-- by 600123456; a finished conversation finds the caller's contact by such a number through contact_words. The words
-- of existing contacts do not change (they have no numbers to review), so contact_words needs no refresh.
ALTER TABLE contacts DROP COLUMN search;
ALTER TABLE contacts ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple',
        name || ' ' || coalesce(company, '') || ' '
        || translate(emails::text, '[]",', '    ') || ' '
        || translate(emails::text, '[]",@.+', '        ') || ' '
        || translate(phones::text, '[]",+', '     ') || ' '
        || translate(tags::text, '[]",', '    ') || ' '
        || translate(phones_to_review::text, '[]",-.()/', '         ') || ' '
        || translate(regexp_replace(phones_to_review::text, '[^0-9,]', '', 'g'), ',', ' '))
) STORED;
