//! The job owner's sign-in, held server-side for as long as the job runs.
//!
//! A job runs without a browser request, so it keeps its own copy of the
//! owner's tokens (in the database, so a restarted console can carry on) and
//! refreshes them itself. The refresh token lives as long as the owner's
//! Keycloak SSO session: refreshing every few minutes keeps it from idling
//! out, so a job can run until the session's maximum lifespan (SSO Session
//! Max, 10 hours by default) or until the owner signs out.

use tokio::sync::Mutex;

use super::store;
use crate::auth::oidc::{now, OidcError};
use crate::auth::SignedIn;
use crate::keycloak::{Bearer, KcError};
use crate::server::AppState;

/// Refresh this many seconds before the access token expires.
const REFRESH_MARGIN_SECS: i64 = 30;

pub struct JobBearer {
    state: AppState,
    job_id: String,
    signed_in: Mutex<SignedIn>,
}

impl JobBearer {
    pub fn new(state: AppState, job_id: String, signed_in: SignedIn) -> Self {
        JobBearer {
            state,
            job_id,
            signed_in: Mutex::new(signed_in),
        }
    }

    pub async fn who(&self) -> SignedIn {
        self.signed_in.lock().await.clone()
    }

    /// One refresh at a time: concurrent revocations wait for it and then
    /// use its result, as the lock is held across the refresh.
    async fn access_token(&self, stale: Option<&str>) -> Result<String, KcError> {
        let mut held = self.signed_in.lock().await;
        let expired = held.tokens.access_expires_at - REFRESH_MARGIN_SECS <= now();
        let refused = stale.is_some_and(|t| t == held.tokens.access_token);
        if !expired && !refused {
            return Ok(held.tokens.access_token.clone());
        }
        match self.state.oidc.refresh(&held.realm, &held.tokens).await {
            Ok(tokens) => {
                *held = held.with_tokens(tokens);
                store::save_credentials(&self.state.db, &self.job_id, &held)
                    .await
                    .map_err(|e| KcError::Unavailable(format!("job store: {e}")))?;
                Ok(held.tokens.access_token.clone())
            }
            Err(OidcError::Keycloak(e)) if e.is_transient() => Err(e),
            Err(e) => {
                tracing::info!(job = %self.job_id, error = %e, "the job's sign-in ended");
                Err(KcError::Unauthorized)
            }
        }
    }
}

impl Bearer for JobBearer {
    async fn token(&self) -> Result<String, KcError> {
        self.access_token(None).await
    }

    async fn refreshed(&self) -> Result<String, KcError> {
        let stale = self.signed_in.lock().await.tokens.access_token.clone();
        self.access_token(Some(&stale)).await
    }
}
