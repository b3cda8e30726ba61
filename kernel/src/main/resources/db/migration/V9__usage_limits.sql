-- Usage limits of licences (e.g. a monthly spend cap): a plugin's record on a meter its licence limits first sums what
-- the tenant's plugin recorded on that meter since the licence started. This index makes that sum a short range scan
-- of the one meter instead of a scan of all the tenant's usage.
CREATE INDEX usage_records_tenant_plugin_meter_time ON kernel.usage_records (tenant_id, plugin_id, meter, occurred_at);
