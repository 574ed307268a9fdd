//! Audit log rows as shown and exported.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub correlation: String,
    pub actor: String,
    pub actor_realm: String,
    pub realm: String,
    pub action: String,
    pub target: String,
    /// `attempted`, `succeeded` or `failed`.
    pub outcome: String,
    pub detail: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub realm: Option<String>,
    pub outcome: Option<String>,
    /// Inclusive RFC 3339 bounds (or dates, `YYYY-MM-DD`).
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
    pub first: u32,
    pub max: u32,
}
