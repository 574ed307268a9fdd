//! `…/logout`: back-channel logout with a refresh token (POST form) and RP-initiated
//! browser logout with `id_token_hint` / `post_logout_redirect_uri` (Keycloak's `LogoutEndpoint`).

use super::client_auth;
use super::cookies;
use super::redirect_uri::verify_post_logout;
use super::refresh_token::decode;
use super::urls::{base_url, issuer};
use crate::error::ApiError;
use crate::extract::FormParams;
use crate::id::Id;
use crate::pages;
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

/// `POST …/logout`: a form with `refresh_token` (+ client auth) is a back-channel logout;
/// anything else is an RP-initiated logout.
pub async fn logout_post(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    headers: HeaderMap,
    form: FormParams,
) -> Response {
    // Browsers never send client credentials; API clients always do.
    let back_channel = form.raw("refresh_token").is_some()
        || form.get("client_secret").is_some()
        || headers.contains_key(header::AUTHORIZATION);
    let result = if back_channel {
        token_logout(&state, &realm, &headers, &form)
    } else {
        browser_logout(&state, &realm, &headers, &form)
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET …/logout`: RP-initiated logout.
pub async fn logout_get(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = FormParams::parse(query.unwrap_or_default().as_bytes());
    browser_logout(&state, &realm, &headers, &params).unwrap_or_else(IntoResponse::into_response)
}

/// With a regular refresh token the online session ends (offline sessions stay); with an
/// offline one the whole offline session and the online session of the same id end.
fn token_logout(
    state: &AppState,
    realm_name: &str,
    headers: &HeaderMap,
    form: &FormParams,
) -> Result<Response, ApiError> {
    let mut db = state.write();
    let realm = db
        .realm_mut(realm_name)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let client = client_auth::authenticate(realm, headers, form)?
        .client_id
        .clone();
    let encoded = form
        .get("refresh_token")
        .ok_or_else(|| ApiError::invalid_request("No refresh token"))?;
    // Logout does not check the token's expiry.
    let token = decode(realm, encoded, &issuer(headers, realm_name), i64::MIN)?;
    if token.azp != client {
        return Err(ApiError::invalid_grant(
            "Invalid refresh token. Token client and authorized client don't match",
        ));
    }
    let session = if token.offline {
        realm.offline().get(token.session)
    } else {
        realm.sessions.get(token.session)
    };
    if let Some(session) = session {
        if token.iat < session.started {
            return Err(ApiError::invalid_grant(
                "Toked issued before the user session started",
            ));
        }
        if token.offline {
            realm.remove_offline_session(token.session);
        }
        realm.sessions.remove(token.session);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn browser_logout(
    state: &AppState,
    realm_name: &str,
    headers: &HeaderMap,
    params: &FormParams,
) -> Result<Response, ApiError> {
    let bad = |message: &str| ApiError::page(StatusCode::BAD_REQUEST, message);
    let mut db = state.write();
    let realm = db
        .realm_mut(realm_name)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let redirect = params.get("post_logout_redirect_uri");
    let hint = params.get("id_token_hint");
    if redirect.is_some() && hint.is_none() && params.get("client_id").is_none() {
        return Err(bad("Missing parameters: id_token_hint"));
    }
    let id_token = match hint {
        Some(token) => Some(
            realm
                .key
                .verify(token)
                .filter(|c| c.get("typ").and_then(Value::as_str) == Some("ID"))
                .filter(|c| {
                    c.get("iss").and_then(Value::as_str)
                        == Some(issuer(headers, realm_name).as_str())
                })
                .ok_or_else(|| bad("Invalid IDToken"))?,
        ),
        None => None,
    };
    let client_id = id_token
        .as_ref()
        .and_then(|c| c.get("azp").and_then(Value::as_str).map(str::to_string))
        .or_else(|| params.get("client_id").map(str::to_string));
    if let (Some(token_client), Some(given)) = (
        id_token
            .as_ref()
            .and_then(|c| c.get("azp").and_then(Value::as_str)),
        params.get("client_id"),
    ) {
        if token_client != given {
            return Err(bad("Invalid parameter: client_id"));
        }
    }
    if let Some(uri) = redirect {
        let client = client_id
            .as_deref()
            .and_then(|c| realm.client_by_client_id(c))
            .ok_or_else(|| bad("Invalid redirect uri"))?;
        if !verify_post_logout(client, uri, &base_url(headers)) {
            return Err(bad("Invalid redirect uri"));
        }
    }
    let hinted = id_token
        .as_ref()
        .and_then(|c| c.get("sid").and_then(Value::as_str))
        .and_then(Id::parse);
    let cookie = cookies::sso_session(headers);
    if hinted.is_none() && params.get("confirm").is_none() {
        return Ok(Html(pages::logout_confirm_page(
            &format!(
                "{}/realms/{realm_name}/protocol/openid-connect/logout",
                base_url(headers)
            ),
            redirect,
            params.get("state"),
            client_id.as_deref(),
        ))
        .into_response());
    }
    for session in [hinted, cookie].into_iter().flatten() {
        realm.sessions.remove(session);
    }
    let mut response = match redirect {
        Some(uri) => {
            let mut location = uri.to_string();
            if let Some(state) = params.get("state") {
                let query = form_urlencoded::Serializer::new(String::new())
                    .append_pair("state", state)
                    .finish();
                location.push(if uri.contains('?') { '&' } else { '?' });
                location.push_str(&query);
            }
            (
                StatusCode::FOUND,
                [(
                    header::LOCATION,
                    HeaderValue::from_str(&location).map_err(|_| bad("Invalid redirect uri"))?,
                )],
            )
                .into_response()
        }
        None => Html(pages::logged_out_page()).into_response(),
    };
    for cookie in cookies::clear(realm_name) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}
