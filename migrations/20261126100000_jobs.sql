-- Background jobs over a client's offline sessions. A job first scans (the
-- filter, or dry run) and records every match; once confirmed it revokes
-- exactly those matches. Each match keeps its own outcome, so a job resumed
-- after a restart never sends a revocation for a session already done.
CREATE TABLE session_jobs (
    id               TEXT    PRIMARY KEY,
    realm            TEXT    NOT NULL,
    client_uuid      TEXT    NOT NULL,
    client_id        TEXT    NOT NULL,
    owner            TEXT    NOT NULL,
    owner_realm      TEXT    NOT NULL,
    filter           TEXT    NOT NULL,
    -- The effective policy (JSON) when the filter needs it.
    policy           TEXT,
    as_of_ms         INTEGER NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('scanning', 'scanned', 'revoking', 'done', 'cancelled', 'failed')),
    total            INTEGER NOT NULL,
    scanned          INTEGER NOT NULL DEFAULT 0,
    matched          INTEGER NOT NULL DEFAULT 0,
    revoked          INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    -- Where the scan continues after a restart.
    next_first       INTEGER NOT NULL DEFAULT 0,
    error            TEXT,
    -- The owner's sign-in (tokens) while the job runs; emptied when it stops.
    credentials      TEXT,
    -- For the time estimate: when the current phase (re)started and how much was done then.
    phase_started_ms INTEGER NOT NULL,
    phase_done       INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL
);

CREATE INDEX session_jobs_client ON session_jobs (realm, client_uuid, owner_realm, owner);

CREATE TABLE session_job_matches (
    job_id         TEXT    NOT NULL REFERENCES session_jobs (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    session_id     TEXT    NOT NULL,
    username       TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    started_ms     INTEGER NOT NULL,
    last_access_ms INTEGER NOT NULL,
    -- `sending` marks a revocation in flight: after a crash it is checked, not resent.
    outcome        TEXT    NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'sending', 'revoked', 'failed')),
    detail         TEXT,
    PRIMARY KEY (job_id, session_id)
);

CREATE INDEX session_job_matches_outcome ON session_job_matches (job_id, outcome, seq);
