//! OIDC clients per realm, built from Keycloak's discovery document and cached.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::config::Config;
use crate::keycloak::{KcError, Keycloak};
use crate::model::time::clock::now_secs;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Discovery documents and keys change rarely; an hour keeps key rotation visible.
const CACHE_TTL: Duration = Duration::from_secs(3600);

struct Cached {
    client: Arc<Client>,
    end_session: Option<String>,
    fetched: Instant,
}

#[derive(Clone)]
pub struct Oidc {
    keycloak: Keycloak,
    client_id: String,
    secrets: super::client_secrets::ClientSecrets,
    redirect_uri: String,
    clients: Arc<RwLock<HashMap<String, Arc<Cached>>>>,
}

/// What the browser must bring back to the callback, kept in the session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginFlow {
    pub realm: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
    /// An offline grant for history (`history::connect`), not a sign-in.
    pub offline: bool,
}

/// Tokens as received; `*_at` are this server's Unix seconds.
#[derive(Clone, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub access_expires_at: i64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(**redacted**)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error(transparent)]
    Keycloak(#[from] KcError),
    #[error("the sign-in was refused: {0}")]
    Refused(String),
    #[error("the ID token did not verify: {0}")]
    IdToken(String),
    #[error(
        "no client secret is configured for realm {0} (OIDC_CLIENT_SECRET or OIDC_CLIENT_SECRETS)"
    )]
    NoSecret(String),
}

impl Oidc {
    pub fn new(config: &Config, keycloak: Keycloak) -> Self {
        Oidc {
            keycloak,
            client_id: config.client_id.clone(),
            secrets: config.client_secrets.clone(),
            redirect_uri: config.redirect_uri(),
            clients: Arc::default(),
        }
    }

    /// The console client's secret in `realm`.
    fn secret(&self, realm: &str) -> Result<&str, OidcError> {
        self.secrets
            .for_realm(realm)
            .map(|s| s.expose())
            .ok_or_else(|| OidcError::NoSecret(realm.to_owned()))
    }

