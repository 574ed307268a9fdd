//! Discovery document, JWKS and token shapes (Keycloak's `OIDCWellKnownProvider`, `TokenManager`).

use crate::support::oidc::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};

#[tokio::test]
async fn discovery_names_every_endpoint_under_the_realm() {
    let sim = start_demo().await;
    let doc: Value = get_json(&sim, "/realms/demo/.well-known/openid-configuration").await;
    let issuer = format!("{}/realms/demo", sim.base_url());
    let oidc = format!("{issuer}/protocol/openid-connect");
    assert_eq!(doc["issuer"], issuer);
    for (field, path) in [
        ("authorization_endpoint", "auth"),
        ("token_endpoint", "token"),
        ("userinfo_endpoint", "userinfo"),
        ("end_session_endpoint", "logout"),
        ("jwks_uri", "certs"),
        ("revocation_endpoint", "revoke"),
        ("introspection_endpoint", "token/introspect"),
    ] {
        assert_eq!(doc[field], format!("{oidc}/{path}"), "{field}");
    }
    assert_eq!(
        doc["code_challenge_methods_supported"],
        json!(["plain", "S256"])
    );
    assert_eq!(doc["scopes_supported"][0], "openid");
    assert!(doc["scopes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("offline_access")));
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
}

#[tokio::test]
async fn tokens_are_rs256_signed_with_the_published_key() {
    let sim = start_demo().await;
    let jwks: Value = get_json(&sim, "/realms/demo/protocol/openid-connect/certs").await;
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(
        (
            key["kty"].as_str(),
            key["alg"].as_str(),
            key["use"].as_str()
        ),
        (Some("RSA"), Some("RS256"), Some("sig"))
    );
    assert_eq!(key["e"], "AQAB");
    assert_eq!(
        B64.decode(key["n"].as_str().unwrap()).unwrap().len(),
        256,
        "2048-bit modulus"
    );
    let tokens = login(&sim, BACKUP, "alice", "openid").await;
    for field in ["access_token", "refresh_token", "id_token"] {
        let header: Value = serde_json::from_slice(
            &B64.decode(str_of(&tokens, field).split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            header,
            json!({"alg": "RS256", "typ": "JWT", "kid": key["kid"]}),
            "{field}"
        );
    }
}

#[tokio::test]
async fn access_token_claims_follow_keycloak() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "openid").await;
    let access = claims(str_of(&tokens, "access_token"));
    let sid = access["sid"].as_str().unwrap().to_string();
    assert_eq!(access["iss"], format!("{}/realms/demo", sim.base_url()));
    assert_eq!(access["sub"], user_id(&sim, "alice").to_string());
    assert_eq!(access["typ"], "Bearer");
    assert_eq!(access["azp"], "backup-service");
    assert_eq!(access["aud"], "account");
    assert_eq!(access["scope"], "openid profile email");
    assert_eq!(
        access["realm_access"],
        json!({"roles": ["default-roles-demo", "offline_access", "uma_authorization"]})
    );
    assert_eq!(
        access["resource_access"],
        json!({"account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}})
    );
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        300
    );
    assert!(
        access.get("auth_time").is_none(),
        "password grants carry no auth_time"
    );
    assert_eq!(tokens["session_state"], sid);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["not-before-policy"], 0);
    let refresh = claims(str_of(&tokens, "refresh_token"));
    assert_eq!(refresh["typ"], "Refresh");
    assert_eq!(refresh["sid"], sid);
    assert_eq!(
        refresh["exp"].as_i64().unwrap() - refresh["iat"].as_i64().unwrap(),
        1800
    );
}

#[tokio::test]
async fn master_admin_token_carries_cross_realm_roles() {
    let sim = start_demo().await;
    let (status, tokens) = token_request(
        &sim,
        "master",
        &[
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", "admin"),
            ("password", "admin"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let access = claims(str_of(&tokens, "access_token"));
    let realm_roles = access["realm_access"]["roles"].as_array().unwrap();
    assert!(realm_roles.contains(&json!("admin")) && realm_roles.contains(&json!("create-realm")));
    for client in ["demo-realm", "master-realm"] {
        let roles = access["resource_access"][client]["roles"]
            .as_array()
            .unwrap();
        assert!(
            roles.contains(&json!("view-users")) && roles.contains(&json!("manage-realm")),
            "{client}"
        );
    }
    let db = sim.state().read();
    let caller =
        keycloak_sim::auth::authenticate(&db, &bearer(&sim, &tokens), sim.state().now()).unwrap();
    assert_eq!(caller.realm, "master");
    assert_eq!(caller.username, "admin");
    assert!(caller.has_management_role("demo", "view-users"));
    assert!(caller.has_management_role("master", "manage-realm"));
}
