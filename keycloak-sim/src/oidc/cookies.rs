//! The SSO cookies (`KEYCLOAK_IDENTITY`, `KEYCLOAK_SESSION`), scoped to `/realms/{realm}/`.

use crate::id::Id;
use axum::http::{header, HeaderMap, HeaderValue};

pub const IDENTITY: &str = "KEYCLOAK_IDENTITY";
pub const SESSION: &str = "KEYCLOAK_SESSION";

pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The SSO session id from the identity cookie.
pub fn sso_session(headers: &HeaderMap) -> Option<Id> {
    read(headers, IDENTITY).and_then(|v| Id::parse(&v))
}

/// `Set-Cookie` values that start an SSO session.
pub fn set(realm: &str, session: Id, user: Id) -> [HeaderValue; 2] {
    let path = format!("/realms/{realm}/");
    [
        HeaderValue::from_str(&format!("{IDENTITY}={session}; Path={path}; HttpOnly"))
            .expect("ascii cookie"),
        HeaderValue::from_str(&format!("{SESSION}={realm}/{user}/{session}; Path={path}"))
            .expect("ascii cookie"),
    ]
}

/// `Set-Cookie` values that end it.
pub fn clear(realm: &str) -> [HeaderValue; 2] {
    let path = format!("/realms/{realm}/");
    [IDENTITY, SESSION].map(|name| {
        HeaderValue::from_str(&format!(
            "{name}=; Path={path}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        ))
        .expect("ascii cookie")
    })
}
