//! The admin API's answers, as the console reads them.

use serde::{Deserialize, Serialize};

use crate::model::policy::{
    EffectivePolicy, RealmOfflinePolicy, CLIENT_OFFLINE_IDLE_ATTR, CLIENT_OFFLINE_MAX_ATTR,
};
use crate::model::realm_policy::PolicySettings;

/// `UserSessionRepresentation` (times in epoch milliseconds).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSession {
    pub id: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub start: i64,
    #[serde(default)]
    pub last_access: i64,
    /// client UUID -> clientId
    #[serde(default)]
    pub clients: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub id: String,
    pub client_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub consent_required: bool,
    #[serde(default)]
    pub full_scope_allowed: Option<bool>,
    #[serde(default)]
    pub bearer_only: bool,
    #[serde(default)]
    pub public_client: bool,
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub default_client_scopes: Vec<String>,
    #[serde(default)]
    pub optional_client_scopes: Vec<String>,
    /// What the caller may do with this client, as Keycloak computed it.
    #[serde(default)]
    pub access: std::collections::BTreeMap<String, bool>,
}

impl Client {
    /// An attribute in whole seconds (the client's own offline session limits); `None` when
    /// unset or not a number, as Keycloak then falls back to the realm's.
    pub fn attribute_secs(&self, name: &str) -> Option<i64> {
        self.attributes
            .get(name)
            .and_then(|v| v.trim().parse().ok())
    }

    /// What applies to this client's offline sessions under the realm's policy.
    pub fn effective_policy(&self, realm: &RealmOfflinePolicy) -> EffectivePolicy {
        realm.effective(
            self.attribute_secs(CLIENT_OFFLINE_IDLE_ATTR),
            self.attribute_secs(CLIENT_OFFLINE_MAX_ATTR),
        )
    }
}

/// `RealmRepresentation`: the fields the console reads. Keycloak leaves the session settings
/// out of the reduced representation it sends callers without view-realm, so they are optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Realm {
    pub realm: String,
    /// Epoch seconds; tokens issued before it are refused. 0: none set.
    #[serde(default)]
    pub not_before: i64,
    offline_session_idle_timeout: Option<i64>,
    #[serde(default)]
    offline_session_max_lifespan_enabled: bool,
    offline_session_max_lifespan: Option<i64>,
    client_offline_session_idle_timeout: Option<i64>,
    client_offline_session_max_lifespan: Option<i64>,
    #[serde(default)]
    revoke_refresh_token: bool,
    refresh_token_max_reuse: Option<i64>,
}

impl Realm {
    /// The offline and refresh-token settings; `None` in the reduced representation.
    pub fn policy_settings(&self) -> Option<PolicySettings> {
        Some(PolicySettings {
            offline_session_idle_timeout: self.offline_session_idle_timeout?,
            offline_session_max_lifespan_enabled: self.offline_session_max_lifespan_enabled,
            offline_session_max_lifespan: self.offline_session_max_lifespan.unwrap_or(0),
            client_offline_session_idle_timeout: self
                .client_offline_session_idle_timeout
                .unwrap_or(0),
            client_offline_session_max_lifespan: self
                .client_offline_session_max_lifespan
                .unwrap_or(0),
            revoke_refresh_token: self.revoke_refresh_token,
            refresh_token_max_reuse: self.refresh_token_max_reuse.unwrap_or(0),
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSessionStats {
    pub id: String,
    pub client_id: String,
    /// Keycloak sends these counts as strings.
    pub active: String,
    pub offline: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub access: std::collections::BTreeMap<String, bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    pub client_id: String,
    #[serde(default)]
    pub granted_client_scopes: Vec<String>,
    #[serde(default)]
    pub created_date: Option<i64>,
    #[serde(default)]
    pub last_updated_date: Option<i64>,
    #[serde(default)]
    pub additional_grants: Vec<AdditionalGrant>,
}

/// The grant Keycloak lists for a client holding offline tokens of the user.
const OFFLINE_TOKEN_GRANT: &str = "Offline Token";

impl Consent {
    pub fn has_offline_token(&self) -> bool {
        self.additional_grants
            .iter()
            .any(|g| g.key == OFFLINE_TOKEN_GRANT)
    }
}

/// Client UUID -> clientId of every client holding offline tokens of the user:
/// Keycloak lists offline sessions per client, and these are exactly the
/// clients that have some.
pub fn offline_token_clients(consents: &[Consent]) -> std::collections::BTreeMap<String, String> {
    consents
        .iter()
        .flat_map(|c| {
            c.additional_grants
                .iter()
                .filter(|g| g.key == OFFLINE_TOKEN_GRANT)
                .map(|g| (g.client.clone(), c.client_id.clone()))
        })
        .collect()
}

#[derive(Debug, Clone, Deserialize)]
pub struct AdditionalGrant {
    /// client UUID
    pub client: String,
    pub key: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Role {
    pub name: String,
}

/// A realm as `GET /admin/realms` lists it (only its name is read).
#[derive(Debug, Clone, Deserialize)]
pub struct RealmSummary {
    pub realm: String,
}

/// A client scope as listed on a client (`{id, name}`).
#[derive(Debug, Clone, Deserialize)]
pub struct ScopeRef {
    pub name: String,
}

/// `GlobalRequestResult`: admin URLs a push reached or failed to reach.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalRequestResult {
    #[serde(default)]
    pub success_requests: Vec<String>,
    #[serde(default)]
    pub failed_requests: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub(super) struct Count {
    pub(super) count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_reduced_realm_representation_has_no_policy() {
        // What Keycloak sends a caller without view-realm (`RealmAdminResource.getRealm`).
        let reduced: Realm =
            serde_json::from_value(json!({"id": "x", "realm": "demo", "enabled": true})).unwrap();
        assert_eq!((reduced.policy_settings(), reduced.not_before), (None, 0));
    }

    #[test]
    fn the_full_realm_representation_gives_its_policy() {
        let full: Realm = serde_json::from_value(json!({
            "realm": "demo", "notBefore": 1_700_000_000,
            "offlineSessionIdleTimeout": 2_592_000, "offlineSessionMaxLifespanEnabled": true,
            "offlineSessionMaxLifespan": 5_184_000, "clientOfflineSessionIdleTimeout": 0,
            "clientOfflineSessionMaxLifespan": 0, "revokeRefreshToken": true,
            "refreshTokenMaxReuse": 1, "displayName": "Demo"
        }))
        .unwrap();
        let settings = full.policy_settings().unwrap();
        assert_eq!(full.not_before, 1_700_000_000);
        assert_eq!(settings.offline_session_idle_timeout, 2_592_000);
        assert!(settings.offline_session_max_lifespan_enabled);
        assert_eq!(settings.offline_session_max_lifespan, 5_184_000);
        assert!(settings.revoke_refresh_token);
        assert_eq!(settings.refresh_token_max_reuse, 1);
    }
}
