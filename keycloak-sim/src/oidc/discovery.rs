//! Discovery document and JWKS (contract §2.1).

use super::urls::{base_url, issuer};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

pub async fn openid_configuration(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let db = state.read();
    let found = db
        .realm(&realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let iss = issuer(&headers, &realm);
    let oidc = format!("{iss}/protocol/openid-connect");
    let mut scopes: Vec<String> = vec!["openid".into()];
    scopes.extend(
        found
            .scopes_by_name()
            .filter(|s| s.protocol == "openid-connect")
            .map(|s| s.name.clone()),
    );
    Ok(Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{oidc}/auth"),
        "token_endpoint": format!("{oidc}/token"),
        "introspection_endpoint": format!("{oidc}/token/introspect"),
        "userinfo_endpoint": format!("{oidc}/userinfo"),
        "end_session_endpoint": format!("{oidc}/logout"),
        "frontchannel_logout_session_supported": true,
        "frontchannel_logout_supported": true,
        "jwks_uri": format!("{oidc}/certs"),
        "check_session_iframe": format!("{oidc}/login-status-iframe.html"),
        "grant_types_supported": ["authorization_code", "client_credentials", "implicit", "password", "refresh_token"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["RS256", "none"],
        "request_object_signing_alg_values_supported": ["RS256", "none"],
        "response_modes_supported": ["query", "fragment"],
        "registration_endpoint": format!("{}/realms/{realm}/clients-registrations/openid-connect", base_url(&headers)),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["aud", "sub", "iss", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr"],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": true,
        "scopes_supported": scopes,
        "request_parameter_supported": true,
        "request_uri_parameter_supported": true,
        "require_request_uri_registration": true,
        "code_challenge_methods_supported": ["plain", "S256"],
        "tls_client_certificate_bound_access_tokens": true,
        "revocation_endpoint": format!("{oidc}/revoke"),
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "require_pushed_authorization_requests": false,
        "pushed_authorization_request_endpoint": format!("{oidc}/ext/par/request"),
        "authorization_response_iss_parameter_supported": true,
        "prompt_values_supported": ["none", "login", "consent"],
    })))
}

pub async fn certs(
    State(state): State<AppState>,
    Path(realm): Path<String>,
) -> ApiResult<Json<Value>> {
    let db = state.read();
    let found = db
        .realm(&realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    Ok(Json(json!({ "keys": [found.key.jwk()] })))
}
