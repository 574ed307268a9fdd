-- Sign-ins are stored sealed, under a hash of their id (src/auth/sealed_store.rs). The rows
-- kept in clear go, with the session ids jobs kept in clear: everyone signs in again, and a
-- job that was running stops, saying its sign-in has ended. The session store recreates
-- its table at start.
DROP TABLE IF EXISTS tower_sessions;
UPDATE session_jobs SET owner_session = NULL WHERE owner_session IS NOT NULL;
