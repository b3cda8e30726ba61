CREATE TABLE greetings.greetings (id serial PRIMARY KEY, text text NOT NULL);
GRANT USAGE ON SCHEMA greetings TO voicecore_app;
GRANT SELECT, INSERT ON greetings.greetings TO voicecore_app;
GRANT USAGE ON SEQUENCE greetings.greetings_id_seq TO voicecore_app;
