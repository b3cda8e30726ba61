-- When the platform admin revoked a reviewer (its API key is revoked at the same moment).
ALTER TABLE marketplace.reviewers ADD COLUMN revoked_at timestamptz;
