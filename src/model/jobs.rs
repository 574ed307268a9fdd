//! Background jobs over a client's offline sessions: a filter (the dry run),
//! then, once confirmed, the revocation of exactly what it matched.

use serde::{Deserialize, Serialize};

use super::policy::EffectivePolicy;
use super::time::parse_date_ms;

const DAY_MS: i64 = 86_400_000;

/// What to look for. Empty criteria are left out; all given criteria must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFilter {
    /// Not used for more than this many days.
    pub idle_days: Option<u32>,
    /// Ending within this many days under the effective policy.
    pub expiring_days: Option<u32>,
    /// Started before 00:00 UTC of this `YYYY-MM-DD` date.
    pub started_before: Option<String>,
    /// Case-insensitive part of the username.
    pub username_contains: Option<String>,
}

/// The facts about one session that the filter reads (epoch ms).
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub username: &'a str,
    pub started_ms: i64,
    pub last_access_ms: i64,
}

impl SessionFilter {
    /// Blank text criteria removed and the date checked; the error is for the person.
    pub fn normalised(self) -> Result<Self, String> {
        let text = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let filter = SessionFilter {
            idle_days: self.idle_days,
            expiring_days: self.expiring_days,
            started_before: text(self.started_before),
            username_contains: text(self.username_contains).map(|s| s.to_lowercase()),
        };
        if let Some(date) = &filter.started_before {
            if parse_date_ms(date).is_none() {
                return Err(format!(
                    "\u{201c}{date}\u{201d} is not a date such as 2026-01-31."
                ));
            }
        }
        if filter
            .username_contains
            .as_ref()
            .is_some_and(|s| s.chars().count() > 255)
        {
            return Err("The username text is longer than 255 characters.".into());
        }
        if filter.idle_days.is_some_and(|d| d > 36_500)
            || filter.expiring_days.is_some_and(|d| d > 36_500)
        {
            return Err("A number of days must be at most 36500.".into());
        }
        Ok(filter)
    }

    /// Whether the session matches, as of `as_of_ms` (Keycloak's clock).
    /// `policy` is required when `expiring_days` is set.
    pub fn matches(
        &self,
        session: Candidate<'_>,
        as_of_ms: i64,
        policy: Option<EffectivePolicy>,
    ) -> bool {
        if let Some(days) = self.idle_days {
            if as_of_ms - session.last_access_ms <= i64::from(days) * DAY_MS {
                return false;
            }
        }
        if let Some(days) = self.expiring_days {
            let Some(policy) = policy else {
                return false;
            };
            let (idle, max) = policy.expiry_ms(session.started_ms, session.last_access_ms);
            let ends = max.map_or(idle, |max| max.min(idle));
            if ends - as_of_ms > i64::from(days) * DAY_MS {
                return false;
            }
        }
        if let Some(before) = self.started_before.as_deref().and_then(parse_date_ms) {
            if session.started_ms >= before {
                return false;
            }
        }
        if let Some(part) = &self.username_contains {
            if !session.username.to_lowercase().contains(part.as_str()) {
                return false;
            }
        }
        true
    }

    /// "idle for more than 30 days, username contains “svc”", for people and the audit log.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(days) = self.idle_days {
            parts.push(format!("idle for more than {}", day_count(days)));
        }
        if let Some(days) = self.expiring_days {
            parts.push(format!("expiring within {}", day_count(days)));
        }
        if let Some(date) = &self.started_before {
            parts.push(format!("started before {date}"));
        }
        if let Some(part) = &self.username_contains {
            parts.push(format!("username contains \u{201c}{part}\u{201d}"));
        }
        if parts.is_empty() {
            "every offline session".into()
        } else {
            parts.join(", ")
        }
    }
}

fn day_count(days: u32) -> String {
    if days == 1 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Paging through the sessions, recording matches.
    Scanning,
    /// The dry run is complete: the matches wait for a confirmation.
    Scanned,
    /// Revoking the matches.
    Revoking,
    /// Every match was revoked or reported as failed.
    Done,
    Cancelled,
    /// Stopped by an error; `error` says why.
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Scanning => "scanning",
            JobState::Scanned => "scanned",
            JobState::Revoking => "revoking",
            JobState::Done => "done",
            JobState::Cancelled => "cancelled",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            JobState::Scanning,
            JobState::Scanned,
            JobState::Revoking,
            JobState::Done,
            JobState::Cancelled,
            JobState::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Whether a background task is (or should be) working on the job.
    pub fn is_running(self) -> bool {
        matches!(self, JobState::Scanning | JobState::Revoking)
    }
}

/// One matched session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRow {
    pub session_id: String,
    pub username: String,
    pub user_id: String,
    pub started_ms: i64,
    pub last_access_ms: i64,
    /// Why revoking it failed.
    pub detail: Option<String>,
    /// The other clients this offline session serves, whose offline access ends with it.
    #[serde(default)]
    pub other_clients: Vec<String>,
}

