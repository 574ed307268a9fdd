-- Keycloak's user id (`sub`) beside the username: a username can be renamed, or deleted and
-- given to someone else, the id cannot. Rows from before have none.
ALTER TABLE audit_log ADD COLUMN actor_id TEXT;
ALTER TABLE session_jobs ADD COLUMN owner_id TEXT;