    async fn cached(&self, realm: &str) -> Result<Arc<Cached>, OidcError> {
        if let Some(hit) = self.clients.read().await.get(realm) {
            if hit.fetched.elapsed() < CACHE_TTL {
                return Ok(hit.clone());
            }
        }
        let issuer = self.keycloak.url(&["realms", realm]);
        let issuer = IssuerUrl::from_url(issuer);
        let metadata = CoreProviderMetadata::discover_async(issuer, self.keycloak.http())
            .await
            .map_err(|e| match e {
                openidconnect::DiscoveryError::Response(status, _, _) if status.as_u16() == 404 => {
                    KcError::NotFound(format!("realm {realm}"))
                }
                other => KcError::Unavailable(format!("discovery: {other}")),
            })?;
        let end_session = self
            .keycloak
            .discovery(realm)
            .await
            .ok()
            .and_then(|d| d.end_session_endpoint);
        let redirect = RedirectUrl::new(self.redirect_uri.clone())
            .map_err(|e| OidcError::Refused(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.secret(realm)?.to_owned())),
        )
        .set_redirect_uri(redirect);
        let cached = Arc::new(Cached {
            client: Arc::new(client),
            end_session,
            fetched: Instant::now(),
        });
        self.clients
            .write()
            .await
            .insert(realm.to_owned(), cached.clone());
        Ok(cached)
    }

    /// The URL to send the browser to, and what to remember until it returns.
    pub async fn begin(
        &self,
        realm: &str,
        next: String,
        offline: bool,
    ) -> Result<(url::Url, LoginFlow), OidcError> {
        let cached = self.cached(realm).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = cached
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        if offline {
            request = request.add_scope(Scope::new("offline_access".into()));
        }
        let (url, state, nonce) = request.url();
        Ok((
            url,
            LoginFlow {
                realm: realm.to_owned(),
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next,
                offline,
            },
        ))
    }

    /// Exchanges the code (with the PKCE verifier) and verifies the ID token.
    pub async fn finish(&self, flow: &LoginFlow, code: String) -> Result<Tokens, OidcError> {
        let cached = self.cached(&flow.realm).await?;
        let response = cached
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| OidcError::Refused(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
            .request_async(self.keycloak.http())
            .await
            .map_err(token_error)?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::IdToken("no ID token in the response".into()))?;
        id_token
            .claims(
                &cached.client.id_token_verifier(),
                &Nonce::new(flow.nonce.clone()),
            )
            .map_err(|e| OidcError::IdToken(e.to_string()))?;
        Ok(Tokens {
            access_token: response.access_token().secret().clone(),
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
            id_token: Some(id_token.to_string()),
            access_expires_at: now_secs()
                + response.expires_in().map_or(60, |d| d.as_secs() as i64),
        })
    }

    /// A refresh; Keycloak may rotate the refresh token, so the new one replaces the old.
    pub async fn refresh(&self, realm: &str, tokens: &Tokens) -> Result<Tokens, OidcError> {
        let refresh = tokens
            .refresh_token
            .clone()
            .ok_or_else(|| OidcError::Refused("no refresh token".into()))?;
        let cached = self.cached(realm).await?;
        let refresh = RefreshToken::new(refresh);
        let response = cached
            .client
            .exchange_refresh_token(&refresh)
            .map_err(|e| OidcError::Refused(e.to_string()))?
            .request_async(self.keycloak.http())
            .await
            .map_err(token_error)?;
        Ok(Tokens {
            access_token: response.access_token().secret().clone(),
            refresh_token: response
                .refresh_token()
                .map(|t| t.secret().clone())
                .or(tokens.refresh_token.clone()),
            id_token: response
                .id_token()
                .map(|t| t.to_string())
                .or(tokens.id_token.clone()),
            access_expires_at: now_secs()
                + response.expires_in().map_or(60, |d| d.as_secs() as i64),
        })
    }

    /// Revokes a refresh or offline token at Keycloak (RFC 7009), which ends its session for
    /// this client. Keycloak answers 200 for a token it no longer knows, so any 2xx is done.
    pub async fn revoke(&self, realm: &str, refresh_token: &str) -> Result<(), KcError> {
        let url = self
            .keycloak
            .url(&["realms", realm, "protocol", "openid-connect", "revoke"]);
        let response = self
            .keycloak
            .http()
            .post(url)
            .form(&[
                ("client_id", self.client_id.as_str()),
                (
                    "client_secret",
                    self.secret(realm)
                        .map_err(|e| KcError::BadRequest(e.to_string()))?,
                ),
                ("token", refresh_token),
                ("token_type_hint", "refresh_token"),
            ])
            .send()
            .await
            .map_err(KcError::from_transport)?;
        if response.status().is_success() {
            Ok(())
        } else if response.status().is_server_error() {
            Err(KcError::ServerError(format!(
                "revocation: {}",
                response.status()
            )))
        } else {
            Err(KcError::BadRequest(format!(
                "Keycloak refused the revocation ({})",
                response.status()
            )))
        }
    }

    /// Keycloak's RP-initiated logout URL, ending the SSO session too.
    pub async fn logout_url(
        &self,
        realm: &str,
        id_token: Option<&str>,
        after: &str,
    ) -> Option<url::Url> {
        let cached = self.cached(realm).await.ok()?;
        let mut url = url::Url::parse(cached.end_session.as_deref()?).ok()?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(id_token) = id_token {
                query.append_pair("id_token_hint", id_token);
            }
            query
                .append_pair("client_id", &self.client_id)
                .append_pair("post_logout_redirect_uri", after);
        }
        Some(url)
    }
}

fn token_error<RE: std::error::Error + 'static>(
    e: openidconnect::RequestTokenError<
        RE,
        openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    >,
) -> OidcError {
    match e {
        openidconnect::RequestTokenError::ServerResponse(response) => OidcError::Refused(format!(
            "{}: {}",
            response.error(),
            response
                .error_description()
                .map(String::as_str)
                .unwrap_or("")
        )),
        openidconnect::RequestTokenError::Request(e) => {
            OidcError::Keycloak(KcError::Unavailable(e.to_string()))
        }
        other => OidcError::Keycloak(KcError::Malformed(other.to_string())),
    }
}
