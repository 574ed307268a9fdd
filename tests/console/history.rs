//! History: the console's own offline token, snapshots with the simulator's
//! virtual clock, rotation, the ways a grant ends, and what the pages show.

use std::collections::BTreeSet;

use crate::support::*;
use offline_console::history::snapshot::{self, SnapshotError};
use offline_console::history::{crypto, store};
use offline_console::model::history::{DisconnectReason, SnapshotSummary};
use serde_json::{json, Value};

const DAY: u64 = 86_400;

/// The stored offline token in plain text (tests hold the key) and its generation.
async fn stored_token(app: &TestApp) -> Option<(String, i64)> {
    let stored = store::connection(&app.state.db).await.unwrap()?;
    let key = app.state.config.history_key.as_ref().unwrap();
    let token = crypto::open(key, stored.generation, stored.sealed.as_deref()?)
        .expect("the stored token opens with the configured key");
    Some((token, stored.generation))
}

async fn take(app: &TestApp) -> Result<SnapshotSummary, SnapshotError> {
    snapshot::take(&app.state).await
}

fn claims(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT action, outcome, actor FROM audit_log ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
}

/// (realm, client) -> [active, offline, ages...] of one run.
async fn points(app: &TestApp, run: i64) -> Vec<(String, String, i64, i64, i64, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT realm, client_id, active, offline, age_0_1, age_1_7, age_7_30, age_over_30 \
         FROM history_points WHERE run_id = $1 ORDER BY realm, client_id",
    )
    .bind(run)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

async fn offline_of(app: &TestApp, run: i64, realm: &str, client: &str) -> Option<[i64; 5]> {
    points(app, run)
        .await
        .into_iter()
        .find(|p| p.0 == realm && p.1 == client)
        .map(|p| [p.3, p.4, p.5, p.6, p.7])
}

/// Signs in as the master admin and connects history; returns the browser.
async fn connected(app: &TestApp) -> reqwest::Client {
    let admin = signed_in_client(app, "master", "admin", "admin").await;
    let done = connect_history(app, &admin, ("admin", "admin")).await;
    assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
    assert_eq!(location(&done), "/admin/master");
    admin
}

fn disconnected_because(result: Result<SnapshotSummary, SnapshotError>) -> DisconnectReason {
    match result {
        Err(SnapshotError::Disconnected(d)) => d.reason,
        other => panic!("expected a disconnect, got {other:?}"),
    }
}

#[tokio::test]
async fn connecting_stores_the_offline_token_sealed_and_shows_who_connected_it() {
    let app = spawn_app().await;
    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let (status, before) = call(&app, &admin, "history_status", &[]).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["key_configured"], true);
    assert_eq!(before["connection"], Value::Null);

    let done = connect_history(&app, &admin, ("admin", "admin")).await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/admin/master");
    // The console's own sign-in is untouched by the grant.
    let (status, viewer) = call(&app, &admin, "viewer", &[]).await;
    assert_eq!((status, viewer["username"].clone()), (200, json!("admin")));

    let (_, after) = call(&app, &admin, "history_status", &[]).await;
    assert_eq!(after["connection"]["username"], "admin");
    assert_eq!(after["connection"]["realm"], "master");
    assert_eq!(after["connection"]["disconnected"], Value::Null);

    let (token, generation) = stored_token(&app).await.unwrap();
    assert_eq!(generation, 0);
    assert_eq!(claims(&token)["typ"], "Offline");
    assert!(claims(&token)["scope"]
        .as_str()
        .unwrap()
        .contains("offline_access"));

    let summary = take(&app).await.expect("a snapshot with the stored token");
    assert_eq!(summary.realms, 2, "master and demo: {summary:?}");
    // The console's own offline session, refreshed just before counting.
    assert_eq!(
        offline_of(&app, summary.run.id, "master", "offline-console").await,
        Some([1, 1, 0, 0, 0])
    );

    // Neither the database file nor any page holds the token or a piece of it.
    let (rotated, _) = stored_token(&app).await.unwrap();
    let mut raw = Vec::new();
    for file in app.database_files() {
        raw.extend(std::fs::read(file).unwrap());
    }
    assert!(!raw.is_empty());
    let overview = get_page(&app, &admin, "/admin/master")
        .await
        .text()
        .await
        .unwrap();
    assert!(overview.contains("Connected by"), "{overview}");
    assert!(overview.contains("admin (master)"));
    for jwt in [&token, &rotated] {
        // The header segment is the same for every token of the realm (and
        // the console's sign-in session stores the administrator's own tokens),
        // so the pieces that identify this token are its payload and signature.
        let mut parts = jwt.split('.');
        let (payload, signature) = (parts.nth(1).unwrap(), parts.next().unwrap());
        for piece in [
            jwt.as_str(),
            payload,
            signature,
            &signature[..16],
            &signature[20..36],
        ] {
            let found = raw.windows(piece.len()).any(|w| w == piece.as_bytes());
            assert!(!found, "the database file holds {piece}");
            assert!(
                !overview.contains(piece),
                "the overview page shows a piece of the token"
            );
        }
    }

    let audit = audit_actions(&app).await;
    assert!(
        audit.contains(&("history_connect".into(), "succeeded".into(), "admin".into())),
        "{audit:?}"
    );
}

