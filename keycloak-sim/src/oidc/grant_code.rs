//! Authorization-code grant, with Keycloak 26's order of checks: code, redirect URI,
//! client, PKCE. Any failure after the lookup spends the code; a replay also ends the
//! session the code was issued in.

use super::login::create_or_update_offline;
use super::scopes;
use super::token::{in_realm_as_client, TokenCall};
use super::tokens::{token_response, TokenRequest};
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::store::Realm;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub fn grant(call: &TokenCall) -> ApiResult<Value> {
    in_realm_as_client(call, |realm, client_id, now| {
        exchange(call, realm, client_id, now)
    })
}

fn exchange(call: &TokenCall, realm: &mut Realm, client_id: Id, now: i64) -> ApiResult<Value> {
    let code = call
        .form
        .raw("code")
        .ok_or_else(|| ApiError::invalid_request("Missing parameter: code"))?;
    let not_valid = || ApiError::invalid_grant("Code not valid");
    let grant = {
        let mut flows = call.state.shared().flows.lock();
        let entry = flows.codes.get_mut(code).ok_or_else(not_valid)?;
        if entry.used {
            realm.sessions.remove(entry.session);
            return Err(not_valid());
        }
        entry.used = true;
        entry.clone()
    };
    if grant.realm != call.realm
        || now > grant.expires
        || realm.sessions.get(grant.session).is_none()
    {
        return Err(not_valid());
    }
    if let Some(expected) = &grant.redirect_uri_param {
        if call.form.raw("redirect_uri") != Some(expected.as_str()) {
            return Err(ApiError::invalid_grant("Incorrect redirect_uri"));
        }
    }
    if grant.client != client_id {
        return Err(ApiError::invalid_grant(
            "Auth error: Found different client_id in clientSession",
        ));
    }
    check_pkce(
        grant.code_challenge.as_ref(),
        call.form.raw("code_verifier"),
    )?;
    let session = realm.sessions.get(grant.session).expect("checked above");
    let user = realm
        .user(session.user)
        .filter(|u| u.enabled)
        .ok_or_else(|| ApiError::invalid_grant("User disabled"))?;
    let client = realm.client(client_id).expect("authenticated");
    let requested = scopes::requested(realm, client, grant.scope.as_deref())?;
    let permitted = scopes::permitted(realm, user, &requested);
    let offline = requested.offline_requested(realm);
    if offline && !scopes::offline_allowed(realm, user, client, &permitted) {
        return Err(ApiError::offline_not_allowed());
    }
    if offline {
        create_or_update_offline(realm, grant.session, client_id, now);
        // Keycloak 26.7's persistent sessions convert the online session rather than copy
        // it: the browser's SSO session and its other clients end here.
        realm.sessions.remove(grant.session);
    }
    let realm = &*realm;
    let session = if offline {
        realm.offline().get(grant.session)
    } else {
        realm.sessions.get(grant.session)
    }
    .expect("present");
    let user = realm.user(session.user).expect("present");
    let client = realm.client(client_id).expect("present");
    let permitted = scopes::permitted(realm, user, &requested);
    Ok(token_response(&TokenRequest {
        realm,
        issuer: &call.issuer,
        user,
        client,
        session,
        offline,
        scopes: &permitted,
        openid: requested.openid,
        nonce: grant.nonce.as_deref(),
        reuse_id: realm
            .settings
            .revoke_refresh_token
            .then(crate::id::random_id),
        now,
        transient: false,
    }))
}

/// PKCE (RFC 7636) with Keycloak's four answers.
fn check_pkce(challenge: Option<&(String, String)>, verifier: Option<&str>) -> ApiResult<()> {
    let Some((challenge, method)) = challenge else {
        return match verifier {
            None => Ok(()),
            Some(_) => Err(ApiError::invalid_grant(
                "PKCE code verifier specified but challenge not present in authorization",
            )),
        };
    };
    let verifier =
        verifier.ok_or_else(|| ApiError::invalid_grant("PKCE code verifier not specified"))?;
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed {
        return Err(ApiError::invalid_grant(
            "PKCE verification failed: Invalid code verifier",
        ));
    }
    let derived = match method.as_str() {
        "S256" => B64.encode(Sha256::digest(verifier.as_bytes())),
        _ => verifier.to_string(),
    };
    if &derived != challenge {
        return Err(ApiError::invalid_grant(
            "PKCE verification failed: Code mismatch",
        ));
    }
    Ok(())
}
