//! Realm entities. Field names follow Keycloak's representations (camelCase in JSON),
//! so a representation is the serde form of the entity.

use crate::id::Id;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Realm token and session settings (`RealmRepresentation`); `Default` holds Keycloak's
/// defaults (`Constants`, `DefaultExportImportManager`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct RealmSettings {
    pub id: Id,
    pub realm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub enabled: bool,
    pub not_before: i64,
    pub default_signature_algorithm: String,
    pub revoke_refresh_token: bool,
    pub refresh_token_max_reuse: i64,
    pub access_token_lifespan: i64,
    pub access_token_lifespan_for_implicit_flow: i64,
    pub sso_session_idle_timeout: i64,
    pub sso_session_max_lifespan: i64,
    pub sso_session_idle_timeout_remember_me: i64,
    pub sso_session_max_lifespan_remember_me: i64,
    pub offline_session_idle_timeout: i64,
    pub offline_session_max_lifespan_enabled: bool,
    pub offline_session_max_lifespan: i64,
    pub client_session_idle_timeout: i64,
    pub client_session_max_lifespan: i64,
    pub client_offline_session_idle_timeout: i64,
    pub client_offline_session_max_lifespan: i64,
    pub access_code_lifespan: i64,
    pub access_code_lifespan_user_action: i64,
    pub access_code_lifespan_login: i64,
    pub action_token_generated_by_admin_lifespan: i64,
    pub action_token_generated_by_user_lifespan: i64,
    pub ssl_required: String,
    pub registration_allowed: bool,
    pub remember_me: bool,
    pub login_with_email_allowed: bool,
    pub duplicate_emails_allowed: bool,
    pub reset_password_allowed: bool,
    pub edit_username_allowed: bool,
    pub brute_force_protected: bool,
    /// Keycloak's free-form realm attributes, as its representation lists them: the defaults of
    /// a new realm, and the client offline lifespans once set (Keycloak keeps those two there).
    pub attributes: BTreeMap<String, String>,
}

