//! Session counts and pages of a client (Keycloak's `ClientResource`): `{"count": N}`, times in ms,
//! Keycloak's paging rules and a stable order.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;

async fn seed(sim: &keycloak_sim::RunningSim, users: u64) {
    let (status, body) = call(
        sim,
        Method::POST,
        "/_sim/realms/demo/seed",
        None,
        Some(&json!({ "users": users, "prefix": "user", "offlineClients": ["backup-service"] })),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "created": users }))
    );
}

fn session_ids(page: &Value) -> Vec<String> {
    each(page, "id").into_iter().map(str::to_owned).collect()
}

#[tokio::test]
async fn offline_session_rep_has_ms_times_and_the_client_map() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    offline_login(&sim, "alice").await;
    let id = client_uuid(&sim, &admin, "backup-service").await;
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}/offline-sessions"),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let session = &body[0];
    let alice = user_id(&sim, &admin, "alice").await;
    let now_ms = clock_now(&sim).await * 1000;
    assert_eq!(session["username"], "alice");
    assert_eq!(session["userId"], alice.as_str());
    assert_eq!(session["ipAddress"], "127.0.0.1");
    assert_eq!(session["clients"], json!({ id.clone(): "backup-service" }));
    assert_eq!(
        (
            session["rememberMe"].clone(),
            session["transientUser"].clone()
        ),
        (json!(false), json!(false))
    );
    let start = session["start"].as_i64().unwrap();
    assert!(
        start % 1000 == 0 && (now_ms - start).abs() < 5_000,
        "start {start} is epoch ms near {now_ms}"
    );
    assert_eq!(session["lastAccess"], session["start"]);
    assert_eq!(session.as_object().unwrap().len(), 9);
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}/offline-session-count"),
        Some(&admin),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "count": 1 })));
}

#[tokio::test]
async fn offline_listing_last_access_follows_refreshes() {
    let sim = start().await;
    let token = offline_login(&sim, "alice").await;
    advance_clock(&sim, 600).await;
    let (status, body) = refresh(&sim, token["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Taken after the clock moved: the master realm's access tokens live 60 s.
    let admin = master_admin(&sim).await;
    let id = client_uuid(&sim, &admin, "backup-service").await;
    let (_, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}/offline-sessions"),
        Some(&admin),
    )
    .await;
    let (start, last) = (
        body[0]["start"].as_i64().unwrap(),
        body[0]["lastAccess"].as_i64().unwrap(),
    );
    // The virtual clock follows the wall clock too: the refresh may land a second later.
    assert!(
        (600_000..=602_000).contains(&(last - start)),
        "{start} {last}"
    );
}

#[tokio::test]
async fn regular_sessions_are_counted_and_listed_apart_from_offline_ones() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    offline_login(&sim, "alice").await;
    demo_token(&sim, "bob").await;
    demo_token(&sim, "carol").await;
    let cli = client_uuid(&sim, &admin, "admin-cli").await;
    let backup = client_uuid(&sim, &admin, "backup-service").await;
    let count = |id: &str, kind: &str| format!("/admin/realms/demo/clients/{id}/{kind}");
    assert_eq!(
        get(&sim, &count(&cli, "session-count"), Some(&admin))
            .await
            .1,
        json!({ "count": 2 })
    );
    assert_eq!(
        get(&sim, &count(&cli, "offline-session-count"), Some(&admin))
            .await
            .1,
        json!({ "count": 0 })
    );
    // The password grant's online session is dropped when the token is offline.
    assert_eq!(
        get(&sim, &count(&backup, "session-count"), Some(&admin))
            .await
            .1,
        json!({ "count": 0 })
    );
    let (status, body) = get(&sim, &count(&cli, "user-sessions"), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let users: HashSet<&str> = each(&body, "username").into_iter().collect();
    assert_eq!(users, HashSet::from(["bob", "carol"]));
}

#[tokio::test]
async fn paging_edges_follow_keycloak() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    seed(&sim, 150).await;
    let id = client_uuid(&sim, &admin, "backup-service").await;
    let page = |query: &str| format!("/admin/realms/demo/clients/{id}/offline-sessions{query}");
    let all = session_ids(&get(&sim, &page("?max=-1"), Some(&admin)).await.1);
    assert_eq!(all.len(), 150, "negative max = no limit");
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 150);
    assert_eq!(
        session_ids(&get(&sim, &page(""), Some(&admin)).await.1),
        all[..100],
        "max defaults to 100"
    );
    assert_eq!(
        session_ids(&get(&sim, &page("?first=-7&max=3"), Some(&admin)).await.1),
        all[..3],
        "negative first = 0"
    );
    assert_eq!(
        session_ids(&get(&sim, &page("?first=148&max=10"), Some(&admin)).await.1),
        all[148..]
    );
    assert_eq!(
        get(&sim, &page("?first=150"), Some(&admin)).await.1,
        json!([]),
        "first at the end"
    );
    assert_eq!(
        get(&sim, &page("?first=100000"), Some(&admin)).await.1,
        json!([]),
        "first beyond the end"
    );
    assert_eq!(
        get(&sim, &page("?max=0"), Some(&admin)).await.1,
        json!([]),
        "max 0"
    );
    let (status, body) = get(&sim, &page("?max=ten"), Some(&admin)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "HTTP 404 Not Found" })
        )
    );
}

