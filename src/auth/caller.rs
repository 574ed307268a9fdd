//! The person behind a server-function call, and their access token kept fresh.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use leptos::prelude::use_context;
use tower_sessions::session::Id;
use tower_sessions::Session;

use super::oidc::OidcError;
use super::session::{request_session, signed_in, RequestSignedIn, SignedIn, SIGNED_IN_KEY};
use crate::error::AppError;
use crate::keycloak::{Bearer, KcError};
use crate::model::time::clock::now_secs;
use crate::state::AppState;

/// Refresh an access token this many seconds before it expires.
const REFRESH_MARGIN_SECS: i64 = 30;

/// One refresh at a time per signed-in session: with rotating refresh tokens
/// (revokeRefreshToken, max reuse 0) two concurrent refreshes would end the session.
#[derive(Clone, Default)]
pub struct RefreshLocks(Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>);

impl RefreshLocks {
    pub fn for_key(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, lock| Arc::strong_count(lock) > 1);
        map.entry(key.to_owned()).or_default().clone()
    }
}

pub struct Caller {
    pub state: AppState,
    session: Session,
    /// Shared, not copied: `who()` is asked several times per request and the roles are maps.
    signed_in: Mutex<Arc<SignedIn>>,
}

impl Caller {
    /// The signed-in person making this request.
    pub async fn current() -> Result<Self, AppError> {
        let state = use_context::<AppState>().ok_or_else(|| AppError::internal("no AppState"))?;
        let session =
            request_session().ok_or_else(|| AppError::internal("no session in the request"))?;
        let who = match use_context::<RequestSignedIn>() {
            Some(this_request) => this_request.get(&session).await,
            None => signed_in(&session).await.map(Arc::new),
        };
        Self::signed_in_to(state, session, who)
    }

    pub async fn from_session(state: AppState, session: Session) -> Result<Self, AppError> {
        let who = signed_in(&session).await.map(Arc::new);
        Self::signed_in_to(state, session, who)
    }

    fn signed_in_to(
        state: AppState,
        session: Session,
        who: Option<Arc<SignedIn>>,
    ) -> Result<Self, AppError> {
        Ok(Caller {
            state,
            session,
            signed_in: Mutex::new(who.ok_or(AppError::NotSignedIn)?),
        })
    }

    /// The person signed in to a stored browser session, outside any request:
    /// a background job acting for its owner. Tokens are read from and saved
    /// back to that session, so the job and the browser share one refresh-token
    /// chain; with rotating refresh tokens, two copies would end each other.
    /// `sealed` is what `job_owner_session` gave for the same job.
    pub async fn for_job(state: AppState, job: &str, sealed: &str) -> Result<Self, AppError> {
        use base64::Engine as _;
        let id = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(sealed)
            .ok()
            .and_then(|sealed| {
                crate::crypto::open(&state.session_key, &job_owner_context(job), &sealed)
            })
            .and_then(|plain| String::from_utf8(plain).ok())
            .and_then(|id| Id::from_str(&id).ok())
            .ok_or(AppError::NotSignedIn)?;
        let store = Arc::new(state.session_store.clone());
        let session = Session::new(Some(id), store, Some(state.session_expiry));
        Self::from_session(state, session).await
    }

    /// This caller's session id, sealed for `job` to act through (`for_job`): the database
    /// keeps no session id a browser could present.
    pub fn job_owner_session(&self, job: &str) -> Option<String> {
        use base64::Engine as _;
        let id = self.session.id()?.to_string();
        let sealed = crate::crypto::seal(
            &self.state.session_key,
            &job_owner_context(job),
            id.as_bytes(),
        );
        Some(base64::engine::general_purpose::STANDARD_NO_PAD.encode(sealed))
    }

    /// A signed-in administrator (anyone holding realm-management roles);
    /// Keycloak still decides each call.
    pub async fn admin() -> Result<Self, AppError> {
        Self::current()
            .await?
            .with_current_roles()
            .await?
            .require_admin()
    }

    /// `admin` for a plain handler, which has the session but no server-function context.
    pub async fn admin_of_session(state: AppState, session: Session) -> Result<Self, AppError> {
        Self::from_session(state, session)
            .await?
            .with_current_roles()
            .await?
            .require_admin()
    }

