//! OpenID Connect endpoints under `/realms/{realm}/protocol/openid-connect/`.

pub mod client_auth;
pub mod discovery;
pub mod flows;
mod grant_client_credentials;
mod grant_code;
mod grant_password;
mod grant_refresh;
pub mod login;
pub mod scopes;
pub mod token;
pub mod tokens;
pub mod urls;

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
}
