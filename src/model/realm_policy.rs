//! The realm settings the policy page edits: how they are entered (text and
//! units), checked, compared and explained. Shared by the browser (inline
//! messages, the diff) and the server (which checks everything again).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::admin::ClientStatsRow;
use super::duration::{parse_duration, parse_reuse, split_duration, DurationUnit};
use super::policy::RealmOfflinePolicy;
use super::time::format_duration;

/// The realm's offline-session and refresh-token settings, as Keycloak stores them (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PolicySettings {
    pub offline_session_idle_timeout: i64,
    pub offline_session_max_lifespan_enabled: bool,
    pub offline_session_max_lifespan: i64,
    pub client_offline_session_idle_timeout: i64,
    pub client_offline_session_max_lifespan: i64,
    pub revoke_refresh_token: bool,
    pub refresh_token_max_reuse: i64,
}

/// Form field names, used as keys of the inline messages.
pub const FIELD_OFFLINE_IDLE: &str = "offline_idle";
pub const FIELD_OFFLINE_MAX: &str = "offline_max";
pub const FIELD_CLIENT_IDLE: &str = "client_idle";
pub const FIELD_CLIENT_MAX: &str = "client_max";
pub const FIELD_MAX_REUSE: &str = "max_reuse";

/// What the person typed; units are `minutes`, `hours`, `days` (or `seconds`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PolicyForm {
    pub offline_idle: String,
    pub offline_idle_unit: String,
    pub offline_max_enabled: bool,
    pub offline_max: String,
    pub offline_max_unit: String,
    pub client_idle: String,
    pub client_idle_unit: String,
    pub client_max: String,
    pub client_max_unit: String,
    pub revoke_refresh_token: bool,
    pub max_reuse: String,
}

/// One changed setting, worded for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    pub setting: String,
    pub before: String,
    pub after: String,
}

/// What the policy page loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealmPolicyPage {
    pub realm: String,
    pub settings: PolicySettings,
    /// Realm not-before, epoch seconds; 0 = not set.
    pub not_before: i64,
    /// Clients holding offline sessions now, most first.
    pub offline_clients: Vec<ClientStatsRow>,
    /// Whether the caller holds manage-realm (saving, not-before).
    pub can_manage: bool,
    /// Keycloak's clock, epoch milliseconds.
    pub now_ms: i64,
}

/// How many of one client's offline sessions a change would end at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientImpact {
    pub client_id: String,
    /// Offline sessions the client holds (Keycloak's count).
    pub total: u64,
    /// Sessions looked at before the time bound.
    pub examined: u64,
    /// Of those examined, alive now and expired under the new settings.
    pub expiring: u64,
    /// `examined < total`: `expiring` is a lower bound from a sample.
    pub sampled: bool,
}

/// Where a push of the realm's not-before reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushOutcome {
    pub reached: Vec<String>,
    pub failed: Vec<String>,
}

fn duration_field(
    errors: &mut BTreeMap<&'static str, String>,
    field: &'static str,
    value: &str,
    unit: &str,
) -> i64 {
    let Some(unit) = DurationUnit::parse(unit) else {
        errors.insert(field, "Choose minutes, hours or days.".into());
        return 0;
    };
    parse_duration(value, unit).unwrap_or_else(|e| {
        errors.insert(field, e.to_string());
        0
    })
}

impl PolicyForm {
    pub fn from_settings(s: &PolicySettings) -> Self {
        let (offline_idle, idle_unit) = split_duration(s.offline_session_idle_timeout);
        let (offline_max, max_unit) = split_duration(s.offline_session_max_lifespan);
        let (client_idle, client_idle_unit) = split_duration(s.client_offline_session_idle_timeout);
        let (client_max, client_max_unit) = split_duration(s.client_offline_session_max_lifespan);
        PolicyForm {
            offline_idle,
            offline_idle_unit: idle_unit.as_str().into(),
            offline_max_enabled: s.offline_session_max_lifespan_enabled,
            offline_max,
            offline_max_unit: max_unit.as_str().into(),
            client_idle,
            client_idle_unit: client_idle_unit.as_str().into(),
            client_max,
            client_max_unit: client_max_unit.as_str().into(),
            revoke_refresh_token: s.revoke_refresh_token,
            max_reuse: s.refresh_token_max_reuse.to_string(),
        }
    }

