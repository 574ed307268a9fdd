-- A job now acts through its owner's browser session (shared refresh-token
-- chain) instead of a copy of the owner's tokens: the column holds the
-- session id. Copies left by older versions are dropped; such jobs stop and
-- ask their owner to start them again.
ALTER TABLE session_jobs RENAME COLUMN credentials TO owner_session;
UPDATE session_jobs SET owner_session = NULL;
