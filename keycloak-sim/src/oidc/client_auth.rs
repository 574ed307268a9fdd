//! Client authentication at the token, revoke and logout endpoints (Keycloak's
//! `ClientIdAndSecretAuthenticator`): HTTP Basic or `client_id`/`client_secret` form parameters.

use crate::error::ApiError;
use crate::extract::FormParams;
use crate::model::Client;
use crate::store::Realm;
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

struct Credentials {
    client_id: String,
    secret: Option<String>,
}

fn from_basic(headers: &HeaderMap) -> Option<Credentials> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let decode = |s: &str| {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some(Credentials {
        client_id: decode(id),
        secret: Some(decode(secret)),
    })
}

/// The authenticated client. Public clients only identify themselves.
pub fn authenticate<'r>(
    realm: &'r Realm,
    headers: &HeaderMap,
    form: &FormParams,
) -> Result<&'r Client, ApiError> {
    let credentials = from_basic(headers)
        .or_else(|| {
            form.get("client_id").map(|id| Credentials {
                client_id: id.to_string(),
                secret: form.get("client_secret").map(str::to_string),
            })
        })
        .ok_or_else(ApiError::invalid_client)?;
    let client = realm
        .client_by_client_id(&credentials.client_id)
        .filter(|c| c.enabled)
        .ok_or_else(ApiError::invalid_client)?;
    if client.public_client {
        return Ok(client);
    }
    match (&client.secret, &credentials.secret) {
        (Some(expected), Some(given)) if expected == given => Ok(client),
        _ => Err(ApiError::bad_client_secret()),
    }
}
