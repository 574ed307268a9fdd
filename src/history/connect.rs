//! Connecting history: the signed-in administrator grants the console
//! offline access (authorization code + PKCE, `scope=offline_access`, through
//! Keycloak's consent screen when the client asks for consent). The browser
//! comes back to the ordinary `/auth/callback`; the flow's `offline` flag
//! sends it here, and the console's sign-in session is left as it was.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use base64::Engine as _;
use serde::Deserialize;
use tower_sessions::Session;

use super::{access, crypto, store};
use crate::audit::Recorder;
use crate::auth::oidc::{LoginFlow, Tokens};
use crate::auth::routes::page;
use crate::auth::session::{signed_in, LOGIN_FLOW_KEY};
use crate::auth::{Caller, SignedIn};
use crate::error::AppError;
use crate::model::next_path::same_site_path;
use crate::model::time::clock::now_ms;
use crate::state::AppState;

pub const NO_KEY: &str = "History needs an encryption key for the stored offline token: set HISTORY_KEY (32 random bytes in base64, e.g. from `openssl rand -base64 32`) and restart the console.";

#[derive(Deserialize)]
pub struct ConnectForm {
    next: Option<String>,
}

/// `POST /history/connect`: sends the administrator to Keycloak to grant offline access.
pub async fn begin(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<ConnectForm>,
) -> Response {
    let who = match current_administrator(&state, session.clone()).await {
        Ok(who) => who,
        Err(e) => return refused("Cannot connect history", e),
    };
    let current = match store::connection(&state.db).await {
        Ok(current) => current.map(|c| c.info),
        Err(e) => {
            tracing::error!(error = %e, "reading the history connection failed");
            return failed();
        }
    };
    if let Some(refusal) = access::connect_refusal(&who, current.as_ref()) {
        return page(StatusCode::FORBIDDEN, "Cannot connect history", &refusal);
    }
    if state.config.history_key.is_none() {
        return page(StatusCode::CONFLICT, "Cannot connect history", NO_KEY);
    }
    let next = form
        .next
        .as_deref()
        .and_then(same_site_path)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("/admin/{}", who.realm));
    match state.oidc.begin(&who.realm, next, true).await {
        Ok((url, flow)) => {
            if let Err(e) = session.insert(LOGIN_FLOW_KEY, &flow).await {
                tracing::error!(error = %e, "storing the history flow failed");
                return failed();
            }
            Redirect::to(url.as_str()).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "starting the history grant failed");
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Cannot connect history",
                "Keycloak did not answer. Please try again in a moment.",
            )
        }
    }
}

#[derive(Deserialize)]
struct RefreshClaims {
    typ: String,
}

fn is_offline_token(token: &str) -> bool {
    token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p.trim_end_matches('='))
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<RefreshClaims>(&bytes).ok())
        .is_some_and(|c| c.typ == "Offline")
}

/// The callback's second half for a history grant: checks it is the signed-in
/// administrator's own offline token, seals and stores it.
pub async fn finish(
    state: &AppState,
    session: &Session,
    flow: &LoginFlow,
    tokens: Tokens,
) -> Response {
    let Some(who) = signed_in(session).await.filter(SignedIn::is_admin) else {
        return page(
            StatusCode::FORBIDDEN,
            "History not connected",
            "Only a signed-in realm administrator can connect history. Please sign in and try again.",
        );
    };
    let granted_by = SignedIn::from_tokens(&flow.realm, tokens.clone());
    let Some(granted_by) =
        granted_by.filter(|g| flow.realm == who.realm && g.user_id == who.user_id)
    else {
        return page(
            StatusCode::FORBIDDEN,
            "History not connected",
            "The offline access was granted by another account than the one signed in to the console. Sign in as the administrator who connects history.",
        );
    };
    let Some(offline_token) = tokens.refresh_token.filter(|t| is_offline_token(t)) else {
        return page(
            StatusCode::BAD_REQUEST,
            "History not connected",
            "Keycloak did not grant offline access: the account needs the offline_access role and the console client the offline_access scope.",
        );
    };
    let Some(key) = state.config.history_key.as_ref() else {
        return page(StatusCode::CONFLICT, "History not connected", NO_KEY);
    };
    let target = format!("history (offline token of {})", who.username);
    let stored = async {
        let _one_at_a_time = state.history.lock().await;
        let replaced = store::connection(&state.db).await?;
        // The roles of the token just granted: the session's may be older.
        if let Some(refusal) =
            access::connect_refusal(&granted_by, replaced.as_ref().map(|r| &r.info))
        {
            return Ok(Err(refusal));
        }
        let audit = Recorder::begin(
            &state.db,
            &who,
            &who.realm,
            "history_connect",
            &target,
            None,
        )
        .await?;
        let generation = store::next_generation(&state.db).await?;
        let sealed = crypto::seal(key, generation, &offline_token);
        store::connect(
            &state.db,
            &who.realm,
            &who.username,
            now_ms(),
            &sealed,
            generation,
        )
        .await?;
        let detail = match replaced {
            Some(old) => Some(revoke_replaced(state, key, old).await),
            None => None,
        };
        audit.succeeded(detail).await.map(Ok)
    }
    .await;
    match stored {
        Ok(Err(refusal)) => page(StatusCode::FORBIDDEN, "History not connected", &refusal),
        Ok(Ok(())) => {
            tracing::info!(realm = %who.realm, user = %who.username, "history connected");
            // The sign-in's refresh token no longer works: this authorization
            // restarted the console's client session in the SSO session
            // ("refresh token issued before the client session started"), or,
            // on Keycloak 26.7, turned the SSO session into the offline one.
            // A new sign-in renews it (silently while the SSO session lasts,
            // with Keycloak's login form otherwise); the offline session is
            // not touched.
            let next: String = url::form_urlencoded::byte_serialize(flow.next.as_bytes()).collect();
            let realm: String =
                url::form_urlencoded::byte_serialize(flow.realm.as_bytes()).collect();
            Redirect::to(&format!("/auth/login?realm={realm}&next={next}")).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "storing the history token failed");
            failed()
        }
    }
}

/// Revokes the offline token a new connection replaced (RFC 7009), so that no grant is left
/// behind at Keycloak; returns what the audit entry says about it.
async fn revoke_replaced(
    state: &AppState,
    key: &crate::crypto::SealingKey,
    old: store::StoredConnection,
) -> String {
    let whose = format!("{} ({})", old.info.username, old.info.realm);
    let Some(token) = old
        .sealed
        .as_deref()
        .and_then(|sealed| crypto::open(key, old.generation, sealed))
    else {
        return format!("replaced the connection of {whose}, which held no usable token");
    };
    match state.oidc.revoke(&old.info.realm, &token).await {
        Ok(()) => format!("replaced the connection of {whose}; its offline token was revoked"),
        Err(e) => {
            tracing::warn!(error = %e, "revoking the replaced history token failed");
            format!(
                "replaced the connection of {whose}; revoking its offline token failed ({e}): revoke it in Keycloak"
            )
        }
    }
}

/// The signed-in administrator with roles no older than their access token.
pub(super) async fn current_administrator(
    state: &AppState,
    session: Session,
) -> Result<SignedIn, AppError> {
    let caller = Caller::from_session(state.clone(), session)
        .await?
        .with_current_roles()
        .await?
        .require_admin()?;
    Ok((*caller.who()).clone())
}

pub(super) fn refused(title: &str, e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    page(status, title, &e.to_string())
}

pub(super) fn failed() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "History could not be connected. It has been logged; please try again.",
    )
}