#[tokio::test]
async fn forty_nights_with_rotating_refresh_tokens_keep_one_valid_token() {
    let app = spawn_app().await;
    keycloak_put_realm(
        &app,
        "master",
        json!({"revokeRefreshToken": true, "refreshTokenMaxReuse": 0}),
    )
    .await;
    seed(&app, "demo", 5, "early", &["backup-service"]).await;
    connected(&app).await;
    let mut seen = BTreeSet::new();
    let (first, _) = stored_token(&app).await.unwrap();
    seen.insert(first);
    let mut runs = Vec::new();
    for night in 1..=40u64 {
        advance_clock(&app, DAY).await;
        if night == 15 {
            // Keycloak unreachable for a night: a gap, and the token is kept.
            inject_fault(&app, "/realms/master/protocol/openid-connect/token", 503).await;
            let failed = take(&app).await;
            assert!(
                matches!(failed, Err(SnapshotError::Unavailable(_))),
                "{failed:?}"
            );
            clear_faults(&app).await;
            runs.push(None);
            continue;
        }
        let summary = take(&app)
            .await
            .unwrap_or_else(|e| panic!("night {night}: {e}"));
        let (token, generation) = stored_token(&app).await.unwrap();
        assert!(claims(&token)["reuse_id"].is_string(), "rotation is on");
        assert!(
            seen.insert(token),
            "night {night}: the stored token rotated"
        );
        assert_eq!(generation, seen.len() as i64 - 1);
        runs.push(Some(summary.run.id));
        if night == 20 {
            seed(&app, "demo", 30, "late", &["backup-service"]).await;
        }
    }
    let run = |night: usize| runs[night - 1].unwrap();
    let backup = |night| offline_of(&app, run(night), "demo", "backup-service");
    // [offline, under a day, 1-7 days, 7-30 days, over 30 days]
    assert_eq!(backup(1).await, Some([5, 0, 5, 0, 0]));
    assert_eq!(backup(10).await, Some([5, 0, 0, 5, 0]));
    assert_eq!(backup(21).await, Some([35, 0, 30, 5, 0]));
    assert_eq!(backup(29).await, Some([35, 0, 0, 35, 0]));
    // The early sessions idled out after 30 days; the late ones are 20 days old.
    assert_eq!(backup(40).await, Some([30, 0, 0, 30, 0]));
    assert_eq!(
        offline_of(&app, run(40), "master", "offline-console").await,
        Some([1, 1, 0, 0, 0])
    );

    // Still valid at the end: one more night works.
    advance_clock(&app, DAY).await;
    take(&app).await.expect("the 41st snapshot");

    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let (status, trends) = call(&app, &admin, "history_trends", &[]).await;
    assert_eq!(status, 200, "{trends}");
    let trend_runs = trends["runs"].as_array().unwrap();
    assert_eq!(trend_runs.len(), 41);
    assert_eq!(trend_runs[14]["succeeded"], false, "night 15 is a gap");
    let backup_series = trends["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["client_id"] == "backup-service")
        .unwrap();
    assert_eq!(
        backup_series["offline"][14],
        Value::Null,
        "no invented number"
    );
    assert_eq!(backup_series["offline"][13], 5);
    assert_eq!(backup_series["latest"], 30);
    // Night 41 (30) against night 34 (30, the early sessions gone by then).
    assert_eq!(backup_series["weekly_growth"], 0);
    assert_eq!(backup_series["unusual"], false);

    let page = get_page(&app, &admin, "/admin/history").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<svg"), "{html}");
    assert!(
        html.contains("aria-label=\"demo / backup-service: 30 at the latest snapshot\""),
        "{html}"
    );
    assert!(
        html.contains("no data: the snapshot at"),
        "the failed night is marked"
    );

    let csv = get_page(&app, &admin, "/history.csv").await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "time,outcome,realm,client,active,offline,offline_0_1d,offline_1_7d,offline_7_30d,offline_over_30d,detail"
    );
    assert_eq!(lines.iter().filter(|l| l.contains(",failed,")).count(), 1);
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(",succeeded,demo,backup-service,0,30,0,0,30,0,")),
        "{csv}"
    );
}

