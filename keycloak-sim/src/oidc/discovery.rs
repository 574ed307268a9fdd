//! Discovery document (Keycloak's `OIDCWellKnownProvider`) and JWKS.

use super::urls::issuer;
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
    // The fields and values of Keycloak 26.7.3's document, in its order.
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
        "grant_types_supported": ["authorization_code", "client_credentials", "implicit", "password", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:uma-ticket", "urn:openid:params:grant-type:ciba"],
        "acr_values_supported": ["0", "1"],
        "response_types_supported": ["code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token"],
        "subject_types_supported": ["public", "pairwise"],
        "prompt_values_supported": ["none", "login", "consent"],
        "id_token_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"],
        "id_token_encryption_alg_values_supported": ["ECDH-ES+A256KW", "ECDH-ES+A192KW", "ECDH-ES+A128KW", "RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "ECDH-ES"],
        "id_token_encryption_enc_values_supported": ["A256GCM", "A192GCM", "A128GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"],
        "userinfo_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512", "none"],
        "userinfo_encryption_alg_values_supported": ["ECDH-ES+A256KW", "ECDH-ES+A192KW", "ECDH-ES+A128KW", "RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "ECDH-ES"],
        "userinfo_encryption_enc_values_supported": ["A256GCM", "A192GCM", "A128GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"],
        "request_object_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512", "none"],
        "request_object_encryption_alg_values_supported": ["ECDH-ES+A256KW", "ECDH-ES+A192KW", "ECDH-ES+A128KW", "RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "ECDH-ES"],
        "request_object_encryption_enc_values_supported": ["A256GCM", "A192GCM", "A128GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"],
        "response_modes_supported": ["query", "fragment", "form_post", "query.jwt", "fragment.jwt", "form_post.jwt", "jwt"],
        "registration_endpoint": format!("{iss}/clients-registrations/openid-connect"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"],
        "introspection_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"],
        "introspection_endpoint_auth_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"],
        "authorization_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"],
        "authorization_encryption_alg_values_supported": ["ECDH-ES+A256KW", "ECDH-ES+A192KW", "ECDH-ES+A128KW", "RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "ECDH-ES"],
        "authorization_encryption_enc_values_supported": ["A256GCM", "A192GCM", "A128GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr", "azp", "nonce"],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": true,
        "scopes_supported": scopes,
        "request_parameter_supported": true,
        "request_uri_parameter_supported": true,
        "require_request_uri_registration": true,
        "code_challenge_methods_supported": ["plain", "S256"],
        "tls_client_certificate_bound_access_tokens": true,
        "dpop_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "ES256", "RS256", "ES512", "PS256", "PS512", "RS512"],
        "revocation_endpoint": format!("{oidc}/revoke"),
        "revocation_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"],
        "revocation_endpoint_auth_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"],
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "device_authorization_endpoint": format!("{oidc}/auth/device"),
        "backchannel_token_delivery_modes_supported": ["poll", "ping"],
        "backchannel_authentication_endpoint": format!("{oidc}/ext/ciba/auth"),
        "backchannel_authentication_request_signing_alg_values_supported": ["PS384", "RS384", "EdDSA", "ES384", "ES256", "RS256", "ES512", "PS256", "PS512", "RS512"],
        "require_pushed_authorization_requests": false,
        "pushed_authorization_request_endpoint": format!("{oidc}/ext/par/request"),
        "mtls_endpoint_aliases": { "token_endpoint": format!("{oidc}/token"), "revocation_endpoint": format!("{oidc}/revoke"), "introspection_endpoint": format!("{oidc}/token/introspect"), "device_authorization_endpoint": format!("{oidc}/auth/device"), "registration_endpoint": format!("{iss}/clients-registrations/openid-connect"), "userinfo_endpoint": format!("{oidc}/userinfo"), "pushed_authorization_request_endpoint": format!("{oidc}/ext/par/request"), "backchannel_authentication_endpoint": format!("{oidc}/ext/ciba/auth") },
        "authorization_response_iss_parameter_supported": true,
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
