//! Who may call the admin API, and the answers for those who may not.

use crate::server::{http, master_admin_token, read, server, TestRealm};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn without_a_token_the_admin_api_answers_401() {
    let realm = TestRealm::create("access", json!({})).await;
    let (status, body) = read(
        http()
            .get(realm.admin_url("/clients"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"error": "HTTP 401 Unauthorized"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn a_view_only_administrator_reads_but_cannot_change() {
    let realm = TestRealm::create("access", json!({})).await;
    let helpdesk = realm.user_token("helpdesk").await;
    let user = realm.user_id("alice").await;
    let (status, clients) = realm
        .admin_as(
            &helpdesk,
            Method::GET,
            "/clients?clientId=backup-service",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(clients[0]["access"]["view"], true);
    assert_eq!(clients[0]["access"]["manage"], false);
    // Without view-realm the realm comes back in its brief, public form.
    let (status, rep) = realm.admin_as(&helpdesk, Method::GET, "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        rep,
        json!({"realm": realm.name, "registrationEmailAsUsername": false, "bruteForceProtected": false, "supportedLocales": [], "organizationsEnabled": false})
    );
    let (status, body) = realm
        .admin_as(
            &helpdesk,
            Method::DELETE,
            &format!("/users/{user}/consents/backup-service"),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "HTTP 403 Forbidden"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn an_unknown_realm_is_404_and_only_master_admins_create_realms() {
    let realm = TestRealm::create("access", json!({})).await;
    let base = &server().base_url;
    let (status, body) = read(
        http()
            .get(format!("{base}/admin/realms/no-such-realm"))
            .bearer_auth(master_admin_token().await)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Realm not found."}))
    );
    let realm_admin = realm.user_token("realmadmin").await;
    let (status, _) = read(
        http()
            .post(format!("{base}/admin/realms"))
            .bearer_auth(&realm_admin)
            .json(&json!({"realm": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = read(
        http()
            .post(format!("{base}/admin/realms"))
            .bearer_auth(master_admin_token().await)
            .json(&json!({"realm": realm.name}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::CONFLICT,
            json!({"errorMessage": format!("Realm {} already exists", realm.name)})
        )
    );
    realm.delete().await;
}
