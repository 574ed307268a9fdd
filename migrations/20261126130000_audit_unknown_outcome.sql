-- A change whose answer never arrived (timed out, connection dropped after
-- sending) gets the outcome `unknown`: Keycloak may or may not have applied it.
-- SQLite cannot alter a CHECK constraint, so the table is rebuilt with every
-- row and id kept (the migration runs in one transaction).
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;

CREATE TABLE audit_log_next (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  TEXT    NOT NULL,
    correlation  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    actor_realm  TEXT    NOT NULL,
    realm        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('attempted', 'succeeded', 'failed', 'unknown')),
    detail       TEXT,
    reason       TEXT
);
INSERT INTO audit_log_next (id, occurred_at, correlation, actor, actor_realm, realm, action, target, outcome, detail, reason)
    SELECT id, occurred_at, correlation, actor, actor_realm, realm, action, target, outcome, detail, reason FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_next RENAME TO audit_log;

CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at);
CREATE INDEX audit_log_realm ON audit_log (realm, occurred_at);
CREATE INDEX audit_log_correlation ON audit_log (correlation);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
