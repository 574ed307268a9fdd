//! `/auth/login`, `/auth/callback`, `/auth/logout`: plain HTTP endpoints,
//! because they answer with redirects to and from Keycloak.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use super::oidc::OidcError;
use super::session::{signed_in, take_login_flow, SignedIn, LOGIN_FLOW_KEY, SIGNED_IN_KEY};
use crate::model::ids::RealmName;
use crate::model::next_path::same_site_path;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/logout", post(logout))
}

#[derive(Deserialize)]
pub struct LoginQuery {
    realm: Option<String>,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    let realm = query
        .realm
        .unwrap_or_else(|| state.config.admin_realm.clone());
    let realm = match RealmName::parse(&realm) {
        Ok(realm) => realm,
        Err(e) => return page(StatusCode::BAD_REQUEST, "Cannot sign in", &e.to_string()),
    };
    let next = query
        .next
        .as_deref()
        .and_then(same_site_path)
        .unwrap_or("/")
        .to_owned();
    // Another site's link must not replace a signed-in session (Keycloak's SSO would answer
    // it silently): the person confirms here, and that click comes from this site.
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"cross-site");
    if cross_site {
        if let Some(who) = signed_in(&session).await {
            return already_signed_in(&who, realm.as_str(), &next);
        }
    }
    match state.oidc.begin(realm.as_str(), next, false).await {
        Ok((url, flow)) => {
            if let Err(e) = session.insert(LOGIN_FLOW_KEY, &flow).await {
                tracing::error!(error = %e, "storing the login flow failed");
                return internal();
            }
            Redirect::to(url.as_str()).into_response()
        }
        Err(e) => oidc_failure(&e, realm.as_str()),
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(flow) = take_login_flow(&session).await else {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in response does not belong to a sign-in started here, or it was already used. Please start again.",
        );
    };
    let state_matches = query
        .state
        .as_deref()
        .is_some_and(|s| constant_time_eq(s.as_bytes(), flow.state.as_bytes()));
    if !state_matches {
        tracing::warn!("sign-in callback with a state that does not match");
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in refused",
            "The sign-in response did not match the request this browser made. Please start again.",
        );
    }
    if let Some(error) = query.error {
        let detail = query.error_description.unwrap_or_default();
        tracing::info!(%error, %detail, "Keycloak ended the sign-in with an error");
        let message = if error == "access_denied" {
            "The sign-in was cancelled."
        } else {
            "Keycloak could not complete the sign-in."
        };
        return page(StatusCode::BAD_REQUEST, "Sign-in not completed", message);
    }
    let Some(code) = query.code else {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in refused",
            "The sign-in response had no code.",
        );
    };
    let tokens = match state.oidc.finish(&flow, code).await {
        Ok(tokens) => tokens,
        Err(e) => return oidc_failure(&e, &flow.realm),
    };
    if flow.offline {
        return crate::history::connect::finish(&state, &session, &flow, tokens).await;
    }
    let Some(who) = SignedIn::from_tokens(&flow.realm, tokens) else {
        tracing::error!("the access token could not be read");
        return internal();
    };
    // A new session id at sign-in, so an id planted before cannot be used after.
    if let Err(e) = session.cycle_id().await {
        tracing::error!(error = %e, "cycling the session id failed");
        return internal();
    }
    if let Err(e) = session.insert(SIGNED_IN_KEY, &who).await {
        tracing::error!(error = %e, "storing the signed-in user failed");
        return internal();
    }
    tracing::info!(realm = %who.realm, user = %who.username, "signed in");
    Redirect::to(&flow.next).into_response()
}

/// Ends the console session, revokes its refresh token at Keycloak (RFC 7009), and ends
/// Keycloak's SSO session (RP-initiated logout).
async fn logout(State(state): State<AppState>, session: Session) -> Response {
    // A refresh in flight finishes first; one that starts later finds the session gone.
    let lock = session
        .id()
        .map(|id| state.refresh_locks.for_key(&id.to_string()));
    let _one_at_a_time = match &lock {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    if let Err(e) = session.load().await {
        tracing::error!(error = %e, "reading the session at sign-out failed");
    }
    let who = signed_in(&session).await;
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "deleting the session failed");
    }
    let after = format!("{}/", state.config.public_origin());
    let Some(who) = who else {
        return Redirect::to("/").into_response();
    };
    tracing::info!(realm = %who.realm, user = %who.username, "signed out");
    if let Some(token) = who.tokens.refresh_token.as_deref() {
        if let Err(e) = state.oidc.revoke(&who.realm, token).await {
            tracing::warn!(error = %e, "revoking the refresh token at sign-out failed");
            return page(
                StatusCode::BAD_GATEWAY,
                "Signed out of the console only",
                "You are signed out of this console, but Keycloak could not be reached to end your Keycloak session: it stays signed in until it expires. Sign out in Keycloak's account console, or close the browser, to end it.",
            );
        }
    }
    match state
        .oidc
        .logout_url(&who.realm, who.tokens.id_token.as_deref(), &after)
        .await
    {
        Some(url) => Redirect::to(url.as_str()).into_response(),
        None => Redirect::to("/").into_response(),
    }
}

/// The answer to another site's sign-in link while someone is signed in.
fn already_signed_in(who: &SignedIn, realm: &str, next: &str) -> Response {
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Already signed in · offline-console</title><link rel=\"stylesheet\" href=\"/pkg/offline-console.css\"></head>\
         <body><main id=\"main\"><section class=\"notice\"><h1>Already signed in</h1>\
         <p>You are signed in as <strong>{user}</strong> ({current}). Another site sent you to sign in to <strong>{realm}</strong>.</p>\
         <p><a href=\"{next}\">Continue as {user}</a></p>\
         <p><a href=\"/auth/login?realm={realm_q}&amp;next={next_q}\">Sign in to {realm} instead</a></p></section></main></body></html>",
        user = escape(&who.username),
        current = escape(&who.realm),
        realm = escape(realm),
        next = escape(next),
        realm_q = encode(realm),
        next_q = encode(next),
    );
    (StatusCode::OK, Html(html)).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn oidc_failure(e: &OidcError, realm: &str) -> Response {
    tracing::warn!(error = %e, %realm, "sign-in failed");
    match e {
        OidcError::Keycloak(crate::keycloak::KcError::NotFound(_)) => page(
            StatusCode::NOT_FOUND,
            "Unknown realm",
            "Keycloak does not know this realm. Check the name and try again.",
        ),
        OidcError::NoSecret(_) => page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in not set up for this realm",
            "This console has no client secret for this realm. Its operator sets one in OIDC_CLIENT_SECRETS (or OIDC_CLIENT_SECRET for every realm).",
        ),
        OidcError::Keycloak(k) if k.is_transient() => page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Keycloak is unavailable",
            "Keycloak did not answer. Please try again in a moment.",
        ),
        _ => page(
            StatusCode::BAD_GATEWAY,
            "Sign-in failed",
            "Keycloak did not accept the sign-in. Please start again.",
        ),
    }
}

fn internal() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The sign-in could not be completed. It has been logged; please try again.",
    )
}

/// A minimal page for answers outside the Leptos app.
pub(crate) fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · offline-console</title><link rel=\"stylesheet\" href=\"/pkg/offline-console.css\"></head>\
         <body><main id=\"main\"><section class=\"notice\"><h1>{title}</h1><p>{message}</p><p><a href=\"/\">Start page</a></p></section></main></body></html>",
        title = escape(title),
        message = escape(message)
    );
    (status, Html(html)).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
