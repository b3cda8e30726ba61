-- A plugin connection gives up its own tenant binding, in the same round trip as the reset that ends every storage
-- call (io.voicecore.kernel.plugins.storage.PluginPool), instead of the kernel deleting it over a connection of its
-- own. Only ever removes the binding of the calling server process and login role, so a plugin's SQL that calls it
-- can only lose access to rows, never gain any: binding is still done by the kernel alone.
CREATE FUNCTION vc_guard.release_binding() RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DELETE FROM vc_guard.connection_tenant b WHERE b.pid = pg_catalog.pg_backend_pid() AND b.role = session_user
$$;

-- Granted to each plugin's runtime role when its database is prepared and when its pool opens (PluginDatabases).
REVOKE ALL ON FUNCTION vc_guard.release_binding() FROM PUBLIC;
