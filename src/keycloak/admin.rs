//! Admin REST API (`/admin/realms/...`), called with the signed-in
//! administrator's own access token so that Keycloak's permissions decide.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{error, Bearer, KcError, Keycloak};

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

#[derive(Debug, Clone, Deserialize)]
pub struct RealmName {
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
struct Count {
    count: u64,
}

/// Admin calls made with one caller's token.
pub struct Admin<'a, B: Bearer> {
    kc: &'a Keycloak,
    bearer: &'a B,
}

impl Keycloak {
    pub fn admin<'a, B: Bearer>(&'a self, bearer: &'a B) -> Admin<'a, B> {
        Admin { kc: self, bearer }
    }
}

impl<B: Bearer> Admin<'_, B> {
    fn url(&self, realm: &str, rest: &[&str]) -> url::Url {
        let mut segments = vec!["admin", "realms", realm];
        segments.extend_from_slice(rest);
        self.kc.url(&segments)
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: url::Url) -> Result<T, KcError> {
        self.kc.get_json(url, self.bearer).await
    }

    /// `get` through the short-lived per-caller cache (see `cache`); errors are not kept.
    async fn get_cached<T>(&self, url: url::Url) -> Result<Arc<T>, KcError>
    where
        T: serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        let Some(caller) = self.bearer.cache_identity() else {
            return self.get(url).await.map(Arc::new);
        };
        let key = format!("{caller} {url}");
        if let Some(hit) = self.kc.cache.get(&key) {
            return Ok(hit);
        }
        let generation = self.kc.cache.generation();
        let value: Arc<T> = Arc::new(self.get(url).await?);
        self.kc.cache.put(key, generation, value.clone());
        Ok(value)
    }

    pub async fn realms(&self) -> Result<Vec<RealmName>, KcError> {
        self.get(self.kc.url(&["admin", "realms"])).await
    }

    /// The realms this caller may see, possibly a few seconds old: every admin page's realm
    /// switcher lists them.
    pub async fn realms_cached(&self) -> Result<Arc<Vec<RealmName>>, KcError> {
        self.get_cached(self.kc.url(&["admin", "realms"])).await
    }

    pub async fn realm(&self, realm: &str) -> Result<Value, KcError> {
        self.get(self.url(realm, &[])).await
    }

    /// The realm representation, possibly a few seconds old (never older than
    /// this console's last change to a realm).
    pub async fn realm_cached(&self, realm: &str) -> Result<Arc<Value>, KcError> {
        self.get_cached(self.url(realm, &[])).await
    }

    /// Partial update: Keycloak applies only the fields present in `body`.
    pub async fn update_realm(&self, realm: &str, body: &Value) -> Result<(), KcError> {
        let request = self.kc.http.put(self.url(realm, &[])).json(body);
        let result = self.kc.send_no_content(request, self.bearer).await;
        // Even a failed update may have been applied: cached reads must not outlive it.
        self.kc.cache.forget_all();
        result
    }

    pub async fn client_session_stats(
        &self,
        realm: &str,
    ) -> Result<Vec<ClientSessionStats>, KcError> {
        self.get(self.url(realm, &["client-session-stats"])).await
    }

    /// `clientId` substring search, paged.
    pub async fn search_clients(
        &self,
        realm: &str,
        search: &str,
        first: u32,
        max: u32,
    ) -> Result<Vec<Client>, KcError> {
        let mut url = self.url(realm, &["clients"]);
        {
            let mut query = url.query_pairs_mut();
            if !search.is_empty() {
                query
                    .append_pair("clientId", search)
                    .append_pair("search", "true");
            }
            query
                .append_pair("first", &first.to_string())
                .append_pair("max", &max.to_string());
        }
        self.get(url).await
    }

    /// Exact `clientId` lookup: `[]` or one client.
    pub async fn client_by_client_id(
        &self,
        realm: &str,
        client_id: &str,
    ) -> Result<Option<Client>, KcError> {
        let mut url = self.url(realm, &["clients"]);
        url.query_pairs_mut().append_pair("clientId", client_id);
        let clients: Vec<Client> = self.get(url).await?;
        Ok(clients.into_iter().find(|c| c.client_id == client_id))
    }

    /// The client scopes attached as default (`true`) or optional (`false`).
    pub async fn client_scopes(
        &self,
        realm: &str,
        id: &str,
        default: bool,
    ) -> Result<Vec<ScopeRef>, KcError> {
        let kind = if default {
            "default-client-scopes"
        } else {
            "optional-client-scopes"
        };
        self.get(self.url(realm, &["clients", id, kind])).await
    }

    /// Every realm role in the client's scope (all of them with fullScopeAllowed).
    pub async fn client_realm_scope(&self, realm: &str, id: &str) -> Result<Vec<Role>, KcError> {
        let mut url = self.url(
            realm,
            &["clients", id, "scope-mappings", "realm", "composite"],
        );
        url.query_pairs_mut()
            .append_pair("briefRepresentation", "true");
        self.get(url).await
    }

    /// Sends the realm's not-before to every client with an admin URL.
    pub async fn push_revocation(&self, realm: &str) -> Result<GlobalRequestResult, KcError> {
        let request = self.kc.http.post(self.url(realm, &["push-revocation"]));
        self.kc.send_json(request, self.bearer).await
    }

    pub async fn client(&self, realm: &str, id: &str) -> Result<Client, KcError> {
        self.get(self.url(realm, &["clients", id])).await
    }

    /// The client, possibly a few seconds old (see `realm_cached`).
    pub async fn client_cached(&self, realm: &str, id: &str) -> Result<Arc<Client>, KcError> {
        self.get_cached(self.url(realm, &["clients", id])).await
    }

    pub async fn offline_session_count(&self, realm: &str, client: &str) -> Result<u64, KcError> {
        let count: Count = self
            .get(self.url(realm, &["clients", client, "offline-session-count"]))
            .await?;
        Ok(count.count)
    }

    pub async fn offline_sessions(
        &self,
        realm: &str,
        client: &str,
        first: u32,
        max: u32,
    ) -> Result<Vec<UserSession>, KcError> {
        let mut url = self.url(realm, &["clients", client, "offline-sessions"]);
        url.query_pairs_mut()
            .append_pair("first", &first.to_string())
            .append_pair("max", &max.to_string());
        self.get(url).await
    }

    /// Removes a whole offline user session (every client in it).
    pub async fn delete_offline_session(&self, realm: &str, session: &str) -> Result<(), KcError> {
        let mut url = self.url(realm, &["sessions", session]);
        url.query_pairs_mut().append_pair("isOffline", "true");
        let request = self.kc.http.delete(url);
        self.kc.send_no_content(request, self.bearer).await
    }

    pub async fn search_users(
        &self,
        realm: &str,
        search: &str,
        first: u32,
        max: u32,
    ) -> Result<Vec<User>, KcError> {
        let mut url = self.url(realm, &["users"]);
        {
            let mut query = url.query_pairs_mut();
            if !search.is_empty() {
                query.append_pair("search", search);
            }
            query
                .append_pair("first", &first.to_string())
                .append_pair("max", &max.to_string())
                .append_pair("briefRepresentation", "true");
        }
        self.get(url).await
    }

    pub async fn count_users(&self, realm: &str, search: &str) -> Result<u64, KcError> {
        let mut url = self.url(realm, &["users", "count"]);
        if !search.is_empty() {
            url.query_pairs_mut().append_pair("search", search);
        }
        self.get(url).await
    }

    /// Exact username lookup.
    pub async fn user_by_username(
        &self,
        realm: &str,
        username: &str,
    ) -> Result<Option<User>, KcError> {
        let mut url = self.url(realm, &["users"]);
        url.query_pairs_mut()
            .append_pair("username", username)
            .append_pair("exact", "true")
            .append_pair("briefRepresentation", "true");
        let users: Vec<User> = self.get(url).await?;
        Ok(users
            .into_iter()
            .find(|u| u.username.eq_ignore_ascii_case(username)))
    }

    pub async fn user(&self, realm: &str, id: &str) -> Result<User, KcError> {
        self.get(self.url(realm, &["users", id])).await
    }

    pub async fn user_sessions(
        &self,
        realm: &str,
        user: &str,
    ) -> Result<Vec<UserSession>, KcError> {
        self.get(self.url(realm, &["users", user, "sessions"]))
            .await
    }

    pub async fn user_offline_sessions(
        &self,
        realm: &str,
        user: &str,
        client: &str,
    ) -> Result<Vec<UserSession>, KcError> {
        self.get(self.url(realm, &["users", user, "offline-sessions", client]))
            .await
    }

    pub async fn user_consents(&self, realm: &str, user: &str) -> Result<Vec<Consent>, KcError> {
        self.get(self.url(realm, &["users", user, "consents"]))
            .await
    }

    /// Revokes the consent and every offline token of `client_id` (the human clientId).
    pub async fn revoke_consent(
        &self,
        realm: &str,
        user: &str,
        client_id: &str,
    ) -> Result<(), KcError> {
        let request = self
            .kc
            .http
            .delete(self.url(realm, &["users", user, "consents", client_id]));
        self.kc.send_no_content(request, self.bearer).await
    }

    pub async fn effective_realm_roles(
        &self,
        realm: &str,
        user: &str,
    ) -> Result<Vec<Role>, KcError> {
        let mut url = self.url(
            realm,
            &["users", user, "role-mappings", "realm", "composite"],
        );
        url.query_pairs_mut()
            .append_pair("briefRepresentation", "true");
        self.get(url).await
    }
}

