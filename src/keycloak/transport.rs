//! Sending a request with a caller's token: reads retried, changes sent once, a 401 retried
//! once with a refreshed token. The admin and account clients both go through it.

use super::{error, Bearer, KcError, Keycloak};

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