/// A job as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionJob {
    pub id: String,
    pub realm: String,
    pub client_uuid: String,
    pub client_id: String,
    /// `None` when the stored filter could not be read (the job is then failed).
    pub filter: Option<SessionFilter>,
    pub filter_text: String,
    /// The moment the filter was evaluated at (Keycloak's clock, epoch ms).
    pub as_of_ms: i64,
    pub state: JobState,
    /// Keycloak's session count when the job started: an estimate, as sessions come and go.
    pub total: u64,
    pub scanned: u64,
    pub matched: u64,
    pub revoked: u64,
    pub failed: u64,
    /// Seconds left at the current pace, while running.
    pub eta_secs: Option<u64>,
    pub error: Option<String>,
    /// The first matches found.
    pub sample: Vec<MatchRow>,
    /// The first revocations that failed.
    pub failures: Vec<MatchRow>,
    /// Matches whose session serves other clients too, and the first of those clients.
    #[serde(default)]
    pub shared: u64,
    #[serde(default)]
    pub shared_with: Vec<String>,
}

impl SessionJob {
    /// Work done and work to do in the current phase, for the progress bar.
    pub fn progress(&self) -> (u64, u64) {
        match self.state {
            JobState::Scanning => (self.scanned, self.total.max(self.scanned)),
            JobState::Scanned => (self.scanned, self.scanned),
            _ => (self.revoked + self.failed, self.matched),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn session(username: &str, started_ms: i64, last_access_ms: i64) -> Candidate<'_> {
        Candidate {
            username,
            started_ms,
            last_access_ms,
        }
    }

    #[test]
    fn idle_means_strictly_more_than_n_days() {
        let filter = SessionFilter {
            idle_days: Some(10),
            ..Default::default()
        };
        let exactly = session("a", 0, NOW - 10 * DAY_MS);
        let just_over = session("a", 0, NOW - 10 * DAY_MS - 1);
        assert!(!filter.matches(exactly, NOW, None));
        assert!(filter.matches(just_over, NOW, None));
    }

    #[test]
    fn expiring_takes_the_earlier_of_idle_and_max() {
        let filter = SessionFilter {
            expiring_days: Some(5),
            ..Default::default()
        };
        let idle_only = EffectivePolicy {
            idle_secs: 30 * 86_400,
            max_secs: None,
        };
        // Idle deadline exactly 5 days away matches; a millisecond later does not.
        let on_edge = session("a", 0, NOW - 25 * DAY_MS);
        let beyond = session("a", 0, NOW - 25 * DAY_MS + 1);
        assert!(filter.matches(on_edge, NOW, Some(idle_only)));
        assert!(!filter.matches(beyond, NOW, Some(idle_only)));
        // A 60-day max lifespan ends an old session first, however recently used.
        let with_max = EffectivePolicy {
            idle_secs: 30 * 86_400,
            max_secs: Some(60 * 86_400),
        };
        let old_but_active = session("a", NOW - 56 * DAY_MS, NOW);
        assert!(filter.matches(old_but_active, NOW, Some(with_max)));
        assert!(!filter.matches(old_but_active, NOW, Some(idle_only)));
        assert!(!filter.matches(on_edge, NOW, None), "no policy, no match");
    }

    #[test]
    fn started_before_is_exclusive_of_the_day() {
        let filter = SessionFilter {
            started_before: Some("2026-11-26".into()),
            ..Default::default()
        }
        .normalised()
        .unwrap();
        let midnight = 1_795_651_200_000;
        assert!(filter.matches(session("a", midnight - 1, NOW), NOW, None));
        assert!(!filter.matches(session("a", midnight, NOW), NOW, None));
    }

    #[test]
    fn username_contains_ignores_case_and_all_criteria_must_hold() {
        let filter = SessionFilter {
            username_contains: Some(" SVC ".into()),
            idle_days: Some(1),
            ..Default::default()
        }
        .normalised()
        .unwrap();
        assert!(filter.matches(session("backup-svc-1", 0, 0), NOW, None));
        assert!(!filter.matches(session("backup-svc-1", 0, NOW), NOW, None));
        assert!(!filter.matches(session("alice", 0, 0), NOW, None));
        assert_eq!(
            filter.describe(),
            "idle for more than 1 day, username contains \u{201c}svc\u{201d}"
        );
    }

    #[test]
    fn bad_dates_and_blank_text_are_handled() {
        let bad = SessionFilter {
            started_before: Some("2026-02-30".into()),
            ..Default::default()
        };
        assert!(bad.normalised().is_err());
        let blank = SessionFilter {
            username_contains: Some("  ".into()),
            started_before: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(blank.normalised().unwrap(), SessionFilter::default());
        assert_eq!(SessionFilter::default().describe(), "every offline session");
    }
}
