//! A widely used OIDC client library that nobody here wrote (the `openidconnect` crate)
//! through its common calls: discovery, password grant with ID-token verification against the
//! published keys, refresh, and userinfo.

use crate::server::TestRealm;
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    ClientId, ClientSecret, IssuerUrl, Nonce, OAuth2TokenResponse, ResourceOwnerPassword,
    ResourceOwnerUsername, Scope, TokenResponse,
};
use serde_json::json;

#[tokio::test]
async fn the_openidconnect_crate_discovers_signs_in_verifies_refreshes_and_reads_userinfo() {
    let realm = TestRealm::create("library", json!({})).await;
    let http = openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let issuer = IssuerUrl::new(realm.issuer()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .expect("discovery and JWKS");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("backup-service".into()),
        Some(ClientSecret::new("backup-service-secret".into())),
    );
    let token = client
        .exchange_password(
            &ResourceOwnerUsername::new("alice".into()),
            &ResourceOwnerPassword::new("alice".into()),
        )
        .unwrap()
        .add_scope(Scope::new("openid".into()))
        .add_scope(Scope::new("offline_access".into()))
        .request_async(&http)
        .await
        .expect("password grant");
    let id_token = token.id_token().expect("an ID token");
    let verifier = client.id_token_verifier();
    let id_claims = id_token
        .claims(&verifier, |_: Option<&Nonce>| Ok(()))
        .expect("the ID token verifies against the realm's keys");
    assert_eq!(
        id_claims.preferred_username().map(|u| u.as_str()),
        Some("alice")
    );
    assert_eq!(id_claims.issuer().as_str(), realm.issuer());

    let refreshed = client
        .exchange_refresh_token(token.refresh_token().expect("an offline token"))
        .unwrap()
        .request_async(&http)
        .await
        .expect("refresh");
    assert!(refreshed.refresh_token().is_some());

    let userinfo: CoreUserInfoClaims = client
        .user_info(refreshed.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(
        userinfo.preferred_username().map(|u| u.as_str()),
        Some("alice")
    );
    assert_eq!(
        userinfo.email().map(|e| e.as_str()),
        Some("alice@example.com")
    );
    realm.delete().await;
}
