-- A tenant may withdraw its rating, and a publisher replaces its listing's plans: the application deletes those rows.
-- (V1 granted no DELETE anywhere in the schema.)
GRANT DELETE ON marketplace.ratings, marketplace.plans TO voicecore_app;

-- A listing's ratings, newest first, one page at a time.
CREATE INDEX ratings_plugin_created ON marketplace.ratings (plugin_id, created_at DESC, id DESC);