#[tokio::test]
async fn growth_of_more_than_half_in_a_week_is_flagged_unusual() {
    let app = spawn_app().await;
    seed(&app, "demo", 10, "base", &["backup-service"]).await;
    connected(&app).await;
    for night in 1..=8 {
        advance_clock(&app, DAY).await;
        if night == 3 {
            seed(&app, "demo", 25, "burst", &["backup-service"]).await;
        }
        take(&app).await.unwrap();
    }
    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let (_, trends) = call(&app, &admin, "history_trends", &[]).await;
    let backup = trends["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["client_id"] == "backup-service")
        .unwrap()
        .clone();
    // Night 8 (35) against night 1 (10): +25 in a week, 250 %.
    assert_eq!(backup["weekly_growth"], 25);
    assert_eq!(backup["unusual"], true);
    let html = get_page(&app, &admin, "/admin/history")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Growing unusually fast"), "{html}");
}

#[tokio::test]
async fn a_pause_longer_than_the_offline_idle_timeout_ends_the_connection() {
    let app = spawn_app().await;
    connected(&app).await;
    take(&app).await.unwrap();
    advance_clock(&app, 31 * DAY).await;
    // Keycloak does not load an idle-expired offline session: "not found", as if revoked.
    assert_eq!(
        disconnected_because(take(&app).await),
        DisconnectReason::Ended
    );
    assert_eq!(
        stored_token(&app).await,
        None,
        "a refused token is not kept"
    );

    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let (_, status) = call(&app, &admin, "history_status", &[]).await;
    assert_eq!(status["connection"]["disconnected"]["reason"], "Ended");
    assert_eq!(
        status["connection"]["disconnected"]["detail"],
        "invalid_grant: Offline user session not found"
    );
    assert_eq!(status["last_run"]["succeeded"], false);
    let (code, refused) = call(&app, &admin, "snapshot_history", &[]).await;
    assert_eq!(code, 409);
    assert_eq!(
        refused["Conflict"],
        "History is disconnected: the offline session no longer exists: it was not used within the realm's offline session idle timeout, or the user or an administrator revoked it (Keycloak answers both the same way). Reconnect it on the overview page."
    );
    let overview = get_page(&app, &admin, "/admin/master")
        .await
        .text()
        .await
        .unwrap();
    assert!(overview.contains("Disconnected: "), "{overview}");
    assert!(overview.contains("the offline session no longer exists: it was not used within"));
    assert!(overview.contains("Reconnect history"));
    let audit = audit_actions(&app).await;
    assert!(
        audit.contains(&(
            "history_disconnect".into(),
            "failed".into(),
            snapshot::SYSTEM_ACTOR.into()
        )),
        "{audit:?}"
    );

    // Reconnecting starts a new grant that works.
    let done = connect_history(&app, &admin, ("admin", "admin")).await;
    assert_eq!(done.status(), 303);
    let (_, status) = call(&app, &admin, "history_status", &[]).await;
    assert_eq!(status["connection"]["disconnected"], Value::Null);
    let (code, summary) = call(&app, &admin, "snapshot_history", &[]).await;
    assert_eq!(code, 200, "{summary}");
    assert_eq!(summary["realms"], 2);
}

#[tokio::test]
async fn a_consent_revocation_part_way_ends_in_disconnected_revoked() {
    let app = spawn_app().await;
    connected(&app).await;
    for _ in 0..3 {
        advance_clock(&app, DAY).await;
        take(&app).await.unwrap();
    }
    let response = reqwest::Client::new()
        .delete(format!(
            "{}/admin/realms/master/users/{}/consents/offline-console",
            app.keycloak_url(),
            keycloak_user_id(&app, "master", "admin").await
        ))
        .bearer_auth(keycloak_admin_token(&app).await)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    advance_clock(&app, DAY).await;
    assert_eq!(
        disconnected_because(take(&app).await),
        DisconnectReason::Ended
    );
    assert!(matches!(take(&app).await, Err(SnapshotError::NotConnected)));
    let stored = store::connection(&app.state.db).await.unwrap().unwrap();
    assert_eq!(
        stored.info.disconnected.unwrap().detail,
        "invalid_grant: Offline user session not found"
    );
}

#[tokio::test]
async fn a_not_before_part_way_ends_in_disconnected_stale_token() {
    let app = spawn_app().await;
    connected(&app).await;
    advance_clock(&app, DAY).await;
    take(&app).await.unwrap();
    advance_clock(&app, DAY).await;
    let now = sim_now(&app).await;
    keycloak_put_realm(&app, "master", json!({ "notBefore": now })).await;
    assert_eq!(
        disconnected_because(take(&app).await),
        DisconnectReason::NotBefore
    );
    let stored = store::connection(&app.state.db).await.unwrap().unwrap();
    assert_eq!(
        stored.info.disconnected.unwrap().detail,
        "invalid_grant: Stale token"
    );
}

#[tokio::test]
async fn a_crash_between_refresh_and_use_leaves_a_working_token() {
    let mut app = spawn_app().await;
    keycloak_put_realm(
        &app,
        "master",
        json!({"revokeRefreshToken": true, "refreshTokenMaxReuse": 0}),
    )
    .await;
    connected(&app).await;
    take(&app).await.unwrap();
    let (before, generation) = stored_token(&app).await.unwrap();
    // The refresh succeeds, then every admin call fails: the console dies
    // (as far as this snapshot goes) right after the refresh was stored.
    inject_fault(&app, "/admin/realms", 500).await;
    let failed = take(&app).await;
    assert!(
        matches!(failed, Err(SnapshotError::Unavailable(_))),
        "{failed:?}"
    );
    let (after, rotated) = stored_token(&app).await.unwrap();
    assert_eq!(
        rotated,
        generation + 1,
        "the new token was stored before it was used"
    );
    assert_ne!(after, before);
    clear_faults(&app).await;

    app.restart_console().await;
    advance_clock(&app, DAY).await;
    let summary = take(&app)
        .await
        .expect("the restarted console uses the stored token");
    assert_eq!(summary.realms, 2);
    let runs: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT outcome, detail FROM history_runs ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(runs[0].0, "succeeded");
    assert_eq!(runs[1].0, "failed");
    assert_eq!(runs[2].0, "succeeded");
}

#[tokio::test]
async fn without_a_key_history_cannot_be_connected_and_says_why() {
    let app = spawn_app_with(|config| config.history_key = None).await;
    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let (_, status) = call(&app, &admin, "history_status", &[]).await;
    assert_eq!(status["key_configured"], false);
    let refused = post_history_connect(&app, &admin, &app.url, "/admin/master").await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("set HISTORY_KEY"));
    let (code, body) = call(&app, &admin, "snapshot_history", &[]).await;
    assert_eq!(code, 409);
    assert!(body["Conflict"]
        .as_str()
        .unwrap()
        .starts_with("History needs an encryption key"));
    let overview = get_page(&app, &admin, "/admin/master")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        overview.contains("History needs an encryption key"),
        "{overview}"
    );
}