#[tokio::test]
async fn pages_never_repeat_or_skip_while_nothing_changes() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    seed(&sim, 250).await;
    let id = client_uuid(&sim, &admin, "backup-service").await;
    let mut paged = Vec::new();
    for first in (0..250).step_by(40) {
        let path = format!("/admin/realms/demo/clients/{id}/offline-sessions?first={first}&max=40");
        paged.extend(session_ids(&get(&sim, &path, Some(&admin)).await.1));
    }
    let all = session_ids(
        &get(
            &sim,
            &format!("/admin/realms/demo/clients/{id}/offline-sessions?max=1000"),
            Some(&admin),
        )
        .await
        .1,
    );
    assert_eq!(paged, all);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 250);
    assert_eq!(
        get(
            &sim,
            &format!("/admin/realms/demo/clients/{id}/offline-session-count"),
            Some(&admin)
        )
        .await
        .1,
        json!({ "count": 250 })
    );
}

#[tokio::test]
async fn session_endpoints_need_client_view_rights() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let alice = demo_token(&sim, "alice").await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let id = client_uuid(&sim, &admin, "backup-service").await;
    for kind in [
        "session-count",
        "user-sessions",
        "offline-session-count",
        "offline-sessions",
    ] {
        let path = format!("/admin/realms/demo/clients/{id}/{kind}");
        assert_eq!(
            get(&sim, &path, None).await,
            (StatusCode::UNAUTHORIZED, unauthorized()),
            "{kind}"
        );
        assert_eq!(
            get(&sim, &path, Some(&alice)).await,
            (StatusCode::FORBIDDEN, forbidden()),
            "{kind}"
        );
        assert_eq!(
            get(&sim, &path, Some(&helpdesk)).await.0,
            StatusCode::OK,
            "{kind}"
        );
    }
}

#[tokio::test]
async fn client_session_stats_counts_as_strings_and_needs_view_realm() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    offline_login(&sim, "alice").await;
    offline_login(&sim, "bob").await;
    demo_token(&sim, "carol").await;
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/client-session-stats",
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let cli = client_uuid(&sim, &admin, "admin-cli").await;
    let backup = client_uuid(&sim, &admin, "backup-service").await;
    assert_eq!(
        body,
        json!([
            { "id": cli, "clientId": "admin-cli", "active": "1", "offline": "0" },
            { "id": backup, "clientId": "backup-service", "active": "0", "offline": "2" },
        ])
    );
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/client-session-stats",
        Some(&helpdesk),
    )
    .await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}

#[tokio::test]
async fn idle_expired_sessions_leave_listings_and_counts() {
    let sim = start().await;
    offline_login(&sim, "alice").await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let id = client_uuid(&sim, &realmadmin, "backup-service").await;
    let count = format!("/admin/realms/demo/clients/{id}/offline-session-count");
    assert_eq!(
        get(&sim, &count, Some(&realmadmin)).await.1,
        json!({ "count": 1 })
    );
    // A shorter realm idle timeout takes effect on the next listing.
    let patch = json!({ "offlineSessionIdleTimeout": 600 });
    assert_eq!(
        call(
            &sim,
            Method::PUT,
            "/admin/realms/demo",
            Some(&realmadmin),
            Some(&patch)
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    offline_login(&sim, "bob").await;
    advance_clock(&sim, 300).await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    assert_eq!(
        get(&sim, &count, Some(&realmadmin)).await.1,
        json!({ "count": 2 })
    );
    advance_clock(&sim, 400).await;
    // Demo access tokens live 300 s.
    let realmadmin = demo_token(&sim, "realmadmin").await;
    assert_eq!(
        get(&sim, &count, Some(&realmadmin)).await.1,
        json!({ "count": 0 })
    );
    let (_, page) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}/offline-sessions"),
        Some(&realmadmin),
    )
    .await;
    assert_eq!(page, json!([]));
    let alice = user_id(&sim, &realmadmin, "alice").await;
    assert_eq!(
        get(
            &sim,
            &format!("/admin/realms/demo/users/{alice}/consents"),
            Some(&realmadmin)
        )
        .await
        .1,
        json!([])
    );
}