/// The attributes every new realm of Keycloak 26.7 carries.
fn default_realm_attributes() -> BTreeMap<String, String> {
    [
        ("cibaAuthRequestedUserHint", "login_hint"),
        ("cibaBackchannelTokenDeliveryMode", "poll"),
        ("cibaExpiresIn", "120"),
        ("cibaInterval", "5"),
        ("oauth2DeviceCodeLifespan", "600"),
        ("oauth2DevicePollingInterval", "5"),
        ("parRequestUriLifespan", "60"),
        ("realmReusableOtpCode", "false"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect()
}

/// The settings Keycloak stores as realm attributes besides their own field.
pub const SETTINGS_KEPT_AS_ATTRIBUTES: [&str; 2] = [
    "clientOfflineSessionIdleTimeout",
    "clientOfflineSessionMaxLifespan",
];

impl Default for RealmSettings {
    fn default() -> Self {
        RealmSettings {
            id: Id::NONE,
            realm: String::new(),
            display_name: None,
            enabled: true,
            not_before: 0,
            default_signature_algorithm: "RS256".into(),
            revoke_refresh_token: false,
            refresh_token_max_reuse: 0,
            access_token_lifespan: 300,
            access_token_lifespan_for_implicit_flow: 900,
            sso_session_idle_timeout: 1800,
            sso_session_max_lifespan: 36000,
            sso_session_idle_timeout_remember_me: 0,
            sso_session_max_lifespan_remember_me: 0,
            offline_session_idle_timeout: 2_592_000,
            offline_session_max_lifespan_enabled: false,
            offline_session_max_lifespan: 5_184_000,
            client_session_idle_timeout: 0,
            client_session_max_lifespan: 0,
            client_offline_session_idle_timeout: 0,
            client_offline_session_max_lifespan: 0,
            access_code_lifespan: 60,
            access_code_lifespan_user_action: 300,
            access_code_lifespan_login: 1800,
            action_token_generated_by_admin_lifespan: 43200,
            action_token_generated_by_user_lifespan: 300,
            ssl_required: "external".into(),
            registration_allowed: false,
            remember_me: false,
            login_with_email_allowed: true,
            duplicate_emails_allowed: false,
            reset_password_allowed: false,
            edit_username_allowed: false,
            brute_force_protected: false,
            attributes: default_realm_attributes(),
        }
    }
}

impl RealmSettings {
    /// `≤0` falls back to the default, as `SessionExpirationUtils` does.
    pub fn offline_idle(&self) -> i64 {
        positive_or(self.offline_session_idle_timeout, 2_592_000)
    }

    pub fn offline_max(&self) -> Option<i64> {
        self.offline_session_max_lifespan_enabled
            .then(|| positive_or(self.offline_session_max_lifespan, 5_184_000))
    }

    pub fn sso_idle(&self, remember_me: bool) -> i64 {
        if remember_me && self.sso_session_idle_timeout_remember_me > 0 {
            return self.sso_session_idle_timeout_remember_me;
        }
        positive_or(self.sso_session_idle_timeout, 1800)
    }

    pub fn sso_max(&self, remember_me: bool) -> i64 {
        if remember_me && self.sso_session_max_lifespan_remember_me > 0 {
            return self.sso_session_max_lifespan_remember_me;
        }
        positive_or(self.sso_session_max_lifespan, 36000)
    }
}

pub fn positive_or(value: i64, fallback: i64) -> i64 {
    if value > 0 {
        value
    } else {
        fallback
    }
}

/// A user. Its serde form is the journal's storage form, not Keycloak's
/// `UserRepresentation` (e.g. `serviceAccountClientUuid` holds the client's id where the
/// representation's `serviceAccountClientId` holds its clientId).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    pub id: Id,
    pub username: Box<str>,
    pub enabled: bool,
    pub email_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Box<str>>,
    /// Epoch ms.
    pub created_timestamp: i64,
    pub not_before: i64,
    #[serde(
        rename = "serviceAccountClientUuid",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_account_client_id: Option<Id>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing)]
    pub password: Option<Box<str>>,
    /// Direct role mappings (realm and client roles).
    #[serde(skip)]
    pub roles: Vec<Id>,
}

