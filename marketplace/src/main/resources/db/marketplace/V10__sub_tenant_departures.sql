-- A deleted sub-tenant leaves nothing of its own behind, but its reseller still counts it as churn: each deletion is
-- recorded here, with what the reseller knew of the tenant (its name and bundle), never any of the tenant's data.
CREATE TABLE marketplace.sub_tenant_departures (
    tenant_id      uuid        PRIMARY KEY,
    reseller_id    uuid        NOT NULL REFERENCES marketplace.resellers (id),
    tenant_name    text        NOT NULL,
    bundle_id      uuid,
    bundle_version integer,
    joined_at      timestamptz NOT NULL,
    deleted_at     timestamptz NOT NULL,
    deleted_by     text        NOT NULL
);
CREATE INDEX sub_tenant_departures_by_month ON marketplace.sub_tenant_departures (reseller_id, deleted_at);

ALTER TABLE marketplace.sub_tenant_departures ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace.sub_tenant_departures FORCE ROW LEVEL SECURITY;
CREATE POLICY reseller_isolation ON marketplace.sub_tenant_departures
    USING (marketplace.reseller_visible(reseller_id)) WITH CHECK (marketplace.reseller_visible(reseller_id));
GRANT SELECT, INSERT ON marketplace.sub_tenant_departures TO voicecore_app;
