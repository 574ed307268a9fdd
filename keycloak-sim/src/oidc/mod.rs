//! OpenID Connect endpoints under `/realms/{realm}/protocol/openid-connect/`.

pub mod authorize;
pub mod client_auth;
pub mod cookies;
pub mod discovery;
pub mod flows;
mod grant_client_credentials;
mod grant_code;
mod grant_password;
mod grant_refresh;
mod introspect;
pub mod login;
pub mod login_actions;
pub mod logout;
mod other_endpoints;
pub mod redirect_uri;
pub mod refresh_token;
pub mod revoke;
pub mod scopes;
pub mod token;
pub mod tokens;
pub mod urls;
pub mod userinfo;

use crate::error::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    let oidc = "/realms/{realm}/protocol/openid-connect";
    Router::new()
        .route(
            "/realms/{realm}/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route(&format!("{oidc}/certs"), get(discovery::certs))
        .route(&format!("{oidc}/token"), post(token::token))
        .route(
            &format!("{oidc}/auth"),
            get(authorize::authorize).post(authorize::authorize_post),
        )
        .route(
            "/realms/{realm}/login-actions/authenticate",
            post(login_actions::authenticate),
        )
        .route(
            "/realms/{realm}/login-actions/consent",
            post(login_actions::consent),
        )
        .route(
            "/realms/{realm}/login-actions/required-action",
            get(login_actions::required_action),
        )
        .route(
            &format!("{oidc}/logout"),
            get(logout::logout_get).post(logout::logout_post),
        )
        .route(&format!("{oidc}/revoke"), post(revoke::revoke))
        .route(
            &format!("{oidc}/userinfo"),
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route(
            &format!("{oidc}/token/introspect"),
            post(introspect::introspect),
        )
        .route(
            &format!("{oidc}/login-status-iframe.html"),
            get(other_endpoints::login_status_iframe),
        )
        .route(
            &format!("{oidc}/auth/device"),
            get(other_endpoints::device_page).post(other_endpoints::client_authenticated_flow),
        )
        .route(
            &format!("{oidc}/ext/ciba/auth"),
            post(other_endpoints::client_authenticated_flow),
        )
        .route(
            &format!("{oidc}/ext/par/request"),
            post(other_endpoints::par),
        )
        .route(
            "/realms/{realm}/clients-registrations/openid-connect",
            post(other_endpoints::registration),
        )
        .method_not_allowed_fallback(|| async {
            ApiError::jaxrs(
                StatusCode::METHOD_NOT_ALLOWED,
                "HTTP 405 Method Not Allowed",
            )
        })
}
