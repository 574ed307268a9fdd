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
    /// Keycloak's user id of the actor (`sub`); `None` for the console itself and old rows.
    pub actor_id: Option<String>,
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

/// `YYYY-MM-DD`, optionally followed by an RFC 3339 time.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
        && (b.len() == 10 || b[10] == b'T')
        && b.len() <= 40
}

pub const OUTCOMES: [&str; 4] = ["attempted", "succeeded", "failed", "unknown"];

impl AuditFilter {
    /// Refuses dates and outcomes the log cannot match, with the reason.
    pub fn check(&self) -> Result<(), String> {
        for (name, value) in [("From", &self.from), ("To", &self.to)] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                if !is_date(v) {
                    return Err(format!("{name} must be a date such as 2026-11-26."));
                }
            }
        }
        if let Some(o) = self.outcome.as_deref().filter(|o| !o.is_empty()) {
            if !OUTCOMES.contains(&o) {
                return Err("Outcome must be attempted, succeeded, failed or unknown.".into());
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
    pub first: u32,
    pub max: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_outcomes_are_checked() {
        let mut f = AuditFilter {
            from: Some("2026-11-26".into()),
            to: Some("2026-11-26T10:00:00Z".into()),
            outcome: Some("failed".into()),
            ..AuditFilter::default()
        };
        assert_eq!(f.check(), Ok(()));
        f.from = Some("yesterday".into());
        assert_eq!(
            f.check(),
            Err("From must be a date such as 2026-11-26.".into())
        );
        f.from = None;
        f.outcome = Some("deleted".into());
        assert!(f.check().is_err());
    }
}
