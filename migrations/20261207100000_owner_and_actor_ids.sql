-- Keycloak's user id (`sub`) beside the username: a username can be renamed, or deleted and
-- given to someone else, the id cannot. Rows from before have none.
ALTER TABLE audit_log ADD COLUMN actor_id TEXT;
ALTER TABLE session_jobs ADD COLUMN owner_id TEXT;
-- The other clients a matched offline session also serves (comma-separated clientIds):
-- Keycloak ends the whole session, so revoking it ends their offline access too.
ALTER TABLE session_job_matches ADD COLUMN other_clients TEXT;
