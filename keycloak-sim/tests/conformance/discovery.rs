//! The discovery document, the keys, and every endpoint it advertises.

use crate::server::{http, TestRealm};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn discovery_names_the_issuer_and_the_endpoints_under_it() {
    let realm = TestRealm::create("discovery", json!({})).await;
    let document: Value = http()
        .get(realm.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issuer = realm.issuer();
    assert_eq!(document["issuer"], issuer);
    let protocol = format!("{issuer}/protocol/openid-connect");
    for (field, path) in [
        ("authorization_endpoint", "/auth"),
        ("token_endpoint", "/token"),
        ("introspection_endpoint", "/token/introspect"),
        ("userinfo_endpoint", "/userinfo"),
        ("end_session_endpoint", "/logout"),
        ("jwks_uri", "/certs"),
        ("revocation_endpoint", "/revoke"),
        ("device_authorization_endpoint", "/auth/device"),
        ("backchannel_authentication_endpoint", "/ext/ciba/auth"),
        ("pushed_authorization_request_endpoint", "/ext/par/request"),
    ] {
        assert_eq!(document[field], format!("{protocol}{path}"), "{field}");
    }
    assert_eq!(
        document["registration_endpoint"],
        format!("{issuer}/clients-registrations/openid-connect")
    );
    for grant in [
        "authorization_code",
        "refresh_token",
        "password",
        "client_credentials",
    ] {
        assert!(
            document["grant_types_supported"]
                .as_array()
                .unwrap()
                .contains(&json!(grant)),
            "{grant}"
        );
    }
    assert!(document["scopes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("offline_access")));
    assert!(document["code_challenge_methods_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("S256")));
    realm.delete().await;
}

/// Every advertised endpoint exists: a bare request gets an answer of its own, not a 404.
#[tokio::test]
async fn every_advertised_endpoint_answers() {
    let realm = TestRealm::create("discovery", json!({})).await;
    let document: Value = http()
        .get(realm.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut endpoints: Vec<(&str, &str)> = document
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, _)| {
            key.ends_with("_endpoint")
                || key.as_str() == "jwks_uri"
                || key.as_str() == "check_session_iframe"
        })
        .map(|(key, value)| (key.as_str(), value.as_str().unwrap()))
        .collect();
    endpoints.sort();
    let mut answers = Vec::new();
    for (field, url) in &endpoints {
        let get = http().get(*url).send().await.unwrap().status();
        let post = http()
            .post(*url)
            .form(&[("x", "y")])
            .send()
            .await
            .unwrap()
            .status();
        answers.push(format!(
            "{field}: GET {} POST {}",
            get.as_u16(),
            post.as_u16()
        ));
        assert!(
            get != StatusCode::NOT_FOUND || post != StatusCode::NOT_FOUND,
            "{field} ({url}) is advertised but not served"
        );
        assert!(
            !get.is_server_error() && !post.is_server_error(),
            "{field} ({url}): GET {get} POST {post}"
        );
    }
    assert!(endpoints.len() >= 11, "{answers:#?}");
    realm.delete().await;
}

#[tokio::test]
async fn the_realm_publishes_an_rs256_signing_key() {
    let realm = TestRealm::create("discovery", json!({})).await;
    let keys: Value = http()
        .get(realm.url("/protocol/openid-connect/certs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signing: Vec<&Value> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["use"] == "sig" && k["alg"] == "RS256")
        .collect();
    assert_eq!(signing.len(), 1, "{keys}");
    assert_eq!(signing[0]["kty"], "RSA");
    assert!(
        signing[0]["kid"].is_string() && signing[0]["n"].is_string() && signing[0]["e"] == "AQAB"
    );
    realm.delete().await;
}
