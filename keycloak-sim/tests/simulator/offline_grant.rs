//! The offline grant decision (Keycloak's `DefaultClientSessionContext`, `TokenManager`): user
//! has / lacks `offline_access` × client has / lacks the `offline_access` scope ×
//! `fullScopeAllowed` on / off.

use crate::support::oidc::*;
use serde_json::{json, Value};

fn matrix_client(client_id: &str, full_scope: bool, offline_scope: bool) -> Value {
    let mut optional = vec!["address", "phone"];
    if offline_scope {
        optional.push("offline_access");
    }
    json!({
        "clientId": client_id, "enabled": true, "secret": "s3cret",
        "directAccessGrantsEnabled": true, "fullScopeAllowed": full_scope,
        "defaultClientScopes": ["profile", "email", "roles", "web-origins", "acr", "basic"],
        "optionalClientScopes": optional,
    })
}

#[tokio::test]
async fn offline_tokens_only_when_requested_scope_and_role_allow_it() {
    let sim = start_demo_with(|realm| {
        let clients = realm["clients"].as_array_mut().unwrap();
        for (id, full, scope) in [
            ("scope-full", true, true),
            ("scope-limited", false, true),
            ("noscope-full", true, false),
            ("noscope-limited", false, false),
        ] {
            clients.push(matrix_client(id, full, scope));
        }
    })
    .await;
    let not_allowed = oauth_error(
        "not_allowed",
        "Offline tokens not allowed for the user or client",
    );
    let invalid_scope = oauth_error("invalid_scope", "Invalid scopes: offline_access");
    // (user, client, expected error or None for an offline token)
    let cases = [
        ("alice", "scope-full", None),
        ("alice", "scope-limited", None),
        ("alice", "noscope-full", Some(&invalid_scope)),
        ("alice", "noscope-limited", Some(&invalid_scope)),
        ("eve", "scope-full", Some(&not_allowed)),
        ("eve", "scope-limited", Some(&not_allowed)),
        ("eve", "noscope-full", Some(&invalid_scope)),
        ("eve", "noscope-limited", Some(&invalid_scope)),
    ];
    for (user, client, expected) in cases {
        let (status, body) = password_grant(
            &sim,
            "demo",
            (client, Some("s3cret")),
            user,
            "offline_access",
        )
        .await;
        match expected {
            Some(error) => {
                assert_eq!(status, 400, "{user}/{client}: {body}");
                assert_eq!(&body, error, "{user}/{client}");
            }
            None => {
                assert_eq!(status, 200, "{user}/{client}: {body}");
                let refresh = claims(str_of(&body, "refresh_token"));
                assert_eq!(refresh["typ"], "Offline", "{user}/{client}");
                assert!(
                    refresh.get("exp").is_none(),
                    "offline token without max lifespan has no exp"
                );
                assert_eq!(body["refresh_expires_in"], 0);
                let mut scope: Vec<&str> = str_of(&body, "scope").split(' ').collect();
                scope.sort();
                assert_eq!(
                    scope,
                    ["email", "offline_access", "profile"],
                    "{user}/{client}"
                );
            }
        }
    }
}

#[tokio::test]
async fn eve_gets_regular_tokens_without_offline_access() {
    let sim = start_demo().await;
    let body = login(&sim, BACKUP, "eve", "").await;
    assert_eq!(claims(str_of(&body, "refresh_token"))["typ"], "Refresh");
    assert_eq!(body["refresh_expires_in"], 1800);
}

#[tokio::test]
async fn no_offline_app_cannot_request_offline_access() {
    let sim = start_demo().await;
    let (status, body) = password_grant(&sim, "demo", NO_OFFLINE, "alice", "offline_access").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        oauth_error("invalid_scope", "Invalid scopes: offline_access")
    );
}

#[tokio::test]
async fn password_grant_offline_keeps_only_the_offline_session() {
    let sim = start_demo().await;
    let body = login(&sim, BACKUP, "alice", "offline_access").await;
    let sid = sid_of(&body);
    let backup = client_uuid(&sim, "backup-service");
    with_demo(&sim, |realm| {
        assert!(
            realm.sessions.get(sid).is_none(),
            "online session of a password grant is dropped"
        );
        assert_eq!(realm.offline().count_for_client(backup), 1);
    });
}