impl Keycloak {
    /// GET with the caller's token. Transient failures of these idempotent
    /// reads are retried twice with backoff; a 401 is retried once with a
    /// refreshed token.
    pub(crate) async fn get_json<T: serde::de::DeserializeOwned, B: Bearer>(
        &self,
        url: url::Url,
        bearer: &B,
    ) -> Result<T, KcError> {
        let mut delay = std::time::Duration::from_millis(100);
        let mut attempt = 0;
        loop {
            let request = self.http.get(url.clone());
            match self.send_authorized(request, bearer).await {
                Ok(response) => return error::json(response).await,
                Err(e) if e.is_transient() && attempt < 2 => {
                    attempt += 1;
                    tracing::warn!(error = %e, attempt, "retrying a Keycloak read");
                    tokio::time::sleep(delay).await;
                    delay *= 3;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Mutations are sent once (never retried after Keycloak may have acted);
    /// only a 401, which Keycloak answers before acting, is retried with a refreshed token.
    pub(crate) async fn send_no_content<B: Bearer>(
        &self,
        request: reqwest::RequestBuilder,
        bearer: &B,
    ) -> Result<(), KcError> {
        self.send_authorized(request, bearer)
            .await
            .map(|_| ())
            .map_err(KcError::for_mutation)
    }

    /// A mutation that answers with JSON; sent once, like `send_no_content`.
    pub(crate) async fn send_json<T: serde::de::DeserializeOwned, B: Bearer>(
        &self,
        request: reqwest::RequestBuilder,
        bearer: &B,
    ) -> Result<T, KcError> {
        let response = self
            .send_authorized(request, bearer)
            .await
            .map_err(KcError::for_mutation)?;
        error::json(response).await.map_err(KcError::for_mutation)
    }

    async fn send_authorized<B: Bearer>(
        &self,
        request: reqwest::RequestBuilder,
        bearer: &B,
    ) -> Result<reqwest::Response, KcError> {
        let retry = request.try_clone();
        let token = bearer.token().await?;
        match self.send_with(request, &token).await {
            Err(KcError::Unauthorized) => match retry {
                Some(retry) => {
                    let token = bearer.refreshed().await?;
                    self.send_with(retry, &token).await
                }
                None => Err(KcError::Unauthorized),
            },
            other => other,
        }
    }

    async fn send_with(
        &self,
        request: reqwest::RequestBuilder,
        token: &str,
    ) -> Result<reqwest::Response, KcError> {
        let response = request
            .bearer_auth(token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(KcError::from_transport)?;
        error::check(response).await
    }
}
