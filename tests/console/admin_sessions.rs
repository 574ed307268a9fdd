//! A client's offline sessions and a user's access, through the console's
//! server functions, with effects checked at keycloak-sim.

use crate::support::*;
use serde_json::{json, Value};

#[tokio::test]
async fn pages_carry_the_true_total_and_the_last_page_is_short() {
    let app = spawn_app().await;
    seed(&app, "demo", 57, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;

    let (status, first) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["total"], 57);
    assert_eq!(first["rows"].as_array().unwrap().len(), 25);
    assert_eq!(first["client"]["client_id"], "backup-service");
    assert_eq!(first["can_revoke"], true);

    let (_, last) = offline_sessions_page(&app, &http, &backup, 50, 25).await;
    assert_eq!(last["rows"].as_array().unwrap().len(), 7);
    assert_eq!(last["total"], 57);

    // Pages never overlap: every session appears once across the three pages.
    let (_, middle) = offline_sessions_page(&app, &http, &backup, 25, 25).await;
    let mut ids: Vec<String> = [&first, &middle, &last]
        .iter()
        .flat_map(|p| {
            p["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned())
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 57);

    // Expiry follows the realm's idle timeout (30 days by default) from the last access.
    let row = &first["rows"][0];
    assert_eq!(
        row["idle_expires_ms"].as_i64().unwrap() - row["last_access_ms"].as_i64().unwrap(),
        2_592_000_000
    );
    assert_eq!(
        row["max_expires_ms"],
        Value::Null,
        "max lifespan is off by default"
    );

    // Page sizes are capped.
    let (_, capped) = offline_sessions_page(&app, &http, &backup, 0, 100_000).await;
    assert_eq!(capped["max"], 100);
    assert_eq!(capped["rows"].as_array().unwrap().len(), 57);
}

#[tokio::test]
async fn revoking_an_offline_session_kills_its_token_and_is_audited() {
    let app = spawn_app().await;
    let token = backup_offline_token(&app, "alice").await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let (_, before) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(before["total"], 1);
    let row = &before["rows"][0];
    assert_eq!(row["username"], "alice");
    let session = row["id"].as_str().unwrap().to_owned();
    let alice = row["user_id"].as_str().unwrap().to_owned();

    let (status, body) = revoke_offline_session(&app, &http, &backup, &alice, &session).await;
    assert_eq!((status, body), (200, json!(null)));

    let (_, after) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(after["total"], 0);
    let (status, body) = refresh_backup(&app, &token).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");

    let log = audit_entries(&app, &http).await;
    let outcomes: Vec<&str> = log.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["succeeded", "attempted"], "newest first");
    assert_eq!(log[0]["actor"], "realmadmin");
    assert_eq!(log[0]["action"], "revoke_offline_session");
    assert_eq!(log[0]["realm"], "demo");
    assert_eq!(
        log[0]["target"],
        format!("offline session {session} of user alice (clients: backup-service)"),
        "named as Keycloak reports it"
    );
}

#[tokio::test]
async fn a_session_named_under_another_client_is_not_revoked_and_the_attempt_says_so() {
    let app = spawn_app().await;
    let token = backup_offline_token(&app, "alice").await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let (_, page) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    let row = &page["rows"][0];
    let session = row["id"].as_str().unwrap().to_owned();
    let alice = row["user_id"].as_str().unwrap().to_owned();
    let other = client_uuid(&app, &http, "photo-print").await;

    let (status, body) = revoke_offline_session(&app, &http, &other, &alice, &session).await;
    assert_eq!(
        (status, body),
        (404, json!({"NotFound": "This offline session"}))
    );
    let (status, body) = refresh_backup(&app, &token).await;
    assert_eq!(status, 200, "the session lives on: {body}");
    let log = audit_entries(&app, &http).await;
    assert_eq!(log[0]["outcome"], "failed");
    assert_eq!(
        log[0]["target"],
        format!(
            "offline session {session} of user {alice} (Keycloak lists no such session under client {other})"
        )
    );
}

#[tokio::test]
async fn a_failed_revocation_is_audited_as_failed() {
    let app = spawn_app().await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let (status, body) =
        revoke_offline_session(&app, &http, &backup, "no-such-user", "no-such-session").await;
    assert_eq!(status, 404, "{body}");
    let log = audit_entries(&app, &http).await;
    assert_eq!(log[0]["outcome"], "failed");
    assert_eq!(log[1]["outcome"], "attempted");
}

#[tokio::test]
async fn helpdesk_sees_sessions_but_is_told_which_role_revoking_needs() {
    let app = spawn_app().await;
    backup_offline_token(&app, "bob").await;
    let http = signed_in_client(&app, "demo", "helpdesk", "helpdesk").await;
    let backup = client_uuid(&app, &http, "backup-service").await;
    let (status, listed) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["can_revoke"], false);
    assert_eq!(listed["policy"], Value::Null, "helpdesk lacks view-realm");
    let session = listed["rows"][0]["id"].as_str().unwrap().to_owned();
    let bob = listed["rows"][0]["user_id"].as_str().unwrap().to_owned();

    let (status, body) = revoke_offline_session(&app, &http, &backup, &bob, &session).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"Forbidden": "You need the realm-management role \u{201c}manage-users\u{201d} for realm \u{201c}demo\u{201d} to revoke offline sessions."})
    );
    let (status, body) = call(&app, &http, "overview", &[("realm", "demo")]).await;
    assert_eq!(status, 403);
    assert!(
        body["Forbidden"].as_str().unwrap().contains("view-realm"),
        "{body}"
    );
}

