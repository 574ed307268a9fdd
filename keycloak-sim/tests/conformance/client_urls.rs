//! What Keycloak accepts as a client's links when the client is saved.

use crate::server::TestRealm;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn script_and_data_links_are_refused_and_other_links_kept_one_by_one() {
    let realm = TestRealm::create("links", json!({})).await;
    let id = realm.client_uuid("photo-print").await;
    let path = format!("/clients/{id}");
    for (body, message) in [
        (
            json!({"attributes": {"tosUri": "javascript:alert(1)"}}),
            "Terms of service URL uses an illegal scheme",
        ),
        (
            json!({"attributes": {"policyUri": "JavaScript:alert(1)"}}),
            "Policy URL uses an illegal scheme",
        ),
        (
            json!({"baseUrl": "data:text/html,x"}),
            "Base URL uses an illegal scheme",
        ),
        (
            json!({"rootUrl": "relative"}),
            "Root URL is not a valid URL",
        ),
        (
            json!({"attributes": {"tosUri": "https://a b"}}),
            "Terms of service URL is not a valid URL",
        ),
    ] {
        let (status, answer) = realm.admin(Method::PUT, &path, Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(
            answer,
            json!({"error": "invalid_input", "error_description": message}),
            "{body}"
        );
    }
    let accepted = json!({
        "rootUrl": "https://photo.example",
        "baseUrl": "/home",
        "attributes": {"tosUri": "ftp://photo.example/terms"},
    });
    let (status, _) = realm.admin(Method::PUT, &path, Some(accepted)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Attributes named in a later update are set; the others stay.
    let (status, _) = realm
        .admin(
            Method::PUT,
            &path,
            Some(json!({"attributes": {"policyUri": "https://photo.example/privacy"}})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, client) = realm.admin(Method::GET, &path, None).await;
    assert_eq!(client["attributes"]["tosUri"], "ftp://photo.example/terms");
    assert_eq!(
        client["attributes"]["policyUri"],
        "https://photo.example/privacy"
    );
    assert_eq!(client["baseUrl"], "/home");
    realm.delete().await;
}
