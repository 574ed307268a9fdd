//! The account REST API a signed-in person uses for self-service.

use crate::server::{http, read, TestRealm, BACKUP};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_user_lists_the_applications_holding_offline_access_and_removes_one() {
    let realm = TestRealm::create("account", json!({})).await;
    let offline = realm.offline_login("alice").await;
    let access = offline["access_token"].as_str().unwrap();
    let applications = realm.url("/account/applications");
    let (status, apps) = read(
        http()
            .get(&applications)
            .bearer_auth(access)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let backup = apps
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["clientId"] == "backup-service")
        .expect("backup-service listed");
    assert_eq!(backup["offlineAccess"], true, "{apps}");
    // "In use" means a regular session: an offline token alone is not one.
    assert_eq!(backup["inUse"], false, "{apps}");
    assert_eq!(backup["clientName"], "Nightly backup");
    assert_eq!(backup["userConsentRequired"], false);

    let consent = realm.url("/account/applications/backup-service/consent");
    let response = http()
        .delete(&consent)
        .bearer_auth(access)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = realm
        .refresh(BACKUP, offline["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    realm.delete().await;
}

#[tokio::test]
async fn the_account_api_wants_a_token_and_serves_html_to_browsers() {
    let realm = TestRealm::create("account", json!({})).await;
    let applications = realm.url("/account/applications");
    let response = http()
        .get(&applications)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Without Accept: application/json the account console's page answers, whatever the path.
    let token = realm.offline_login("bob").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = http()
        .get(&applications)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    realm.delete().await;
}
