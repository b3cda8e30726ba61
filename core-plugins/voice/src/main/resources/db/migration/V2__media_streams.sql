-- Stream mode: what the plugin does once a call's media stream ends, decided while the stream ran (on whichever node
-- held it) and read by the webhook Twilio posts next (<Connect action>), which may reach another node.
ALTER TABLE calls ADD COLUMN handover text CHECK (handover IN ('transfer', 'voicemail', 'hangup', 'apology'));
-- The stream Twilio opened for the call; a second stream for the same call is refused.
ALTER TABLE calls ADD COLUMN stream_sid text;
-- How the node kept up with the stream: frames of the caller's audio handled, and those handled more than
-- MediaStreams.LATE_MILLIS after their time in the stream (GET /status sums them).
ALTER TABLE calls ADD COLUMN media_frames integer NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN media_frames_late integer NOT NULL DEFAULT 0;
