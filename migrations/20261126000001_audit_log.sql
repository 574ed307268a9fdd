-- Append-only record of every administrative mutation: an `attempted` row is
-- written before Keycloak is called, then a `succeeded` or `failed` row with the
-- same correlation id. Triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  TEXT    NOT NULL,
    correlation  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    actor_realm  TEXT    NOT NULL,
    realm        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('attempted', 'succeeded', 'failed')),
    detail       TEXT,
    reason       TEXT
);

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