#[tokio::test]
async fn only_the_signed_in_administrator_can_connect() {
    let app = spawn_app().await;
    let anonymous = app.client();
    let refused = post_history_connect(&app, &anonymous, &app.url, "/admin/master").await;
    assert_eq!(refused.status(), 401, "not signed in");
    let alice = signed_in_client(&app, "demo", "alice", "alice").await;
    let refused = post_history_connect(&app, &alice, &app.url, "/admin/demo").await;
    assert_eq!(refused.status(), 403);
    // Another site cannot make an administrator's browser start the grant.
    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let refused =
        post_history_connect(&app, &admin, "https://elsewhere.example", "/admin/master").await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        store::connection(&app.state.db)
            .await
            .unwrap()
            .map(|c| c.info),
        None
    );
}

#[tokio::test]
async fn connecting_history_keeps_the_administrators_sign_in_working() {
    let app = spawn_app().await;
    if Backend::is_real() {
        keycloak_put_realm(&app, "master", json!({ "accessTokenLifespan": 3 })).await;
    }
    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    // The grant restarts the console's client session in the SSO session:
    // a sign-in refresh token older than that is refused afterwards.
    let_time_pass(&app, 2).await;
    let done = connect_history(&app, &admin, ("admin", "admin")).await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/admin/master");
    // Past the master realm's access tokens (60 s; 3 s on a real Keycloak, set before the
    // sign-in): the console must refresh.
    let_time_pass(&app, on_real(120, 6)).await;
    let (status, overview) = call(&app, &admin, "overview", &[("realm", "master")]).await;
    assert_eq!(status, 200, "{overview}");
    assert_eq!(
        overview["total_offline"], 1,
        "history's own offline session"
    );
}

