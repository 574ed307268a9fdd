//! Whether a client or a user can get offline tokens, check by check, and
//! the per-client effective offline policy.

use serde::{Deserialize, Serialize};

/// One condition Keycloak checks before issuing an offline token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessCheck {
    pub label: String,
    pub passed: bool,
    /// What the result means, in plain words.
    pub explanation: String,
    /// What to change where, when the check failed.
    pub fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    /// "client backup-service" or "user alice".
    pub subject: String,
    pub checks: Vec<ReadinessCheck>,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// Where a client's effective value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The realm's offline session value.
    Realm,
    /// The realm's "client offline session" default.
    RealmClientDefault,
    /// The client's own attribute.
    Client,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPolicyRow {
    pub id: String,
    pub client_id: String,
    pub idle_secs: i64,
    pub idle_source: Source,
    /// `None`: offline sessions are not limited by age.
    pub max_secs: Option<i64>,
    pub max_source: Source,
    pub revoke_refresh_token: bool,
    pub refresh_token_max_reuse: i64,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPolicyTable {
    pub rows: Vec<ClientPolicyRow>,
    /// More clients exist than the table lists.
    pub truncated: bool,
}
