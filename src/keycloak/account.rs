//! Account REST API (`/realms/{realm}/account/...`), called with the signed-in
//! person's own token: Keycloak lets them see and change only their own grants.

use serde::Deserialize;

use super::{Bearer, KcError, Keycloak};

/// Account `ClientRepresentation`: one application with access to the user.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub client_id: String,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub user_consent_required: bool,
    #[serde(default)]
    pub in_use: bool,
    #[serde(default)]
    pub offline_access: bool,
    /// The base URL resolved against the root URL.
    #[serde(default)]
    pub effective_url: Option<String>,
    /// Present only when the user has a stored consent.
    #[serde(default)]
    pub consent: Option<Consent>,
    #[serde(default)]
    pub policy_uri: Option<String>,
    #[serde(default)]
    pub tos_uri: Option<String>,
}

/// Account `ConsentRepresentation` (dates in epoch milliseconds).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    #[serde(default)]
    pub granted_scopes: Vec<GrantedScope>,
    #[serde(default)]
    pub created_date: Option<i64>,
    #[serde(default)]
    pub last_updated_date: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantedScope {
    /// The consent-screen text if one is set, else the scope name.
    pub name: String,
    /// The localised consent-screen text.
    #[serde(default)]
    pub display_text: Option<String>,
}

/// Account calls made with one person's token.
pub struct Account<'a, B: Bearer> {
    kc: &'a Keycloak,
    bearer: &'a B,
}

impl Keycloak {
    pub fn account<'a, B: Bearer>(&'a self, bearer: &'a B) -> Account<'a, B> {
        Account { kc: self, bearer }
    }
}

impl<B: Bearer> Account<'_, B> {
    fn url(&self, realm: &str, rest: &[&str]) -> url::Url {
        let mut segments = vec!["realms", realm, "account"];
        segments.extend_from_slice(rest);
        self.kc.url(&segments)
    }

    /// Applications the user is signed in to, has consented to, or that hold
    /// their offline access.
    pub async fn applications(&self, realm: &str) -> Result<Vec<Application>, KcError> {
        self.kc
            .get_json(self.url(realm, &["applications"]), self.bearer)
            .await
    }

    /// Removes the consent, revokes the application's offline tokens and, if a
    /// consent existed, signs the application's sessions out (`clientId` is the human one).
    pub async fn revoke_consent(&self, realm: &str, client_id: &str) -> Result<(), KcError> {
        let url = self.url(realm, &["applications", client_id, "consent"]);
        let request = self.kc.http.delete(url);
        self.kc.send_no_content(request, self.bearer).await
    }
}