#[tokio::test]
async fn only_the_realms_administrators_connect_replace_and_disconnect_history() {
    let app = spawn_app().await;
    let audit_detail = |action: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT detail FROM audit_log WHERE action = $1 AND outcome = 'succeeded' ORDER BY id DESC LIMIT 1",
            )
            .bind(action)
            .fetch_one(&db)
            .await
            .unwrap()
            .unwrap_or_default()
        }
    };
    let helpdesk = signed_in_client(&app, "demo", "helpdesk", "helpdesk").await;
    let refused = post_history_connect(&app, &helpdesk, &app.url, "/admin/demo").await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("view-realm"));

    let realmadmin = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let done = connect_history(&app, &realmadmin, ("realmadmin", "realmadmin")).await;
    assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
    let (first, _) = stored_token(&app).await.unwrap();

    // view-realm lets one read history, not take over or end another account's grant.
    let auditor = signed_in_client(&app, "demo", "auditor", "auditor").await;
    let refused = post_history_connect(&app, &auditor, &app.url, "/admin/demo").await;
    assert_eq!(refused.status(), 403);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("manage-realm") && page.contains("realmadmin"),
        "{page}"
    );
    let refused = post_history_disconnect(&app, &auditor, "/admin/demo").await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        stored_token(&app).await.unwrap().0,
        first,
        "still connected"
    );

    // The master admin manages demo: replacing the connection revokes the replaced token.
    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let done = connect_history(&app, &admin, ("admin", "admin")).await;
    assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
    let (second, _) = stored_token(&app).await.unwrap();
    assert_ne!(second, first);
    let (status, body) = refresh(
        &app,
        "demo",
        "offline-console",
        "offline-console-secret",
        &first,
    )
    .await;
    assert_eq!(
        (status, body["error"].clone()),
        (400, json!("invalid_grant")),
        "{body}"
    );
    let detail = audit_detail("history_connect").await;
    assert!(
        detail.contains(
            "replaced the connection of realmadmin (demo); its offline token was revoked"
        ),
        "{detail}"
    );

    let out = post_history_disconnect(&app, &admin, "/admin/master").await;
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/admin/master");
    let (_, status_now) = call(&app, &admin, "history_status", &[]).await;
    assert_eq!(
        status_now["connection"]["disconnected"]["reason"],
        "Disconnected"
    );
    assert_eq!(stored_token(&app).await, None, "the token is forgotten");
    let (status, _) = refresh(
        &app,
        "master",
        "offline-console",
        "offline-console-master-secret",
        &second,
    )
    .await;
    assert_eq!(status, 400, "and revoked at Keycloak");
    assert!(audit_detail("history_disconnect")
        .await
        .contains("the offline token was revoked"));
    let again = post_history_disconnect(&app, &admin, "/admin/master").await;
    assert_eq!(again.status(), 409, "nothing left to disconnect");
}
