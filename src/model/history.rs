//! History of offline access: the console's own connection, its snapshot
//! runs and the per-client series drawn on the trends page.

use serde::{Deserialize, Serialize};

pub const DAY_MS: i64 = 86_400_000;
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// A client grows unusually fast when, over the last week, its offline
/// sessions grew by at least this many...
pub const UNUSUAL_MIN_GROWTH: u64 = 20;
/// ...and by at least this share (in percent) of its count a week earlier.
pub const UNUSUAL_MIN_PERCENT: u64 = 50;

/// Why Keycloak stopped accepting the history's offline token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisconnectReason {
    /// The offline session idled out (offline session idle) or reached its maximum lifespan.
    Expired,
    /// The user or an administrator removed the grant (consent revoked, session deleted).
    Revoked,
    /// The offline session no longer exists: idled out or revoked, which Keycloak answers
    /// alike (it does not load idle-expired offline sessions).
    Ended,
    /// A not-before policy (realm, client or user logout) is newer than the token.
    NotBefore,
    /// The user lost the offline_access role or the client its offline_access scope.
    AccessRemoved,
    UserDisabled,
    /// The stored token cannot be decrypted with the configured HISTORY_KEY.
    KeyChanged,
    /// An administrator disconnected history in the console (the token was revoked).
    Disconnected,
    Other,
}

