//! The login and consent form posts of the browser flow (`/realms/{realm}/login-actions/`).

use super::authorize::{
    action_url, after_authentication, consent_page, issue_code, redirect_error,
    scopes_needing_consent,
};
use super::flows::AuthFlow;
use super::login::create_session;
use super::urls::{base_url, issuer};
use crate::error::ApiError;
use crate::extract::FormParams;
use crate::id::random_id;
use crate::model::Consent;
use crate::pages;
use crate::state::AppState;
use crate::store::Realm;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::net::SocketAddr;

const EXPIRED_LOGIN: &str = "Your login attempt timed out. Login will start from the beginning.";

/// The flow a form belongs to: its `session_code` (login form) or the posted `code` (consent).
fn take_flow(
    state: &AppState,
    query: Option<&str>,
    form: &FormParams,
    now: i64,
) -> Result<AuthFlow, ApiError> {
    let params = FormParams::parse(query.unwrap_or_default().as_bytes());
    let id = params
        .get("session_code")
        .or_else(|| form.get("code"))
        .unwrap_or_default();
    let mut flows = state.shared().flows.lock();
    flows.sweep(now);
    flows
        .logins
        .remove(id)
        .ok_or_else(|| ApiError::page(StatusCode::BAD_REQUEST, EXPIRED_LOGIN))
}

/// What both forms start with: the flow the form belongs to (else the
/// "timed out" page), then its realm; `handle` gets the realm, the flow, the
/// issuer and the time of the request. Changes are journaled after it.
fn with_flow(
    state: &AppState,
    realm_name: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    form: &FormParams,
    handle: impl FnOnce(&mut Realm, AuthFlow, &str, i64) -> Response,
) -> Response {
    let now = state.now();
    let iss = issuer(headers, realm_name);
    let flow = match take_flow(state, query, form, now) {
        Ok(flow) => flow,
        Err(err) => return err.into_response(),
    };
    let mut db = state.write();
    let Some(realm) = db
        .realm_mut(realm_name)
        .filter(|_| flow.realm == realm_name)
    else {
        return ApiError::realm_does_not_exist().into_response();
    };
    handle(realm, flow, &iss, now)
}

/// `POST /realms/{realm}/login-actions/authenticate` (the login form).
pub async fn authenticate(
    State(state): State<AppState>,
    Path(realm_name): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    form: FormParams,
) -> Response {
    with_flow(
        &state,
        &realm_name,
        query.as_deref(),
        &headers,
        &form,
        |realm, flow, iss, now| {
            let username = form.get("username").unwrap_or_default();
            let password = form.get("password").unwrap_or_default();
            let user = realm
                .user_by_username(username)
                .filter(|u| u.service_account_client_id.is_none())
                .filter(|u| u.password.as_deref() == Some(password))
                .map(|u| (u.id, u.enabled));
            let error = match user {
                None => Some("Invalid username or password."),
                Some((_, false)) => Some("Account is disabled, contact your administrator."),
                Some(_) => None,
            };
            if let Some(error) = error {
                let flow_id = random_id().to_string();
                let client_id = realm
                    .client(flow.client)
                    .map(|c| c.client_id.clone())
                    .unwrap_or_default();
                state
                    .shared()
                    .flows
                    .lock()
                    .logins
                    .insert(flow_id.clone(), flow);
                let action = action_url(
                    &base_url(&headers),
                    &realm_name,
                    "authenticate",
                    &flow_id,
                    &client_id,
                );
                return Html(pages::login_page(
                    &realm_name,
                    &action,
                    username,
                    Some(error),
                ))
                .into_response();
            }
            let (user, _) = user.expect("checked");
            let session = create_session(realm, user, None, peer.ip(), now, true);
            let mut flow = flow;
            flow.authenticated = Some((user, session));
            after_authentication(&state, realm, flow, iss, now, true)
        },
    )
}

/// `GET /realms/{realm}/login-actions/required-action?execution=OAUTH_GRANT&tab_id=…`: the
/// consent page of a signed-in flow (the flow stays until the form is posted).
pub async fn required_action(
    State(state): State<AppState>,
    Path(realm_name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = FormParams::parse(query.as_deref().unwrap_or_default().as_bytes());
    let flow_id = params.get("tab_id").unwrap_or_default();
    let flow = {
        let mut flows = state.shared().flows.lock();
        flows.sweep(state.now());
        flows.logins.get(flow_id).cloned()
    };
    let db = state.read();
    let page = flow
        .filter(|flow| flow.realm == realm_name && params.get("execution") == Some("OAUTH_GRANT"))
        .and_then(|flow| Some((db.realm(&realm_name)?, flow)))
        .and_then(|(realm, flow)| consent_page(realm, &flow, flow_id));
    match page {
        Some(page) => Html(page).into_response(),
        None => ApiError::page(StatusCode::BAD_REQUEST, EXPIRED_LOGIN).into_response(),
    }
}

/// `POST /realms/{realm}/login-actions/consent` (the consent form).
pub async fn consent(
    State(state): State<AppState>,
    Path(realm_name): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    form: FormParams,
) -> Response {
    with_flow(
        &state,
        &realm_name,
        query.as_deref(),
        &headers,
        &form,
        |realm, flow, iss, now| {
            if form.get("accept").is_none() {
                return redirect_error(&flow, iss, "access_denied", None);
            }
            // A login-form id posted here has no authenticated user yet.
            let Some((user, _)) = flow.authenticated else {
                return ApiError::page(StatusCode::BAD_REQUEST, EXPIRED_LOGIN).into_response();
            };
            let needed = scopes_needing_consent(realm, &flow, user);
            let now_ms = state.clock().now_ms();
            let consent = match realm.consent(user, flow.client) {
                Some(existing) => {
                    let mut updated = existing.clone();
                    updated.granted_scopes.extend(needed);
                    updated.last_updated = now_ms;
                    updated
                }
                None => Consent {
                    granted_scopes: needed,
                    created: now_ms,
                    last_updated: now_ms,
                },
            };
            realm.put_consent(user, flow.client, consent);
            issue_code(&state, realm, &flow, iss, now)
        },
    )
}
