-- Phone calls are conversations on channel 'call', with the caller's number (E.164), how the call ended and how long
-- it lasted; each caller turn keeps the speech recogniser's confidence.
ALTER TABLE conversations DROP CONSTRAINT conversations_channel_check;
ALTER TABLE conversations ADD CONSTRAINT conversations_channel_check CHECK (channel IN ('chat', 'voice', 'call'));
ALTER TABLE conversations ADD COLUMN caller_number text;
ALTER TABLE conversations ADD COLUMN outcome text
    CHECK (outcome IN ('answered', 'transferred', 'voicemail', 'abandoned', 'callback'));
ALTER TABLE conversations ADD COLUMN duration_seconds integer CHECK (duration_seconds >= 0);

-- Listing a tenant's conversations of one channel, newest first.
CREATE INDEX conversations_by_channel ON conversations (tenant_id, channel, started_at);

ALTER TABLE messages ADD COLUMN confidence numeric(4,3) CHECK (confidence BETWEEN 0 AND 1);
