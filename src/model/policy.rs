//! Offline-session expiry under a realm's policy and a client's overrides,
//! as Keycloak's `SessionExpirationUtils` evaluates it.

use serde::{Deserialize, Serialize};

/// Keycloak's defaults, used where a value is 0 or negative.
pub const DEFAULT_OFFLINE_IDLE_SECS: i64 = 2_592_000;
pub const DEFAULT_OFFLINE_MAX_SECS: i64 = 5_184_000;

/// Client attributes that override the realm's client-offline values.
pub const CLIENT_OFFLINE_IDLE_ATTR: &str = "client.offline.session.idle.timeout";
pub const CLIENT_OFFLINE_MAX_ATTR: &str = "client.offline.session.max.lifespan";

/// The realm's offline settings (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealmOfflinePolicy {
    pub offline_session_idle_timeout: i64,
    pub offline_session_max_lifespan_enabled: bool,
    pub offline_session_max_lifespan: i64,
    pub client_offline_session_idle_timeout: i64,
    pub client_offline_session_max_lifespan: i64,
}

/// What applies to one client's offline sessions (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivePolicy {
    pub idle_secs: i64,
    /// `None` when the realm does not limit offline sessions by age.
    pub max_secs: Option<i64>,
}

fn or_default(value: i64, default: i64) -> i64 {
    if value > 0 {
        value
    } else {
        default
    }
}

/// A client-level value applies only when positive and never exceeds the session's own.
fn capped(session: i64, client: Option<i64>) -> i64 {
    match client {
        Some(c) if c > 0 => c.min(session),
        _ => session,
    }
}

impl RealmOfflinePolicy {
    /// `client_idle`/`client_max` are the client's attribute overrides, if set.
    pub fn effective(&self, client_idle: Option<i64>, client_max: Option<i64>) -> EffectivePolicy {
        let idle = or_default(self.offline_session_idle_timeout, DEFAULT_OFFLINE_IDLE_SECS);
        let client_idle = client_idle
            .filter(|v| *v > 0)
            .or(Some(self.client_offline_session_idle_timeout));
        let max_secs = self.offline_session_max_lifespan_enabled.then(|| {
            let max = or_default(self.offline_session_max_lifespan, DEFAULT_OFFLINE_MAX_SECS);
            let client_max = client_max
                .filter(|v| *v > 0)
                .or(Some(self.client_offline_session_max_lifespan));
            capped(max, client_max)
        });
        EffectivePolicy {
            idle_secs: capped(idle, client_idle),
            max_secs,
        }
    }
}

impl EffectivePolicy {
    /// (idle deadline, max deadline) in epoch ms for a session.
    pub fn expiry_ms(&self, started_ms: i64, last_access_ms: i64) -> (i64, Option<i64>) {
        (
            last_access_ms + self.idle_secs * 1000,
            self.max_secs.map(|max| started_ms + max * 1000),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn realm() -> RealmOfflinePolicy {
        RealmOfflinePolicy {
            offline_session_idle_timeout: 2_592_000,
            offline_session_max_lifespan_enabled: false,
            offline_session_max_lifespan: 5_184_000,
            client_offline_session_idle_timeout: 0,
            client_offline_session_max_lifespan: 0,
        }
    }

    #[test]
    fn realm_values_apply_without_overrides() {
        let p = realm().effective(None, None);
        assert_eq!(
            p,
            EffectivePolicy {
                idle_secs: 2_592_000,
                max_secs: None
            }
        );
        assert_eq!(p.expiry_ms(0, 1_000), (1_000 + 2_592_000_000, None));
    }

    #[test]
    fn zero_means_keycloaks_default() {
        let mut r = realm();
        r.offline_session_idle_timeout = 0;
        r.offline_session_max_lifespan_enabled = true;
        r.offline_session_max_lifespan = -5;
        assert_eq!(
            r.effective(None, None),
            EffectivePolicy {
                idle_secs: DEFAULT_OFFLINE_IDLE_SECS,
                max_secs: Some(DEFAULT_OFFLINE_MAX_SECS)
            }
        );
    }

    #[test]
    fn client_overrides_shorten_but_never_lengthen() {
        let mut r = realm();
        r.offline_session_max_lifespan_enabled = true;
        assert_eq!(r.effective(Some(86_400), Some(864_000)).idle_secs, 86_400);
        assert_eq!(
            r.effective(Some(86_400), Some(864_000)).max_secs,
            Some(864_000)
        );
        assert_eq!(r.effective(Some(99_999_999), None).idle_secs, 2_592_000);
        r.client_offline_session_idle_timeout = 3600;
        assert_eq!(r.effective(None, None).idle_secs, 3600);
        assert_eq!(r.effective(Some(7200), None).idle_secs, 7200);
    }
}
