-- Where a transfer goes when the receptionist named a destination (a department the tenant's call flow routed the
-- caller to) rather than the plugin's transferTo; kept so stream mode's next webhook, on any node, dials it.
ALTER TABLE calls ADD COLUMN transfer_to text;
