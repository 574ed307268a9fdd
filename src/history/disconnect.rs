//! Disconnecting history: the stored offline token is revoked at Keycloak and forgotten; the
//! recorded history stays.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::connect::{current_administrator, failed, refused};
use super::{access, crypto, store};
use crate::audit::Recorder;
use crate::auth::routes::page;
use crate::model::history::DisconnectReason;
use crate::model::next_path::same_site_path;
use crate::model::time::clock::now_ms;
use crate::state::AppState;

const TITLE: &str = "History not disconnected";

#[derive(Deserialize)]
pub struct DisconnectForm {
    next: Option<String>,
}

/// `POST /history/disconnect`: revokes the history token, then marks the connection ended.
/// Nothing is forgotten unless Keycloak confirmed the revocation.
pub async fn disconnect(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<DisconnectForm>,
) -> Response {
    let who = match current_administrator(&state, session).await {
        Ok(who) => who,
        Err(e) => return refused(TITLE, e),
    };
    let _one_at_a_time = state.history.lock().await;
    let current = match store::connection(&state.db).await {
        Ok(Some(c)) if c.info.disconnected.is_none() => c,
        Ok(_) => {
            return page(
                StatusCode::CONFLICT,
                TITLE,
                "History is not connected, so there is nothing to disconnect.",
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "reading the history connection failed");
            return failed();
        }
    };
    if let Some(refusal) = access::disconnect_refusal(&who, &current.info) {
        return page(StatusCode::FORBIDDEN, TITLE, &refusal);
    }
    let whose = format!("{} ({})", current.info.username, current.info.realm);
    let audit = match Recorder::begin(
        &state.db,
        &who,
        &current.info.realm,
        "history_disconnect",
        &format!("history (offline token of {whose})"),
        None,
    )
    .await
    {
        Ok(audit) => audit,
        Err(e) => {
            tracing::error!(error = %e, "auditing the history disconnect failed");
            return failed();
        }
    };
    let token = match (&state.config.history_key, current.sealed.as_deref()) {
        (Some(key), Some(sealed)) => crypto::open(key, current.generation, sealed),
        _ => None,
    };
    let revoked = match &token {
        Some(token) => state.oidc.revoke(&current.info.realm, token).await,
        None => Ok(()),
    };
    if let Err(e) = revoked {
        tracing::warn!(error = %e, "revoking the history token failed");
        let _ = audit
            .failed(format!("Keycloak did not revoke the token: {e}"))
            .await;
        return page(
            StatusCode::SERVICE_UNAVAILABLE,
            TITLE,
            "Keycloak could not revoke the history token, so history stays connected. Please try again in a moment.",
        );
    }
    let detail = match token {
        Some(_) => format!(
            "disconnected by {}; the offline token was revoked",
            who.username
        ),
        None => format!(
            "disconnected by {}; no usable token was stored",
            who.username
        ),
    };
    let ended = async {
        store::disconnect(&state.db, DisconnectReason::Disconnected, &detail, now_ms()).await?;
        audit.succeeded(Some(detail.clone())).await
    }
    .await;
    if let Err(e) = ended {
        tracing::error!(error = %e, "recording the history disconnect failed");
        return failed();
    }
    tracing::info!(by = %who.username, "history disconnected");
    let next = form
        .next
        .as_deref()
        .and_then(same_site_path)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("/admin/{}", who.realm));
    Redirect::to(&next).into_response()
}