#[tokio::test]
async fn an_end_user_is_refused_admin_functions() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "alice", "alice").await;
    let (status, body) = call(&app, &http, "overview", &[("realm", "demo")]).await;
    assert_eq!(status, 403);
    assert!(
        body["Forbidden"]
            .as_str()
            .unwrap()
            .contains("realm administrators"),
        "{body}"
    );
    let anonymous = app.client();
    let (status, body) = call(&app, &anonymous, "overview", &[("realm", "demo")]).await;
    assert_eq!((status, body), (401, json!("NotSignedIn")));
}

#[tokio::test]
async fn the_user_access_page_unites_consents_offline_tokens_and_sessions() {
    let app = spawn_app().await;
    let token = backup_offline_token(&app, "alice").await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let alice = user_uuid(&app, &http, "alice").await;

    let (status, access) = user_access(&app, &http, &alice).await;
    assert_eq!(status, 200, "{access}");
    assert_eq!(access["has_offline_access_role"], true);
    assert_eq!(access["can_manage"], true);
    let consent = &access["consents"][0];
    assert_eq!(consent["client_id"], "backup-service");
    assert_eq!(consent["offline_token"], true);
    assert_eq!(access["offline"][0]["client_id"], "backup-service");
    assert_eq!(
        access["offline"][0]["sessions"].as_array().unwrap().len(),
        1
    );

    let (status, _) = revoke_user_consent(&app, &http, &alice, "backup-service").await;
    assert_eq!(status, 200);
    let (_, access) = user_access(&app, &http, &alice).await;
    assert_eq!(access["consents"], json!([]));
    assert_eq!(access["offline"], json!([]));
    let (status, body) = refresh_backup(&app, &token).await;
    assert_eq!((status, &body["error"]), (400, &json!("invalid_grant")));

    // Nothing left to revoke: Keycloak's 404 comes through as "not found".
    let (status, _) = revoke_user_consent(&app, &http, &alice, "backup-service").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn readiness_check_names_users_without_the_offline_access_role() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let eve = user_uuid(&app, &http, "eve").await;
    let (_, access) = user_access(&app, &http, &eve).await;
    assert_eq!(access["has_offline_access_role"], false);
}

#[tokio::test]
async fn hostile_identifiers_are_refused_or_encoded() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let long = "x".repeat(10_000);
    let (status, body) = user_access(&app, &http, &long).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"InvalidInput": "The user id is longer than 255 characters."})
    );
    let (status, _) = user_access(&app, &http, "..").await;
    assert_eq!(status, 400);
    // `../../clients` stays one encoded segment: Keycloak answers "user not found".
    let (status, body) = user_access(&app, &http, "../../clients").await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn the_overview_counts_sessions_per_client_with_totals() {
    let app = spawn_app().await;
    seed(&app, "demo", 12, "user", &["backup-service"]).await;
    backup_offline_token(&app, "alice").await;
    let http = signed_in_client(&app, "master", "admin", "admin").await;
    let (status, overview) = call(&app, &http, "overview", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{overview}");
    let backup = overview["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == "backup-service")
        .unwrap()
        .clone();
    assert_eq!(backup["offline"], 13);
    assert_eq!(
        overview["clients"][0]["client_id"], "backup-service",
        "most offline first"
    );
    assert_eq!(
        overview["total_offline"].as_u64().unwrap(),
        overview["clients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["offline"].as_u64().unwrap())
            .sum::<u64>()
    );
}

/// The islands send a server function's arguments as JSON: read like the form, and a body
/// that is not the arguments is the caller's mistake (400), not a failure of the console.
#[tokio::test]
async fn arguments_sent_as_json_are_read_and_malformed_json_is_a_clear_400() {
    let app = spawn_app().await;
    seed(&app, "demo", 3, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let post = |body: String| {
        http.post(format!("{}/api/offline_sessions", app.url))
            .header("origin", &app.url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let args = json!({ "realm": "demo", "client": backup, "first": 0, "max": 25 });
    let page = post(args.to_string()).await.unwrap();
    assert_eq!(page.status(), 200);
    let page: Value = page.json().await.unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["rows"].as_array().unwrap().len(), 3);

    for body in [
        "{\"realm\": \"demo\"".to_owned(),
        json!({ "realm": "demo", "client": backup, "first": "zero", "max": 25 }).to_string(),
        String::new(),
    ] {
        let refused = post(body.clone()).await.unwrap();
        assert_eq!(refused.status(), 400, "{body}");
        let error: Value = refused.json().await.unwrap();
        let message = error["InvalidInput"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("The request was malformed: "),
            "{body}: {error}"
        );
    }
}

#[tokio::test]
async fn a_session_left_idle_past_the_timeout_leaves_the_list_and_its_token_ends() {
    let app = spawn_app().await;
    // 30 days in demo; 400 s on the simulator's clock (real seconds under load stay small
    // beside it), 8 s on a real Keycloak, which is waited for: alice's token is taken last,
    // so the setup's own seconds count against bob only.
    let (timeout, step) = (on_real(400, 8), on_real(300, 5));
    keycloak_put_realm(
        &app,
        "demo",
        json!({ "offlineSessionIdleTimeout": timeout }),
    )
    .await;
    let bob = backup_offline_token(&app, "bob").await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let alice = backup_offline_token(&app, "alice").await;
    let (status, page) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 2);

    // alice uses her token within the timeout; bob leaves his alone past it.
    let_time_pass(&app, step).await;
    let (status, body) = refresh_backup(&app, &alice).await;
    assert_eq!(status, 200, "{body}");
    let_time_pass(&app, step).await;
    let (status, page) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(status, 200, "{page}");
    let users: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["username"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["alice"], "{page}");
    let (status, body) = refresh_backup(&app, &bob).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_description"], "Offline user session not found");
}