    /// This caller with the roles of an access token that has not expired: an expired one is
    /// renewed first, its roles with it, and a sign-in Keycloak has ended (user disabled,
    /// signed out) ends here. The audit log, history and jobs are answered from these roles
    /// without Keycloak, so they must not outlive what Keycloak grants today.
    pub async fn with_current_roles(self) -> Result<Self, AppError> {
        match self.fresh_token(false).await {
            Ok(_) => Ok(self),
            Err(e) => Err(crate::api::support::keycloak_error(
                e,
                "",
                "",
                "confirm your roles",
            )),
        }
    }

    /// This caller, if they hold any administrative role.
    pub fn require_admin(self) -> Result<Self, AppError> {
        if !self.who().is_admin() {
            return Err(AppError::admin_only());
        }
        Ok(self)
    }

    pub fn who(&self) -> Arc<SignedIn> {
        self.signed_in
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    async fn fresh_token(&self, force: bool) -> Result<String, KcError> {
        let held = self.who();
        if !force && held.tokens.access_expires_at - REFRESH_MARGIN_SECS > now_secs() {
            return Ok(held.tokens.access_token.clone());
        }
        let key = self
            .session
            .id()
            .map(|id| id.to_string())
            .unwrap_or_else(|| held.user_id.clone());
        let lock = self.state.refresh_locks.for_key(&key);
        let _guard = lock.lock().await;
        // The stored session as it is now, through a copy of its own: another request may have
        // refreshed while this one waited, and the request's copy, if changed, would be saved
        // again at the end of the request over whatever a later refresh stored.
        let stored = self.stored_copy();
        stored
            .load()
            .await
            .map_err(|e| KcError::Unavailable(format!("session store: {e}")))?;
        // Gone: signed out meanwhile. A refresh must not bring the session back.
        let current = signed_in(&stored).await.ok_or(KcError::Unauthorized)?;
        let already_fresh = current.tokens.access_token != held.tokens.access_token
            || (!force && current.tokens.access_expires_at - REFRESH_MARGIN_SECS > now_secs());
        if already_fresh {
            let token = current.tokens.access_token.clone();
            *self.signed_in.lock().unwrap_or_else(|p| p.into_inner()) = Arc::new(current);
            return Ok(token);
        }
        let store_failed =
            |e: tower_sessions::session::Error| KcError::Unavailable(format!("session store: {e}"));
        match self
            .state
            .oidc
            .refresh(&current.realm, &current.tokens)
            .await
        {
            Ok(tokens) => {
                let renewed = current.with_tokens(tokens);
                let token = renewed.tokens.access_token.clone();
                stored
                    .insert(SIGNED_IN_KEY, &renewed)
                    .await
                    .map_err(store_failed)?;
                stored.save().await.map_err(store_failed)?;
                *self.signed_in.lock().unwrap_or_else(|p| p.into_inner()) = Arc::new(renewed);
                Ok(token)
            }
            Err(OidcError::Keycloak(e)) if e.is_transient() => Err(e),
            Err(e) => {
                // The refresh token was refused: the Keycloak session is over.
                tracing::info!(error = %e, "refresh refused; signing out locally");
                let _ = stored.delete().await;
                Err(KcError::Unauthorized)
            }
        }
    }

    /// A second handle on this caller's stored session, changed and saved on its own.
    fn stored_copy(&self) -> Session {
        let store = Arc::new(self.state.session_store.clone());
        Session::new(self.session.id(), store, Some(self.state.session_expiry))
    }
}

fn job_owner_context(job: &str) -> Vec<u8> {
    format!("offline-console job {job} owner session v1").into_bytes()
}

impl Bearer for Caller {
    async fn token(&self) -> Result<String, KcError> {
        self.fresh_token(false).await
    }

    async fn refreshed(&self) -> Result<String, KcError> {
        self.fresh_token(true).await
    }

    /// The person (realm and user id): what Keycloak's permissions are decided by.
    fn cache_identity(&self) -> Option<String> {
        let who = self.signed_in.lock().unwrap_or_else(|p| p.into_inner());
        (!who.user_id.is_empty()).then(|| format!("{}/{}", who.realm, who.user_id))
    }
}
