//! Typed client of Keycloak's OIDC, admin REST and account REST APIs.
//!
//! One `reqwest::Client` (connection pool, keep-alive, timeouts) serves the
//! whole process. Every path segment is percent-encoded here, in one place.

pub mod account;
pub mod admin;
mod cache;
mod error;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use cache::ReadCache;
pub use error::KcError;

/// Where admin and account calls get their access token from.
pub trait Bearer: Sync {
    /// A token believed to be valid now.
    fn token(&self) -> impl std::future::Future<Output = Result<String, KcError>> + Send;
    /// A new token after Keycloak answered 401 to the current one.
    fn refreshed(&self) -> impl std::future::Future<Output = Result<String, KcError>> + Send;
    /// Who is calling, for reads cached per caller; `None` disables caching.
    fn cache_identity(&self) -> Option<String> {
        None
    }
}

/// A fixed token, for callers that cannot refresh (tests, service accounts).
impl Bearer for String {
    async fn token(&self) -> Result<String, KcError> {
        Ok(self.clone())
    }
    async fn refreshed(&self) -> Result<String, KcError> {
        Err(KcError::Unauthorized)
    }
}

#[derive(Clone)]
pub struct Keycloak {
    http: reqwest::Client,
    base: Arc<Url>,
    timeouts: Timeouts,
    cache: Arc<ReadCache>,
}

/// Bounds on every outbound call, so a stalled Keycloak cannot hold a request forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

/// The parts of the discovery document the console uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub end_session_endpoint: Option<String>,
    pub jwks_uri: String,
}

impl Keycloak {
    pub fn new(base: Url, timeouts: Timeouts) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("offline-console/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend is compiled in");
        Keycloak {
            http,
            base: Arc::new(base),
            timeouts,
            cache: Arc::default(),
        }
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `base` + segments, each percent-encoded (`/`, `?`, `#`, `%` included),
    /// so an identifier can never reach another endpoint.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = (*self.base).clone();
        url.path_segments_mut()
            .expect("base URL was checked to be hierarchical")
            .pop_if_empty()
            .extend(segments);
        url
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub async fn discovery(&self, realm: &str) -> Result<Discovery, KcError> {
        let url = self.url(&["realms", realm, ".well-known", "openid-configuration"]);
        let response = self
            .http
            .get(url)
            .timeout(self.timeouts.total.min(Duration::from_secs(5)))
            .send()
            .await
            .map_err(KcError::from_transport)?;
        error::json(response).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        let kc = Keycloak::new(
            Url::parse("http://kc:8080/auth").unwrap(),
            Timeouts {
                connect: Duration::from_secs(3),
                total: Duration::from_secs(15),
            },
        );
        let url = kc.url(&["admin", "realms", "a/b?c#d %2F", "users"]);
        assert_eq!(
            url.as_str(),
            "http://kc:8080/auth/admin/realms/a%2Fb%3Fc%23d%20%252F/users"
        );
    }
}
