-- History: the console's own offline grant and the snapshots taken with it.

-- At most one connection (id 1). The offline token is sealed with HISTORY_KEY
-- (ChaCha20-Poly1305: 12-byte nonce followed by the ciphertext); it is NULL
-- once Keycloak refused it, so a disconnected history holds no token at all.
CREATE TABLE history_connection (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    realm            TEXT    NOT NULL,
    username         TEXT    NOT NULL,
    connected_at_ms  INTEGER NOT NULL,
    sealed_token     BLOB,
    -- Bumped by every stored rotation; part of the sealed data's associated data.
    generation       INTEGER NOT NULL DEFAULT 0,
    status           TEXT    NOT NULL CHECK (status IN ('connected', 'disconnected')),
    reason_kind      TEXT,
    reason           TEXT,
    disconnected_at_ms INTEGER
);

-- One row per snapshot attempt. `keycloak_ms` is Keycloak's clock (the
-- refreshed access token's iat), or an estimate from the last known offset
-- when the refresh itself failed; a failed run has no points: a gap.
CREATE TABLE history_runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at_ms    INTEGER NOT NULL,
    keycloak_ms      INTEGER NOT NULL,
    outcome          TEXT    NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed')),
    detail           TEXT
);

CREATE TABLE history_points (
    run_id           INTEGER NOT NULL REFERENCES history_runs (id),
    realm            TEXT    NOT NULL,
    client_id        TEXT    NOT NULL,
    active           INTEGER NOT NULL,
    offline          INTEGER NOT NULL,
    age_0_1          INTEGER NOT NULL,
    age_1_7          INTEGER NOT NULL,
    age_7_30         INTEGER NOT NULL,
    age_over_30      INTEGER NOT NULL,
    PRIMARY KEY (run_id, realm, client_id)
);
CREATE INDEX history_points_by_client ON history_points (realm, client_id, run_id);
