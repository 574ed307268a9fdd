//! Authorization endpoint (Keycloak 26 browser flow): request checks, SSO, consent
//! decision, codes and the redirect back to the client.

use super::cookies;
use super::flows::{AuthFlow, CodeGrant, ResponseMode};
use super::redirect_uri;
use super::scopes;
use super::urls::{base_url, issuer};
use crate::builtins::consent_message;
use crate::error::ApiError;
use crate::extract::FormParams;
use crate::id::{random_id, Id};
use crate::model::ClientSession;
use crate::pages;
use crate::state::AppState;
use crate::store::Realm;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// `GET /realms/{realm}/protocol/openid-connect/auth`
pub async fn authorize(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = FormParams::parse(query.unwrap_or_default().as_bytes());
    start(&state, &realm, &params, &headers).unwrap_or_else(IntoResponse::into_response)
}

/// `POST` form variant of the authorization endpoint.
pub async fn authorize_post(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    headers: HeaderMap,
    params: FormParams,
) -> Response {
    start(&state, &realm, &params, &headers).unwrap_or_else(IntoResponse::into_response)
}

/// Builds the redirect back to the client with `params` in the query or fragment.
fn redirect(uri: &str, mode: ResponseMode, params: &[(&str, &str)]) -> Response {
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let separator = match mode {
        ResponseMode::Fragment => '#',
        ResponseMode::Query if uri.contains('?') => '&',
        ResponseMode::Query => '?',
    };
    let location = format!("{uri}{separator}{encoded}");
    (
        StatusCode::FOUND,
        [(
            header::LOCATION,
            HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

/// An OAuth error sent back to the client's redirect URI.
pub(super) fn redirect_error(
    flow: &AuthFlow,
    iss: &str,
    error: &str,
    description: Option<&str>,
) -> Response {
    let mut params = vec![("error", error)];
    if let Some(description) = description {
        params.push(("error_description", description));
    }
    if let Some(state) = &flow.state {
        params.push(("state", state));
    }
    params.push(("iss", iss));
    redirect(&flow.redirect_uri, flow.response_mode, &params)
}

fn valid_challenge(text: &str) -> bool {
    (43..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fn start(
    state: &AppState,
    realm_name: &str,
    params: &FormParams,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let now = state.now();
    let base = base_url(headers);
    let iss = issuer(headers, realm_name);
    let mut db = state.write();
    let realm = db
        .realm_mut(realm_name)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let bad = |message: &str| ApiError::page(StatusCode::BAD_REQUEST, message);
    let client_id = params
        .get("client_id")
        .ok_or_else(|| bad("Missing parameter: client_id"))?;
    let client = realm
        .client_by_client_id(client_id)
        .ok_or_else(|| bad("Client not found."))?;
    if !client.enabled {
        return Err(bad("Client disabled."));
    }
    if client.bearer_only {
        return Err(bad(
            "Bearer-only clients are not allowed to initiate browser login.",
        ));
    }
    let redirect_uri = redirect_uri::verify(client, params.get("redirect_uri"), &base)
        .ok_or_else(|| bad("Invalid parameter: redirect_uri"))?;
    let response_mode = match params.get("response_mode") {
        None | Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some(_) => ResponseMode::Query,
    };
    let mut flow = AuthFlow {
        realm: realm_name.to_string(),
        client: client.id,
        redirect_uri,
        redirect_uri_param: params.get("redirect_uri").map(str::to_string),
        scope: params.get("scope").map(str::to_string),
        state: params.get("state").map(str::to_string),
        nonce: params.get("nonce").map(str::to_string),
        response_mode,
        code_challenge: None,
        authenticated: None,
        expires: now.saturating_add(realm.settings.access_code_lifespan_login),
    };
    if params
        .get("response_mode")
        .is_some_and(|m| m != "query" && m != "fragment")
    {
        return Ok(redirect_error(
            &flow,
            &iss,
            "invalid_request",
            Some("Invalid parameter: response_mode"),
        ));
    }
    match params.get("response_type") {
        None => {
            return Ok(redirect_error(
                &flow,
                &iss,
                "invalid_request",
                Some("Missing parameter: response_type"),
            ));
        }
        Some("code") => {}
        Some(_) => {
            return Ok(redirect_error(
                &flow,
                &iss,
                "unsupported_response_type",
                Some("Unsupported response_type"),
            ));
        }
    }
    if !client.standard_flow_enabled {
        return Ok(redirect_error(
            &flow,
            &iss,
            "unauthorized_client",
            Some("Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client."),
        ));
    }
    if let Err(ApiError::OAuth {
        error, description, ..
    }) = scopes::requested(realm, client, flow.scope.as_deref())
    {
        return Ok(redirect_error(&flow, &iss, &error, Some(&description)));
    }
    let required_method = client
        .attributes
        .get("pkce.code.challenge.method")
        .filter(|m| !m.is_empty());
    let method = params.get("code_challenge_method");
    match (params.get("code_challenge"), method) {
        (None, Some(_)) | (None, None) if required_method.is_some() => {
            return Ok(redirect_error(
                &flow,
                &iss,
                "invalid_request",
                Some("Missing parameter: code_challenge"),
            ));
        }
        (None, _) => {}
        (Some(challenge), method) => {
            let method = method.unwrap_or("plain");
            if !["plain", "S256"].contains(&method) || required_method.is_some_and(|r| r != method)
            {
                return Ok(redirect_error(
                    &flow,
                    &iss,
                    "invalid_request",
                    Some("Invalid parameter: code_challenge_method"),
                ));
            }
            if !valid_challenge(challenge) {
                return Ok(redirect_error(
                    &flow,
                    &iss,
                    "invalid_request",
                    Some("Invalid parameter: code_challenge"),
                ));
            }
            flow.code_challenge = Some((challenge.to_string(), method.to_string()));
        }
    }
    let sso = cookies::sso_session(headers)
        .filter(|_| params.get("prompt") != Some("login"))
        .and_then(|sid| realm.sessions.get(sid))
        .filter(|s| realm.sso_deadline(s) > now)
        .filter(|s| realm.user(s.user).is_some_and(|u| u.enabled))
        .map(|s| (s.user, s.id));
    if let Some((user, session)) = sso {
        flow.authenticated = Some((user, session));
        return Ok(after_authentication(state, realm, flow, &iss, now, false));
    }
    if params.get("prompt") == Some("none") {
        return Ok(redirect_error(&flow, &iss, "login_required", None));
    }
    let flow_id = random_id().to_string();
    let client_id = client.client_id.clone();
    let mut flows = state.shared().flows.lock();
    flows.sweep(now);
    flows.logins.insert(flow_id.clone(), flow);
    Ok(Html(pages::login_page(
        realm_name,
        &action_url(&base, realm_name, "authenticate", &flow_id, &client_id),
        "",
        None,
    ))
    .into_response())
}

pub(super) fn action_url(
    base: &str,
    realm: &str,
    action: &str,
    flow_id: &str,
    client_id: &str,
) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("session_code", flow_id)
        .append_pair("client_id", client_id)
        .append_pair("tab_id", flow_id)
        .finish();
    format!("{base}/realms/{realm}/login-actions/{action}?{query}")
}

/// The consent page of a flow waiting at the OAUTH_GRANT step; its form posts the flow's
/// code back with the answer.
pub(super) fn consent_page(realm: &Realm, flow: &AuthFlow, flow_id: &str) -> Option<String> {
    let (user, _) = flow.authenticated?;
    let client = realm.client(flow.client)?;
    let client_name = client
        .name
        .clone()
        .unwrap_or_else(|| client.client_id.clone());
    let texts: Vec<String> = scopes_needing_consent(realm, flow, user)
        .iter()
        .filter_map(|id| realm.scope(*id))
        .map(|s| consent_message(&s.consent_text()).to_string())
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &client.client_id)
        .append_pair("tab_id", flow_id)
        .finish();
    let action = format!("/realms/{}/login-actions/consent?{query}", flow.realm);
    Some(pages::consent_page(&client_name, &action, flow_id, &texts))
}

/// Consent-screen scopes the user has not yet granted to a consent-required client.
pub(super) fn scopes_needing_consent(realm: &Realm, flow: &AuthFlow, user: Id) -> Vec<Id> {
    let Some(client) = realm.client(flow.client) else {
        return Vec::new();
    };
    let Some(user) = realm.user(user) else {
        return Vec::new();
    };
    if !client.consent_required {
        return Vec::new();
    }
    let Ok(requested) = scopes::requested(realm, client, flow.scope.as_deref()) else {
        return Vec::new();
    };
    let granted = realm
        .consent(user.id, client.id)
        .map(|c| c.granted_scopes.clone())
        .unwrap_or_default();
    scopes::permitted(realm, user, &requested)
        .into_iter()
        .filter(|s| s.display_on_consent_screen() && !granted.contains(&s.id))
        .map(|s| s.id)
        .collect()
}

/// Consent screen if needed, else a code and the redirect to the client.
pub(super) fn after_authentication(
    state: &AppState,
    realm: &mut Realm,
    flow: AuthFlow,
    iss: &str,
    now: i64,
    set_cookies: bool,
) -> Response {
    let (user, session) = flow.authenticated.expect("authenticated flow");
    let needed = scopes_needing_consent(realm, &flow, user);
    let mut response = if needed.is_empty() {
        issue_code(state, realm, &flow, iss, now)
    } else {
        // Keycloak runs consent as the OAUTH_GRANT required action: a redirect to its page.
        let client_id = realm
            .client(flow.client)
            .expect("flow client")
            .client_id
            .clone();
        let flow_id = random_id().to_string();
        let base = iss.split("/realms/").next().unwrap_or_default().to_string();
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("execution", "OAUTH_GRANT")
            .append_pair("client_id", &client_id)
            .append_pair("tab_id", &flow_id)
            .finish();
        state
            .shared()
            .flows
            .lock()
            .logins
            .insert(flow_id, flow.clone());
        let location = format!(
            "{base}/realms/{}/login-actions/required-action?{query}",
            flow.realm
        );
        (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
    };
    if set_cookies {
        for cookie in cookies::set(&flow.realm, session, user) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// Attaches the client to the SSO session, stores a code, redirects with it.
pub(super) fn issue_code(
    state: &AppState,
    realm: &mut Realm,
    flow: &AuthFlow,
    iss: &str,
    now: i64,
) -> Response {
    let (_, session) = flow.authenticated.expect("authenticated flow");
    realm
        .sessions
        .attach_client(session, ClientSession::new(flow.client, now));
    if let Some(s) = realm.sessions.touch(session) {
        s.last_refresh = now;
    }
    let code = format!("{}.{}.{}", random_id(), session, flow.client);
    state.shared().flows.lock().codes.insert(
        code.clone(),
        CodeGrant {
            realm: flow.realm.clone(),
            client: flow.client,
            session,
            redirect_uri_param: flow.redirect_uri_param.clone(),
            scope: flow.scope.clone(),
            nonce: flow.nonce.clone(),
            code_challenge: flow.code_challenge.clone(),
            expires: now.saturating_add(realm.settings.access_code_lifespan),
            used: false,
        },
    );
    let session_state = session.to_string();
    let mut params: Vec<(&str, &str)> = Vec::new();
    if let Some(state) = &flow.state {
        params.push(("state", state));
    }
    params.push(("session_state", &session_state));
    params.push(("iss", iss));
    params.push(("code", &code));
    redirect(&flow.redirect_uri, flow.response_mode, &params)
}