impl DisconnectReason {
    /// Reads Keycloak's token-endpoint refusal (`error`, `error_description`,
    /// as `TokenManager.refreshAccessToken` words it). `None`: the token itself
    /// was not refused (e.g. the console's client credentials were), so the
    /// connection stays.
    pub fn from_refusal(error: &str, description: &str) -> Option<Self> {
        match (error, description) {
            ("invalid_grant", "Offline session not active")
            | ("invalid_grant", "Client session not active")
            | ("invalid_grant", "Token is not active") => Some(Self::Expired),
            // The offline session is gone: revoked, or idle past the timeout (Keycloak
            // does not load idle-expired offline sessions, so both read "not found").
            ("invalid_grant", "Offline user session not found") => Some(Self::Ended),
            ("invalid_grant", "Session doesn't have required client")
            | ("invalid_scope", "Client no longer has requested consent from user") => {
                Some(Self::Revoked)
            }
            // The console never reuses a superseded token (one refresh at a
            // time, stored before use), so a stale token means not-before.
            ("invalid_grant", "Stale token") => Some(Self::NotBefore),
            (
                "invalid_grant",
                "Offline session invalid because offline access not granted anymore",
            )
            | ("not_allowed", _) => Some(Self::AccessRemoved),
            ("invalid_grant", "User disabled") => Some(Self::UserDisabled),
            ("invalid_grant", _) => Some(Self::Other),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Ended => "ended",
            Self::NotBefore => "not_before",
            Self::AccessRemoved => "access_removed",
            Self::UserDisabled => "user_disabled",
            Self::KeyChanged => "key_changed",
            Self::Disconnected => "disconnected",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Self {
        [
            Self::Expired,
            Self::Revoked,
            Self::Ended,
            Self::NotBefore,
            Self::AccessRemoved,
            Self::UserDisabled,
            Self::KeyChanged,
            Self::Disconnected,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
        .unwrap_or(Self::Other)
    }

    /// The reason in plain words, for the overview.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Expired => "the offline token expired: it was not used within the realm's offline session idle timeout (or reached its maximum lifespan)",
            Self::Revoked => "the offline access was revoked by the user or an administrator (consent removed or offline session deleted)",
            Self::Ended => "the offline session no longer exists: it was not used within the realm's offline session idle timeout, or the user or an administrator revoked it (Keycloak answers both the same way)",
            Self::NotBefore => "a not-before revocation policy newer than the token was set (Keycloak answered \u{201c}Stale token\u{201d})",
            Self::AccessRemoved => "offline access is no longer granted (the offline_access role or scope was removed)",
            Self::UserDisabled => "the user who connected history was disabled",
            Self::KeyChanged => "the stored token cannot be decrypted with the configured HISTORY_KEY (the key was changed)",
            Self::Disconnected => "an administrator disconnected history in the console, and its offline token was revoked",
            Self::Other => "Keycloak refused the offline token",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryConnection {
    pub realm: String,
    pub username: String,
    pub connected_at_ms: i64,
    /// `None` while connected.
    pub disconnected: Option<Disconnected>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disconnected {
    pub reason: DisconnectReason,
    /// Keycloak's own words, e.g. `invalid_grant: Offline session not active`.
    pub detail: String,
    pub at_ms: i64,
}

/// The detail of a run no snapshot took: its counts were derived for the demo.
pub const DERIVED_RUN_DETAIL: &str = "derived for the demo from the sessions' start times";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRun {
    pub id: i64,
    /// Keycloak's clock (epoch ms).
    pub keycloak_ms: i64,
    pub succeeded: bool,
    pub detail: Option<String>,
}

impl HistoryRun {
    pub fn is_derived(&self) -> bool {
        self.detail.as_deref() == Some(DERIVED_RUN_DETAIL)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryStatus {
    /// Whether HISTORY_KEY is configured; without it history cannot be connected.
    pub key_configured: bool,
    pub connection: Option<HistoryConnection>,
    pub last_run: Option<HistoryRun>,
    pub interval_secs: u64,
    pub now_ms: i64,
}

/// What a snapshot recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    pub run: HistoryRun,
    pub realms: u32,
    pub clients: u32,
    pub offline_sessions: u64,
}

/// One client's offline sessions across the runs of `Trends::runs`
/// (`None` where the run failed: a gap, never a guess).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSeries {
    pub realm: String,
    pub client_id: String,
    pub offline: Vec<Option<u64>>,
    pub latest: u64,
    /// Growth over the last week, per week; `None` with less than a week of data.
    pub weekly_growth: Option<i64>,
    pub unusual: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    pub runs: Vec<HistoryRun>,
    pub series: Vec<ClientSeries>,
}

/// Growth per week of the latest value over the latest value at least a
/// week older, scaled to seven days; with the count at that earlier point.
pub fn weekly_growth(times_ms: &[i64], values: &[Option<u64>]) -> Option<(i64, u64)> {
    let (last, latest) = values
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.map(|v| (i, v)))?;
    let t_last = *times_ms.get(last)?;
    let (first, earlier) = values[..last]
        .iter()
        .enumerate()
        .rev()
        .filter(|(i, _)| times_ms.get(*i).is_some_and(|t| *t <= t_last - WEEK_MS))
        .find_map(|(i, v)| v.map(|v| (i, v)))?;
    let span = t_last - times_ms[first];
    let diff = latest as i64 - earlier as i64;
    let scaled = (diff as f64 * WEEK_MS as f64 / span as f64).round() as i64;
    Some((scaled, earlier))
}

/// The unusual-growth rule (README): at least `UNUSUAL_MIN_GROWTH` more
/// offline sessions per week and at least `UNUSUAL_MIN_PERCENT` percent of
/// the count a week earlier.
pub fn grows_unusually(growth: i64, week_earlier: u64) -> bool {
    growth >= UNUSUAL_MIN_GROWTH as i64
        && (growth as u64).saturating_mul(100) >= week_earlier.saturating_mul(UNUSUAL_MIN_PERCENT)
}

/// The age bucket (0: under a day, 1: 1-7 days, 2: 7-30 days, 3: over 30 days).
pub fn age_bucket(now_ms: i64, last_access_ms: i64) -> usize {
    let age = now_ms.saturating_sub(last_access_ms);
    if age < DAY_MS {
        0
    } else if age < WEEK_MS {
        1
    } else if age < 30 * DAY_MS {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_map_to_plain_reasons() {
        let cases = [
            (
                "invalid_grant",
                "Offline session not active",
                Some(DisconnectReason::Expired),
            ),
            (
                "invalid_grant",
                "Offline user session not found",
                Some(DisconnectReason::Ended),
            ),
            (
                "invalid_grant",
                "Session doesn't have required client",
                Some(DisconnectReason::Revoked),
            ),
            (
                "invalid_scope",
                "Client no longer has requested consent from user",
                Some(DisconnectReason::Revoked),
            ),
            (
                "invalid_grant",
                "Stale token",
                Some(DisconnectReason::NotBefore),
            ),
            (
                "not_allowed",
                "Offline tokens not allowed for the user or client",
                Some(DisconnectReason::AccessRemoved),
            ),
            (
                "invalid_grant",
                "User disabled",
                Some(DisconnectReason::UserDisabled),
            ),
            (
                "invalid_grant",
                "Invalid refresh token",
                Some(DisconnectReason::Other),
            ),
            (
                "unauthorized_client",
                "Invalid client or Invalid client credentials",
                None,
            ),
        ];
        for (error, description, expected) in cases {
            assert_eq!(
                DisconnectReason::from_refusal(error, description),
                expected,
                "{description}"
            );
        }
        for reason in [
            DisconnectReason::Expired,
            DisconnectReason::NotBefore,
            DisconnectReason::KeyChanged,
        ] {
            assert_eq!(DisconnectReason::parse(reason.as_str()), reason);
        }
    }

    #[test]
    fn ages_fall_into_four_buckets() {
        let now = 100 * DAY_MS;
        assert_eq!(age_bucket(now, now), 0);
        assert_eq!(age_bucket(now, now - DAY_MS + 1), 0);
        assert_eq!(age_bucket(now, now - DAY_MS), 1);
        assert_eq!(age_bucket(now, now - WEEK_MS), 2);
        assert_eq!(age_bucket(now, now - 30 * DAY_MS), 3);
    }

    #[test]
    fn weekly_growth_compares_with_a_week_earlier() {
        let times: Vec<i64> = (0..10).map(|d| d * DAY_MS).collect();
        let values: Vec<Option<u64>> = (0..10).map(|d| Some(10 + 2 * d as u64)).collect();
        // day 9 (28) against day 2 (14): 14 per week.
        assert_eq!(weekly_growth(&times, &values), Some((14, 14)));
        // Less than a week of data: no growth figure.
        assert_eq!(weekly_growth(&times[..5], &values[..5]), None);
        // A gap at day 2 uses the next older point (day 1, 12), scaled to a week.
        let mut gapped = values.clone();
        gapped[2] = None;
        assert_eq!(weekly_growth(&times, &gapped), Some((14, 12)));
    }

    #[test]
    fn unusual_growth_needs_both_size_and_share() {
        assert!(grows_unusually(20, 40));
        assert!(grows_unusually(25, 0));
        assert!(!grows_unusually(19, 0), "too few sessions");
        assert!(!grows_unusually(30, 100), "too small a share");
        assert!(!grows_unusually(-50, 10));
    }
}
