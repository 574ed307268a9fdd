//! A client's offline sessions in the admin API: count, fields, order, paging, deletion.

use crate::server::{keys, TestRealm, BACKUP};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_clients_offline_sessions_have_keycloaks_fields_and_count() {
    let realm = TestRealm::create("sessions", json!({})).await;
    let alice = realm.offline_login("alice").await;
    realm.offline_login("bob").await;
    let client = realm.client_uuid("backup-service").await;
    let (status, count) = realm
        .admin(
            Method::GET,
            &format!("/clients/{client}/offline-session-count"),
            None,
        )
        .await;
    assert_eq!((status, count), (StatusCode::OK, json!({"count": 2})));

    let sessions = realm.offline_sessions("backup-service").await;
    assert_eq!(sessions.len(), 2);
    let session = sessions.iter().find(|s| s["username"] == "alice").unwrap();
    assert_eq!(
        keys(session),
        [
            "clients",
            "id",
            "ipAddress",
            "lastAccess",
            "rememberMe",
            "start",
            "transientUser",
            "userId",
            "username"
        ]
    );
    assert_eq!(session["id"], alice["session_state"]);
    assert_eq!(
        session["clients"],
        json!({ client.clone(): "backup-service" })
    );
    assert_eq!(session["userId"], realm.user_id("alice").await);
    assert_eq!(session["ipAddress"], "127.0.0.1");
    assert_eq!(session["rememberMe"], false);
    assert_eq!(session["transientUser"], false);
    let start = session["start"].as_i64().unwrap();
    assert_eq!(start % 1000, 0, "epoch milliseconds of a whole second");
    assert!(start > 1_700_000_000_000);
    assert!(session["lastAccess"].as_i64().unwrap() >= start);
    realm.delete().await;
}

#[tokio::test]
async fn offline_sessions_page_by_first_and_max_in_a_stable_order() {
    let realm = TestRealm::create("paging", json!({})).await;
    for user in ["alice", "bob", "carol", "dave", "frank"] {
        realm.offline_login(user).await;
    }
    let client = realm.client_uuid("backup-service").await;
    let all = realm.offline_sessions("backup-service").await;
    assert_eq!(all.len(), 5);
    let ids: Vec<&str> = all.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "listed by session id");
    let (status, page) = realm
        .admin(
            Method::GET,
            &format!("/clients/{client}/offline-sessions?first=1&max=2"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page_ids: Vec<&str> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(page_ids, &ids[1..3]);
    let (_, past_end) = realm
        .admin(
            Method::GET,
            &format!("/clients/{client}/offline-sessions?first=10&max=2"),
            None,
        )
        .await;
    assert_eq!(past_end, json!([]));
    // Negative values mean "no limit"; a value that is not a number is a JAX-RS 404.
    let (_, negative) = realm
        .admin(
            Method::GET,
            &format!("/clients/{client}/offline-sessions?first=-1&max=-1"),
            None,
        )
        .await;
    assert_eq!(negative.as_array().unwrap().len(), 5);
    let (status, body) = realm
        .admin(
            Method::GET,
            &format!("/clients/{client}/offline-sessions?first=x"),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({"error": "HTTP 404 Not Found"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn an_unknown_client_has_no_offline_sessions() {
    let realm = TestRealm::create("sessions", json!({})).await;
    for id in ["00000000-0000-0000-0000-000000000000", "not-a-uuid"] {
        let (status, body) = realm
            .admin(
                Method::GET,
                &format!("/clients/{id}/offline-sessions"),
                None,
            )
            .await;
        assert_eq!(
            (status, body),
            (
                StatusCode::NOT_FOUND,
                json!({"error": "Could not find client"})
            )
        );
    }
    realm.delete().await;
}

#[tokio::test]
async fn a_password_grant_with_offline_access_opens_only_an_offline_session() {
    let realm = TestRealm::create("sessions", json!({})).await;
    realm.offline_login("alice").await;
    let (status, _) = realm
        .password_grant(crate::server::BACKUP, "bob", "openid")
        .await;
    assert_eq!(status, StatusCode::OK);
    let alice = realm.user_id("alice").await;
    let (status, sessions) = realm
        .admin(Method::GET, &format!("/users/{alice}/sessions"), None)
        .await;
    assert_eq!((status, sessions), (StatusCode::OK, json!([])));
    let bob = realm.user_id("bob").await;
    let (_, sessions) = realm
        .admin(Method::GET, &format!("/users/{bob}/sessions"), None)
        .await;
    assert_eq!(
        sessions.as_array().unwrap().len(),
        1,
        "a grant without offline_access opens a regular session"
    );
    let (_, stats) = realm
        .admin(Method::GET, "/client-session-stats", None)
        .await;
    let backup = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["clientId"] == "backup-service")
        .unwrap();
    assert_eq!(backup["active"], "1", "counts are strings");
    assert_eq!(backup["offline"], "1");
    realm.delete().await;
}

#[tokio::test]
async fn a_deleted_offline_session_no_longer_refreshes() {
    let realm = TestRealm::create("sessions", json!({})).await;
    let bob = realm.offline_login("bob").await;
    let session = bob["session_state"].as_str().unwrap();
    let (status, _) = realm
        .admin(
            Method::DELETE,
            &format!("/sessions/{session}?isOffline=true"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = realm
        .admin(
            Method::DELETE,
            &format!("/sessions/{session}?isOffline=true"),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({"error": "Sesssion not found"})
        ),
        "Keycloak's spelling"
    );
    assert!(realm.offline_sessions("backup-service").await.is_empty());
    let (status, body) = realm
        .refresh(BACKUP, bob["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Offline user session not found"})
        )
    );
    realm.delete().await;
}