    /// The settings, or a message per wrong field.
    pub fn validate(&self) -> Result<PolicySettings, BTreeMap<&'static str, String>> {
        let mut errors = BTreeMap::new();
        let settings = PolicySettings {
            offline_session_idle_timeout: duration_field(
                &mut errors,
                FIELD_OFFLINE_IDLE,
                &self.offline_idle,
                &self.offline_idle_unit,
            ),
            offline_session_max_lifespan_enabled: self.offline_max_enabled,
            offline_session_max_lifespan: duration_field(
                &mut errors,
                FIELD_OFFLINE_MAX,
                &self.offline_max,
                &self.offline_max_unit,
            ),
            client_offline_session_idle_timeout: duration_field(
                &mut errors,
                FIELD_CLIENT_IDLE,
                &self.client_idle,
                &self.client_idle_unit,
            ),
            client_offline_session_max_lifespan: duration_field(
                &mut errors,
                FIELD_CLIENT_MAX,
                &self.client_max,
                &self.client_max_unit,
            ),
            revoke_refresh_token: self.revoke_refresh_token,
            refresh_token_max_reuse: parse_reuse(&self.max_reuse).unwrap_or_else(|e| {
                errors.insert(FIELD_MAX_REUSE, e.to_string());
                0
            }),
        };
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }
}

/// The label people see for each form field, for messages that list them.
pub fn field_label(field: &str) -> &'static str {
    match field {
        FIELD_OFFLINE_IDLE => "Offline session idle",
        FIELD_OFFLINE_MAX => "Offline session max lifespan",
        FIELD_CLIENT_IDLE => "Client offline session idle",
        FIELD_CLIENT_MAX => "Client offline session max",
        FIELD_MAX_REUSE => "Refresh token max reuse",
        _ => "A field",
    }
}

fn on_off(value: bool) -> String {
    if value { "on" } else { "off" }.to_owned()
}

/// A duration where 0 has a special meaning.
fn duration_or(secs: i64, zero: &str) -> String {
    if secs <= 0 {
        zero.to_owned()
    } else {
        format_duration(secs)
    }
}

impl PolicySettings {
    pub fn offline(&self) -> RealmOfflinePolicy {
        RealmOfflinePolicy {
            offline_session_idle_timeout: self.offline_session_idle_timeout,
            offline_session_max_lifespan_enabled: self.offline_session_max_lifespan_enabled,
            offline_session_max_lifespan: self.offline_session_max_lifespan,
            client_offline_session_idle_timeout: self.client_offline_session_idle_timeout,
            client_offline_session_max_lifespan: self.client_offline_session_max_lifespan,
        }
    }

