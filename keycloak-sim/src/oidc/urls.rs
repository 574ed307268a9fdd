//! URLs as Keycloak derives them from the request (frontend = backend here).

use axum::http::{header, HeaderMap};

/// `http://<Host header>`; the issuer of realm tokens is `<base>/realms/<realm>`.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

pub fn issuer(headers: &HeaderMap, realm: &str) -> String {
    format!("{}/realms/{realm}", base_url(headers))
}
