-- Custom domains of resellers: a reseller claims a domain, then proves control of it by serving a token at a
-- well-known path or in a DNS TXT record. Several resellers may hold a pending claim on one name; at most one holds it
-- verified, and only a verified domain serves the reseller's branding.

CREATE TABLE marketplace.reseller_domains (
    reseller_id  uuid        NOT NULL REFERENCES marketplace.resellers (id),
    domain       text        NOT NULL CHECK (domain = lower(domain) AND length(domain) <= 253),
    token        text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    verified_at  timestamptz,
    PRIMARY KEY (reseller_id, domain)
);
CREATE UNIQUE INDEX reseller_domains_verified_once ON marketplace.reseller_domains (domain) WHERE verified_at IS NOT NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON marketplace.reseller_domains TO voicecore_app;

ALTER TABLE marketplace.reseller_domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.reseller_domains FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON marketplace.reseller_domains
    USING (coalesce(current_setting('voicecore.scope', true), '') = 'platform')
    WITH CHECK (coalesce(current_setting('voicecore.scope', true), '') = 'platform');
