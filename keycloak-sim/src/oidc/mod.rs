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
pub mod login;
pub mod login_actions;
pub mod logout;
pub mod redirect_uri;
pub mod refresh_token;
pub mod revoke;
pub mod scopes;
pub mod token;
pub mod tokens;
pub mod urls;
pub mod userinfo;

use crate::state::AppState;
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
            &format!("{oidc}/logout"),
            get(logout::logout_get).post(logout::logout_post),
        )
        .route(&format!("{oidc}/revoke"), post(revoke::revoke))
        .route(
            &format!("{oidc}/userinfo"),
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
}
