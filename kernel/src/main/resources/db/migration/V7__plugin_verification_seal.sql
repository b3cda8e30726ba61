-- The kernel's sealed record that a version's jar passed bytecode verification: its sha256 and the verifier's
-- fingerprint (rules, logic version, JDK, allowed packages), encrypted and authenticated under the master key for
-- that plugin version. At start-up a record that opens to the jar's sha256 and the current fingerprint spares
-- verifying the jar again; a missing or different one (older kernel, changed rules, other bytes) means verify.
ALTER TABLE kernel.plugin_versions ADD COLUMN verification bytea;