impl Default for User {
    fn default() -> Self {
        User {
            id: Id::NONE,
            username: "".into(),
            enabled: false,
            email_verified: false,
            email: None,
            first_name: None,
            last_name: None,
            created_timestamp: 0,
            not_before: 0,
            service_account_client_id: None,
            attributes: BTreeMap::new(),
            password: None,
            roles: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Client {
    pub id: Id,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    pub surrogate_auth_required: bool,
    pub enabled: bool,
    pub always_display_in_console: bool,
    pub client_authenticator_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub redirect_uris: Vec<String>,
    pub web_origins: Vec<String>,
    pub not_before: i64,
    pub bearer_only: bool,
    pub consent_required: bool,
    pub standard_flow_enabled: bool,
    pub implicit_flow_enabled: bool,
    pub direct_access_grants_enabled: bool,
    pub service_accounts_enabled: bool,
    pub public_client: bool,
    pub frontchannel_logout: bool,
    pub protocol: String,
    pub attributes: BTreeMap<String, String>,
    pub full_scope_allowed: bool,
    pub node_re_registration_timeout: i64,
    pub default_client_scopes: Vec<String>,
    pub optional_client_scopes: Vec<String>,
    /// Client role name → role id.
    #[serde(skip)]
    pub roles: BTreeMap<String, Id>,
    /// Roles in this client's scope (scope mappings), used when `fullScopeAllowed` is false.
    #[serde(skip)]
    pub scope_mappings: Vec<Id>,
}

impl Default for Client {
    fn default() -> Self {
        Client {
            id: Id::NONE,
            client_id: String::new(),
            name: None,
            description: None,
            root_url: None,
            admin_url: None,
            base_url: None,
            surrogate_auth_required: false,
            enabled: true,
            always_display_in_console: false,
            client_authenticator_type: "client-secret".into(),
            secret: None,
            redirect_uris: Vec::new(),
            web_origins: Vec::new(),
            not_before: 0,
            bearer_only: false,
            consent_required: false,
            standard_flow_enabled: true,
            implicit_flow_enabled: false,
            direct_access_grants_enabled: false,
            service_accounts_enabled: false,
            public_client: false,
            frontchannel_logout: true,
            protocol: "openid-connect".into(),
            attributes: BTreeMap::new(),
            full_scope_allowed: true,
            node_re_registration_timeout: -1,
            default_client_scopes: Vec::new(),
            optional_client_scopes: Vec::new(),
            roles: BTreeMap::new(),
            scope_mappings: Vec::new(),
        }
    }
}

impl Client {
    /// Client-level override of a realm timeout (attribute in seconds; absent or ≤0 = none).
    pub fn attribute_secs(&self, name: &str) -> Option<i64> {
        self.attributes
            .get(name)
            .and_then(|v| v.parse::<i32>().ok())
            .map(i64::from)
            .filter(|v| *v > 0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub id: Id,
    pub name: String,
    pub description: Option<String>,
    /// `Some(client id)` for a client role.
    pub client: Option<Id>,
    pub composites: Vec<Id>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientScope {
    pub id: Id,
    pub name: String,
    pub description: Option<String>,
    pub protocol: String,
    pub attributes: BTreeMap<String, String>,
    /// Role scope-mappings: the scope is permitted only to users holding one of these.
    pub role_mappings: Vec<Id>,
}

impl ClientScope {
    fn flag(&self, name: &str, default: bool) -> bool {
        self.attributes
            .get(name)
            .map(|v| v == "true")
            .unwrap_or(default)
    }

    pub fn include_in_token_scope(&self) -> bool {
        self.flag("include.in.token.scope", true)
    }

    pub fn display_on_consent_screen(&self) -> bool {
        self.flag("display.on.consent.screen", true)
    }

    /// Text shown on the consent screen (Keycloak's message key or the scope name).
    pub fn consent_text(&self) -> String {
        match self.attributes.get("consent.screen.text") {
            Some(text) if !text.is_empty() => text.clone(),
            _ => self.name.clone(),
        }
    }
}

/// A stored user consent to a consent-required client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    /// Granted client scope ids.
    pub granted_scopes: Vec<Id>,
    /// Epoch ms.
    pub created: i64,
    pub last_updated: i64,
}

/// A user session (regular/SSO or offline). Times are epoch seconds, like Keycloak's model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserSession {
    pub id: Id,
    pub user: Id,
    pub started: i64,
    pub last_refresh: i64,
    pub ip: IpAddr,
    pub remember_me: bool,
    /// When the user authenticated in a browser (absent for password-grant sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    pub clients: Vec<ClientSession>,
}

impl UserSession {
    pub fn client(&self, client: Id) -> Option<&ClientSession> {
        self.clients.iter().find(|c| c.client == client)
    }

    pub fn client_mut(&mut self, client: Id) -> Option<&mut ClientSession> {
        self.clients.iter_mut().find(|c| c.client == client)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientSession {
    pub client: Id,
    pub started: i64,
    pub timestamp: i64,
    /// Refresh-token rotation state per `reuse_id` (Keycloak's `TokenManager.validateTokenReuse`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reuse: Vec<ReuseState>,
    /// Position in the per-client ordered index of the session store.
    #[serde(skip)]
    pub slot: u32,
}

impl ClientSession {
    pub fn new(client: Id, now: i64) -> ClientSession {
        ClientSession {
            client,
            started: now,
            timestamp: now,
            reuse: Vec::new(),
            slot: 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReuseState {
    pub reuse_id: Id,
    pub token_id: Id,
    pub count: i64,
    pub last_refresh: i64,
}