    /// Each setting worded, in the order the page shows them.
    pub fn described(&self) -> [(&'static str, String); 7] {
        [
            (
                "Offline session idle",
                duration_or(
                    self.offline_session_idle_timeout,
                    "Keycloak's default (30 days)",
                ),
            ),
            (
                "Offline session max lifespan limited",
                on_off(self.offline_session_max_lifespan_enabled),
            ),
            (
                "Offline session max lifespan",
                duration_or(
                    self.offline_session_max_lifespan,
                    "Keycloak's default (60 days)",
                ),
            ),
            (
                "Client offline session idle",
                duration_or(
                    self.client_offline_session_idle_timeout,
                    "not set (realm value)",
                ),
            ),
            (
                "Client offline session max",
                duration_or(
                    self.client_offline_session_max_lifespan,
                    "not set (realm value)",
                ),
            ),
            ("Revoke refresh token", on_off(self.revoke_refresh_token)),
            (
                "Refresh token max reuse",
                self.refresh_token_max_reuse.to_string(),
            ),
        ]
    }

    /// Every setting that differs, before and after.
    pub fn changes_to(&self, after: &PolicySettings) -> Vec<SettingChange> {
        self.described()
            .into_iter()
            .zip(after.described())
            .filter(|((_, before), (_, after))| before != after)
            .map(|((setting, before), (_, after))| SettingChange {
                setting: setting.to_owned(),
                before,
                after,
            })
            .collect()
    }

    /// Whether moving to `after` can end existing offline sessions at once,
    /// so that the impact is previewed before saving.
    pub fn may_end_sessions(&self, after: &PolicySettings) -> bool {
        let before_realm = self.offline().effective(None, None);
        let after_realm = after.offline().effective(None, None);
        let shorter_max = match (before_realm.max_secs, after_realm.max_secs) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(b), Some(a)) => a < b,
        };
        after_realm.idle_secs < before_realm.idle_secs
            || shorter_max
            || self.client_offline_session_idle_timeout != after.client_offline_session_idle_timeout
            || self.client_offline_session_max_lifespan != after.client_offline_session_max_lifespan
    }

    /// Combinations that do not do what they seem to.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let effective = self.offline().effective(None, None);
        let idle = if self.offline_session_idle_timeout > 0 {
            self.offline_session_idle_timeout
        } else {
            super::policy::DEFAULT_OFFLINE_IDLE_SECS
        };
        if let Some(max) = effective.max_secs {
            if max < idle {
                warnings.push(format!(
                    "The max lifespan ({}) is shorter than the idle timeout ({}): offline sessions end by age before they could ever go idle.",
                    format_duration(max),
                    format_duration(idle)
                ));
            }
        }
        if self.client_offline_session_idle_timeout > idle {
            warnings.push(format!(
                "Client offline session idle ({}) is longer than the realm's offline session idle ({}); a client value never lengthens it, so it has no effect.",
                format_duration(self.client_offline_session_idle_timeout),
                format_duration(idle)
            ));
        }
        if self.client_offline_session_max_lifespan > 0
            && !self.offline_session_max_lifespan_enabled
        {
            warnings.push(
                "Client offline session max is ignored while the offline session max lifespan is not limited."
                    .into(),
            );
        }
        if let Some(max) = effective.max_secs {
            if self.client_offline_session_max_lifespan > max {
                warnings.push(format!(
                    "Client offline session max ({}) is longer than the realm's max lifespan ({}); it has no effect.",
                    format_duration(self.client_offline_session_max_lifespan),
                    format_duration(max)
                ));
            }
        }
        if self.refresh_token_max_reuse > 0 && !self.revoke_refresh_token {
            warnings.push(
                "Refresh token max reuse only matters when revoke refresh token is on.".into(),
            );
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> PolicySettings {
        PolicySettings {
            offline_session_idle_timeout: 2_592_000,
            offline_session_max_lifespan_enabled: false,
            offline_session_max_lifespan: 5_184_000,
            client_offline_session_idle_timeout: 0,
            client_offline_session_max_lifespan: 0,
            revoke_refresh_token: false,
            refresh_token_max_reuse: 0,
        }
    }

    #[test]
    fn a_loaded_form_validates_back_to_the_same_settings() {
        let settings = defaults();
        let form = PolicyForm::from_settings(&settings);
        assert_eq!(form.offline_idle, "30");
        assert_eq!(form.offline_idle_unit, "days");
        assert_eq!(form.validate(), Ok(settings));
    }

    #[test]
    fn every_wrong_field_gets_its_own_message() {
        let mut form = PolicyForm::from_settings(&defaults());
        form.offline_idle = "abc".into();
        form.offline_max = "-3".into();
        form.client_idle = "".into();
        form.client_max = "1000000000000".into();
        form.max_reuse = "x".into();
        let errors = form.validate().unwrap_err();
        assert_eq!(
            errors[FIELD_OFFLINE_IDLE],
            "Use digits only: a whole number such as 30."
        );
        assert_eq!(errors[FIELD_OFFLINE_MAX], "The value cannot be negative.");
        assert_eq!(errors[FIELD_CLIENT_IDLE], "Enter a value (0 or more).");
        assert_eq!(
            errors[FIELD_CLIENT_MAX],
            "That is too long: at most 3650 days (10 years)."
        );
        assert_eq!(
            errors[FIELD_MAX_REUSE],
            "Use digits only: a whole number such as 30."
        );
        form.offline_idle_unit = "fortnights".into();
        assert_eq!(
            form.validate().unwrap_err()[FIELD_OFFLINE_IDLE],
            "Choose minutes, hours or days."
        );
    }

    #[test]
    fn the_diff_lists_only_what_changed() {
        let before = defaults();
        let mut after = before;
        after.offline_session_idle_timeout = 15 * 86_400;
        after.revoke_refresh_token = true;
        assert_eq!(
            before.changes_to(&after),
            vec![
                SettingChange {
                    setting: "Offline session idle".into(),
                    before: "30 days".into(),
                    after: "15 days".into()
                },
                SettingChange {
                    setting: "Revoke refresh token".into(),
                    before: "off".into(),
                    after: "on".into()
                },
            ]
        );
        assert!(before.changes_to(&before).is_empty());
    }

    #[test]
    fn shorter_idle_or_a_new_max_lifespan_needs_a_preview() {
        let before = defaults();
        let mut shorter = before;
        shorter.offline_session_idle_timeout = 86_400;
        assert!(before.may_end_sessions(&shorter));
        let mut limited = before;
        limited.offline_session_max_lifespan_enabled = true;
        assert!(before.may_end_sessions(&limited));
        let mut longer = before;
        longer.offline_session_idle_timeout = 60 * 86_400;
        longer.revoke_refresh_token = true;
        assert!(!before.may_end_sessions(&longer));
    }

    #[test]
    fn warns_when_max_lifespan_is_shorter_than_idle() {
        let mut s = defaults();
        assert!(s.warnings().is_empty());
        s.offline_session_max_lifespan_enabled = true;
        s.offline_session_max_lifespan = 86_400;
        assert_eq!(
            s.warnings(),
            vec!["The max lifespan (1 day) is shorter than the idle timeout (30 days): offline sessions end by age before they could ever go idle."]
        );
        s.offline_session_max_lifespan_enabled = false;
        s.client_offline_session_max_lifespan = 3600;
        assert_eq!(
            s.warnings(),
            vec!["Client offline session max is ignored while the offline session max lifespan is not limited."]
        );
    }
}
