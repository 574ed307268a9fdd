//! `offline-console seed-demo`: what a first look at `make demo` finds.

use serde_json::{json, Value};

use crate::support::*;

fn series<'a>(trends: &'a Value, client_id: &str) -> &'a Value {
    trends["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["realm"] == "demo" && s["client_id"] == client_id)
        .unwrap_or_else(|| panic!("no series for {client_id}: {trends}"))
}

async fn seed_demo(app: &TestApp) {
    offline_console::demo::run(&app.state.config)
        .await
        .expect("seed-demo succeeds");
}

#[tokio::test]
async fn the_seeded_demo_shows_growth_idle_and_long_lived_sessions() {
    let app = spawn_app().await;
    seed_demo(&app).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let mobile = keycloak_client_uuid(&app, "mobile-app").await;
    let photo = keycloak_client_uuid(&app, "photo-print").await;

    let (status, page) = offline_sessions_page(&app, &http, &mobile, 0, 50).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 2100);
    let (_, page) = offline_sessions_page(&app, &http, &photo, 0, 50).await;
    assert_eq!(
        page["total"], 1200,
        "800 idle, 150 lapsing, 250 shared with backup-service"
    );

    // A week of sign-ups on top of 700 long-standing sessions: flagged on the trends page.
    let (status, trends) = call(&app, &http, "history_trends", &[]).await;
    assert_eq!(status, 200, "{trends}");
    let runs = trends["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 28);
    assert!(runs
        .iter()
        .all(|r| r["succeeded"] == true && r["detail"].as_str().unwrap().contains("derived")));
    let mobile_series = series(&trends, "mobile-app");
    assert_eq!(mobile_series["latest"], 2100);
    assert_eq!(mobile_series["unusual"], true, "{mobile_series}");
    let offline = mobile_series["offline"].as_array().unwrap();
    assert_eq!(
        offline[0], 700,
        "four weeks ago: only the long-lived sessions"
    );
    assert_eq!(series(&trends, "backup-service")["latest"], 250);
    let html = get_page(&app, &http, "/admin/history")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Growing unusually fast"), "{html}");
    assert!(
        html.contains("28 snapshots were not taken but derived for the demo"),
        "{html}"
    );

    // 150 photo-print sessions are about to pass the 30-day idle timeout (idle over 28.5
    // days): a timeout of 28 days would end exactly those, not the 800 idle for 7 to 27 days.
    let (status, impact) = preview_policy(&app, &http, &[("offline_idle", "28")], &photo).await;
    assert_eq!(status, 200, "{impact}");
    assert_eq!(impact["expiring"], 150, "{impact}");

    // A max lifespan of 60 days would end the long-lived mobile sessions started over
    // 60 days ago (about 340 of every 370), none of this week's.
    let lowered = [("offline_max_enabled", "true"), ("offline_max", "60")];
    let (status, impact) = preview_policy(&app, &http, &lowered, &mobile).await;
    assert_eq!(status, 200, "{impact}");
    let ending = impact["expiring"].as_u64().unwrap();
    assert!((590..=700).contains(&ending), "{impact}");

    // A second run adds nothing and keeps the history as it is.
    seed_demo(&app).await;
    let (_, page) = offline_sessions_page(&app, &http, &mobile, 0, 1).await;
    assert_eq!(page["total"], 2100);
    let (_, again) = call(&app, &http, "history_trends", &[]).await;
    assert_eq!(again["runs"], trends["runs"]);
}

#[tokio::test]
async fn on_a_real_keycloak_the_demo_seeds_real_grants() {
    let app = spawn_app().await;
    seed_demo(&app).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let backup = keycloak_client_uuid(&app, "backup-service").await;
    let (status, page) = offline_sessions_page(&app, &http, &backup, 0, 50).await;
    assert_eq!(status, 200, "{page}");
    let total = page["total"].as_u64().unwrap();
    assert_eq!(total, 300, "20 users, 15 grants each");
    let users: std::collections::BTreeSet<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    assert!(
        users.iter().all(|u| u.starts_with("grant-user")),
        "{users:?}"
    );
    let (_, trends) = call(&app, &http, "history_trends", &[]).await;
    assert_eq!(series(&trends, "backup-service")["latest"], 300);
    // Real sessions start now: the derived past holds none of them.
    assert_eq!(series(&trends, "backup-service")["offline"][0], 0);
    seed_demo(&app).await;
    let (_, page) = offline_sessions_page(&app, &http, &backup, 0, 1).await;
    assert_eq!(
        page["total"],
        json!(total),
        "a second run starts no more sessions"
    );
}
