//! Changes made through the admin and account APIs are journaled: with `--data-dir` they
//! survive a restart.

use crate::support::*;
use keycloak_sim::{RealmSource, RunningSim, SimOptions};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::path::{Path, PathBuf};

fn fresh_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!("keycloak-sim-admin-{}-{nanos}", std::process::id()))
}

/// A restart reuses the port: token issuers include it.
async fn start_in(dir: &Path, port: u16) -> RunningSim {
    keycloak_sim::start(SimOptions {
        port,
        imports: keycloak_sim::demo_realms()
            .into_iter()
            .map(RealmSource::Json)
            .collect(),
        data_dir: Some(dir.to_path_buf()),
        sim_api: true,
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn realm_client_consent_and_session_changes_survive_a_restart() {
    let dir = fresh_dir();
    let sim = start_in(&dir, 0).await;
    let port: u16 = sim.base_url().rsplit(':').next().unwrap().parse().unwrap();
    let alice_offline = offline_login(&sim, "alice").await;
    offline_login(&sim, "bob").await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let realm_patch = json!({ "offlineSessionIdleTimeout": 86400 });
    assert_eq!(
        call(
            &sim,
            Method::PUT,
            "/admin/realms/demo",
            Some(&realmadmin),
            Some(&realm_patch)
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let photo_print = client_uuid(&sim, &realmadmin, "photo-print").await;
    let client_patch = json!({ "description": "Prints photos" });
    let client_path = format!("/admin/realms/demo/clients/{photo_print}");
    assert_eq!(
        call(
            &sim,
            Method::PUT,
            &client_path,
            Some(&realmadmin),
            Some(&client_patch)
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let alice = user_id(&sim, &realmadmin, "alice").await;
    let revoke = format!("/admin/realms/demo/users/{alice}/consents/backup-service");
    assert_eq!(
        call(&sim, Method::DELETE, &revoke, Some(&realmadmin), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    sim.shutdown().await;

    let sim = start_in(&dir, port).await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    assert_eq!(
        get(&sim, "/admin/realms/demo", Some(&realmadmin)).await.1["offlineSessionIdleTimeout"],
        86400
    );
    assert_eq!(
        get(&sim, &client_path, Some(&realmadmin)).await.1["description"],
        "Prints photos"
    );
    let backup = client_uuid(&sim, &realmadmin, "backup-service").await;
    let (_, sessions) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{backup}/offline-sessions"),
        Some(&realmadmin),
    )
    .await;
    let users: Vec<&str> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["bob"]);
    assert_eq!(
        refresh(&sim, alice_offline["refresh_token"].as_str().unwrap()).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_grant", "error_description": "Offline user session not found" })
        )
    );
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
