//! Power tools: streamed exports, filter jobs and bulk revocation, against
//! keycloak-sim with a virtual clock.

use std::collections::HashSet;

use crate::support::*;
use serde_json::{json, Value};

async fn export(
    app: &TestApp,
    http: &reqwest::Client,
    client: &str,
    file: &str,
) -> reqwest::Response {
    get_page(app, http, &format!("/export/demo/clients/{client}/{file}")).await
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers()[name].to_str().unwrap()
}

#[tokio::test]
async fn export_streams_100000_sessions_once_each_as_csv_and_json() {
    let app = spawn_app().await;
    seed(&app, "demo", 100_000, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;

    let response = export(&app, &http, &backup, "offline-sessions.csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"backup-service-offline-sessions.csv\""
    );
    let text = response.text().await.unwrap();
    let mut lines = text.split_terminator("\r\n");
    assert_eq!(
        lines.next(),
        Some("session_id,username,user_id,ip_address,started,last_access,idle_expires,max_expires,other_clients")
    );
    let mut ids = HashSet::new();
    let mut rows = 0;
    for line in lines {
        rows += 1;
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 9, "{line}");
        assert!(cells[1].starts_with("user"), "{line}");
        assert_eq!(cells[3], "127.0.0.1");
        ids.insert(cells[0].to_owned());
    }
    assert_eq!(rows, 100_000);
    assert_eq!(ids.len(), 100_000, "no session twice");

    let response = export(&app, &http, &backup, "offline-sessions.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/json");
    let rows: Vec<Value> = response.json().await.unwrap();
    assert_eq!(rows.len(), 100_000);
    let ids: HashSet<&str> = rows
        .iter()
        .map(|r| r["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 100_000);
    let row = &rows[0];
    // The realm's 30-day idle timeout, counted from the last access.
    let last = time_ms(&row["last_access"]);
    assert_eq!(time_ms(&row["idle_expires"]) - last, 2_592_000_000);
    assert_eq!(row["max_expires"], Value::Null);
    assert_eq!(row["other_clients"], json!([]));
}

fn time_ms(value: &Value) -> i64 {
    let text = value.as_str().unwrap();
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    (parsed.unix_timestamp_nanos() / 1_000_000) as i64
}

#[tokio::test]
async fn export_neutralises_formula_cells_and_quotes_csv() {
    let app = spawn_app().await;
    // A real Keycloak lets no one with `=`, `,` or `"` in the username sign in ("Account is
    // not fully set up"), so such a session is the simulator's alone.
    let prefixes = on_real(vec!["=cmd,\"x\"", "+x", "-x", "@x"], vec!["+x", "-x", "@x"]);
    for prefix in &prefixes {
        seed(&app, "demo", 1, prefix, &["backup-service"]).await;
    }
    let (http, backup) = realmadmin_and_backup(&app).await;

    let csv = export(&app, &http, &backup, "offline-sessions.csv")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv.split_terminator("\r\n").count(),
        prefixes.len() + 1,
        "{csv}"
    );
    let cells = [",\"'=cmd,\"\"x\"\"1\",", ",'+x1,", ",'-x1,", ",'@x1,"];
    for cell in &cells[cells.len() - prefixes.len()..] {
        assert!(csv.contains(cell), "{cell} in {csv}");
    }

    // JSON is for programs: the values stay exact.
    let rows: Vec<Value> = export(&app, &http, &backup, "offline-sessions.json")
        .await
        .json()
        .await
        .unwrap();
    let mut names: Vec<&str> = rows
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = prefixes.iter().map(|p| format!("{p}1")).collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[tokio::test]
async fn export_is_for_administrators_only() {
    let app = spawn_app().await;
    seed(&app, "demo", 3, "user", &["backup-service"]).await;
    let admin = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let backup = client_uuid(&app, &admin, "backup-service").await;

    let anonymous = app.client();
    let response = export(&app, &anonymous, &backup, "offline-sessions.csv").await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!("NotSignedIn")
    );

    let alice = signed_in_client(&app, "demo", "alice", "alice").await;
    let response = export(&app, &alice, &backup, "offline-sessions.csv").await;
    assert_eq!(response.status(), 403);

    let response = export(&app, &admin, &backup, "offline-sessions.xml").await;
    assert_eq!(response.status(), 404);
    let response = export(&app, &admin, "no-such-client", "offline-sessions.csv").await;
    assert_eq!(response.status(), 404);

    // Helpdesk may view clients, so may export; without view-realm there is no expiry.
    let helpdesk = signed_in_client(&app, "demo", "helpdesk", "helpdesk").await;
    let response = export(&app, &helpdesk, &backup, "offline-sessions.json").await;
    assert_eq!(response.status(), 200);
    let rows: Vec<Value> = response.json().await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["idle_expires"], Value::Null);
}

async fn export_access(
    app: &TestApp,
    http: &reqwest::Client,
    user: &str,
    file: &str,
) -> reqwest::Response {
    get_page(app, http, &format!("/export/demo/users/{user}/{file}")).await
}

#[tokio::test]
async fn a_users_access_page_exports_as_csv_and_json() {
    let app = spawn_app().await;
    for _ in 0..2 {
        backup_offline_token(&app, "alice").await;
    }
    let admin = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let alice = user_uuid(&app, &admin, "alice").await;
    // alice's own browser session: one regular session of the console.
    let alice_http = signed_in_client(&app, "demo", "alice", "alice").await;

    let response = export_access(&app, &admin, &alice, "access.csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"alice-access.csv\""
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(
        lines[0],
        "kind,clients,granted_scopes,offline_token,consent_created,consent_updated,session_id,ip_address,started,last_access"
    );
    let kinds: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["consent", "session", "offline_session", "offline_session"],
        "{csv}"
    );
    assert!(lines[1].starts_with("consent,backup-service,"), "{csv}");
    assert_eq!(lines[1].split(',').nth(3), Some("yes"), "{csv}");
    for line in &lines[3..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[1], "backup-service", "{line}");
        assert_eq!(cells[7], "127.0.0.1", "{line}");
    }

    let rows: Vec<Value> = export_access(&app, &admin, &alice, "access.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["kind"], "consent");
    assert_eq!(rows[0]["offline_token"], true);
    assert_eq!(rows[1]["clients"], json!(["offline-console"]));
    let offline: HashSet<&str> = rows[2..]
        .iter()
        .map(|r| r["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(offline.len(), 2, "two distinct offline sessions");

    // Who may download it: administrators who may view users.
    let response = export_access(&app, &app.client(), &alice, "access.csv").await;
    assert_eq!(response.status(), 401);
    let response = export_access(&app, &alice_http, &alice, "access.csv").await;
    assert_eq!(response.status(), 403);
    let helpdesk = signed_in_client(&app, "demo", "helpdesk", "helpdesk").await;
    let response = export_access(&app, &helpdesk, &alice, "access.json").await;
    assert_eq!(response.status(), 200);
    let response = export_access(&app, &admin, "no-such-user", "access.csv").await;
    assert_eq!(response.status(), 404);
    let response = export_access(&app, &admin, &alice, "access.xml").await;
    assert_eq!(response.status(), 404);
}

// ---- Filter jobs and bulk revocation ----

const DAY: u64 = 86_400;

async fn start_filter(
    app: &TestApp,
    http: &reqwest::Client,
    client: &str,
    criteria: &[(&str, &str)],
) -> (u16, Value) {
    let mut args = vec![("realm", "demo"), ("client", client)];
    args.extend_from_slice(criteria);
    call(app, http, "start_session_filter", &args).await
}

async fn job_status(app: &TestApp, http: &reqwest::Client, id: &str) -> Value {
    let (status, job) = call(app, http, "session_job_status", &[("id", id)]).await;
    assert_eq!(status, 200, "{job}");
    job
}

/// Polls the job (as the page does) until `done` holds; gives up after two minutes.
async fn wait_for(
    app: &TestApp,
    http: &reqwest::Client,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..2400 {
        let job = job_status(app, http, id).await;
        if done(&job) {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the job never became {what}");
}

/// Runs a dry run to its end and returns the finished job.
async fn dry_run(
    app: &TestApp,
    http: &reqwest::Client,
    client: &str,
    criteria: &[(&str, &str)],
) -> Value {
    let (status, job) = start_filter(app, http, client, criteria).await;
    assert_eq!(status, 200, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let job = wait_for(app, http, &id, "scanned", |j| j["state"] != "scanning").await;
    assert_eq!(job["state"], "scanned", "{job}");
    job
}

fn usernames(job: &Value) -> Vec<String> {
    let mut names: Vec<String> = job["sample"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn offline_total(app: &TestApp, http: &reqwest::Client, client: &str) -> u64 {
    let (status, page) = offline_sessions_page(app, http, client, 0, 100).await;
    assert_eq!(status, 200, "{page}");
    page["total"].as_u64().unwrap()
}

async fn confirm(app: &TestApp, http: &reqwest::Client, job: &Value, typed: &str) -> (u16, Value) {
    call(
        app,
        http,
        "revoke_session_job_matches",
        &[("id", job["id"].as_str().unwrap()), ("confirmation", typed)],
    )
    .await
}

/// (rows, distinct sessions) of the audit log with this action and outcome.
async fn audited(app: &TestApp, action: &str, outcome: &str) -> (i64, i64) {
    sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT target) FROM audit_log WHERE action = $1 AND outcome = $2",
    )
    .bind(action)
    .bind(outcome)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn idle_filter_matches_sessions_unused_for_more_than_n_days() {
    let app = spawn_app().await;
    seed(&app, "demo", 2, "old", &["backup-service"]).await;
    advance_clock(&app, 10 * DAY - 60).await;
    seed(&app, "demo", 3, "new", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;

    // A minute short of ten days idle: not yet.
    let job = dry_run(&app, &http, &backup, &[("idle_days", "10")]).await;
    assert_eq!(
        (job["scanned"].as_u64(), job["matched"].as_u64()),
        (Some(5), Some(0))
    );
    assert_eq!(job["total"], 5);
    assert_eq!(job["filter_text"], "idle for more than 10 days");

    // A minute past: the two old sessions, and only them.
    advance_clock(&app, 120).await;
    let job = dry_run(&app, &http, &backup, &[("idle_days", "10")]).await;
    assert_eq!(job["matched"], 2);
    assert_eq!(usernames(&job), ["old1", "old2"]);
    let job = dry_run(&app, &http, &backup, &[("idle_days", "0")]).await;
    assert_eq!(job["matched"], 5, "everything was idle for a while");
}

#[tokio::test]
async fn expiring_filter_follows_the_effective_policy() {
    let app = spawn_app().await;
    seed(&app, "demo", 2, "soon", &["backup-service"]).await;
    // The realm's offline idle timeout is 30 days: 25 days on, they end within 5.
    advance_clock(&app, 25 * DAY - 60).await;
    seed(&app, "demo", 1, "fresh", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;

    let job = dry_run(&app, &http, &backup, &[("expiring_days", "5")]).await;
    assert_eq!(job["matched"], 0, "{job}");
    advance_clock(&app, 120).await;
    let job = dry_run(&app, &http, &backup, &[("expiring_days", "5")]).await;
    assert_eq!(usernames(&job), ["soon1", "soon2"]);
    let job = dry_run(&app, &http, &backup, &[("expiring_days", "30")]).await;
    assert_eq!(job["matched"], 3);

    // Without view-realm the policy cannot be read, and the person is told why.
    let helpdesk = signed_in_client(&app, "demo", "helpdesk", "helpdesk").await;
    let (status, body) = start_filter(&app, &helpdesk, &backup, &[("expiring_days", "5")]).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["Forbidden"].as_str().unwrap().contains("view-realm"),
        "{body}"
    );
}

#[tokio::test]
async fn started_before_and_username_filters_at_their_boundaries() {
    let app = spawn_app().await;
    seed(&app, "demo", 3, "alpha", &["backup-service"]).await;
    seed(&app, "demo", 2, "beta", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let (_, page) = offline_sessions_page(&app, &http, &backup, 0, 10).await;
    let started_ms = page["rows"][0]["started_ms"].as_i64().unwrap();
    let day = time::OffsetDateTime::from_unix_timestamp(started_ms / 1000)
        .unwrap()
        .date();
    let (today, tomorrow) = (day.to_string(), day.next_day().unwrap().to_string());

    let job = dry_run(&app, &http, &backup, &[("started_before", &today)]).await;
    assert_eq!(job["matched"], 0, "started that day, not before it");
    let job = dry_run(&app, &http, &backup, &[("started_before", &tomorrow)]).await;
    assert_eq!(job["matched"], 5);

    let job = dry_run(&app, &http, &backup, &[("username_contains", "ALPHA")]).await;
    assert_eq!(usernames(&job), ["alpha1", "alpha2", "alpha3"]);
    let job = dry_run(&app, &http, &backup, &[("username_contains", "ha2")]).await;
    assert_eq!(usernames(&job), ["alpha2"]);
    let criteria = [
        ("username_contains", "beta"),
        ("started_before", tomorrow.as_str()),
    ];
    let job = dry_run(&app, &http, &backup, &criteria).await;
    assert_eq!(usernames(&job), ["beta1", "beta2"]);

    let (status, body) =
        start_filter(&app, &http, &backup, &[("started_before", "2026-02-30")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"InvalidInput": "\u{201c}2026-02-30\u{201d} is not a date such as 2026-01-31."})
    );
}

#[tokio::test]
async fn the_dry_run_count_is_what_the_confirmed_job_revokes() {
    let app = spawn_app().await;
    seed(&app, "demo", 30, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;

    // user1 and user10..user19.
    let job = dry_run(&app, &http, &backup, &[("username_contains", "user1")]).await;
    assert_eq!(job["matched"], 11);
    assert_eq!(
        job["sample"].as_array().unwrap().len(),
        10,
        "a sample, not all"
    );
    assert_eq!(
        offline_total(&app, &http, &backup).await,
        30,
        "a dry run revokes nothing"
    );

    // Other administrators cannot see or drive someone else's job.
    let master = signed_in_client(&app, "master", "admin", "admin").await;
    let (status, _) = call(
        &app,
        &master,
        "session_job_status",
        &[("id", job["id"].as_str().unwrap())],
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = confirm(&app, &master, &job, "backup-service").await;
    assert_eq!(status, 404);
    let matches_csv = format!(
        "{}/export/jobs/{}/matches.csv",
        app.url,
        job["id"].as_str().unwrap()
    );
    let response = master.get(&matches_csv).send().await.unwrap();
    assert_eq!(response.status(), 404);

    // The matches download as a filtered export, all of them, still pending.
    let response = http.get(&matches_csv).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"backup-service-offline-sessions-matching.csv\""
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(
        lines[0],
        "session_id,username,user_id,started,last_access,outcome,detail"
    );
    assert_eq!(lines.len(), 12, "{csv}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains(",user1") && l.ends_with(",pending,")),
        "{csv}"
    );
    let json_url = matches_csv.replace(".csv", ".json");
    let rows: Vec<Value> = http
        .get(&json_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rows.len(), 11);
    assert_eq!(rows[0]["outcome"], "pending");

    let (status, body) = confirm(&app, &http, &job, "backup").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"InvalidInput": "Type the clientId \u{201c}backup-service\u{201d} to confirm."})
    );

    let (status, started) = confirm(&app, &http, &job, "backup-service").await;
    assert_eq!(status, 200, "{started}");
    let id = started["id"].as_str().unwrap().to_owned();
    let done = wait_for(&app, &http, &id, "finished", |j| j["state"] != "revoking").await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(
        (done["revoked"].as_u64(), done["failed"].as_u64()),
        (Some(11), Some(0))
    );
    assert_eq!(offline_total(&app, &http, &backup).await, 19);
    let dry = dry_run(&app, &http, &backup, &[("username_contains", "user1")]).await;
    assert_eq!(dry["matched"], 0, "exactly the matches are gone");

    assert_eq!(
        audited(&app, "bulk_revoke_offline_session", "succeeded").await,
        (11, 11)
    );
    assert_eq!(
        audited(&app, "bulk_revoke_offline_session", "attempted").await,
        (11, 11)
    );
    assert_eq!(
        audited(&app, "bulk_revoke_offline_sessions", "succeeded")
            .await
            .0,
        1
    );

    let (status, _) = confirm(&app, &http, &done, "backup-service").await;
    assert_eq!(status, 409, "a finished job cannot run again");
}

#[tokio::test]
async fn with_rotating_refresh_tokens_the_job_and_its_owners_browser_stay_signed_in() {
    let app = spawn_app().await;
    // demo's access tokens last 300 s; 2 s on a real Keycloak, where time is waited for.
    let lifespan = on_real(300, 2);
    keycloak_put_realm(
        &app,
        "demo",
        json!({"revokeRefreshToken": true, "refreshTokenMaxReuse": 0, "accessTokenLifespan": lifespan}),
    )
    .await;
    seed(&app, "demo", 12, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = dry_run(&app, &http, &backup, &[("username_contains", "user1")]).await;
    assert_eq!(job["matched"], 4, "user1, user10..user12");

    // Every access token has expired when the revocation starts, so the job
    // must refresh; the refresh token rotates and the old one is dead.
    let_time_pass(&app, 2 * lifespan).await;
    let (status, started) = confirm(&app, &http, &job, "backup-service").await;
    assert_eq!(status, 200, "{started}");
    let id = started["id"].as_str().unwrap();
    let done = wait_for(&app, &http, id, "finished", |j| j["state"] != "revoking").await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["revoked"], 4);

    // The browser uses the job's rotated token: still signed in.
    assert_eq!(offline_total(&app, &http, &backup).await, 8);
    // And the other way round: a job after the browser refreshed again.
    let_time_pass(&app, 2 * lifespan).await;
    assert_eq!(offline_total(&app, &http, &backup).await, 8);
    let job = dry_run(&app, &http, &backup, &[("username_contains", "user")]).await;
    assert_eq!(job["matched"], 8);
}

#[tokio::test]
async fn a_failed_revocation_is_reported_and_the_job_carries_on() {
    let app = spawn_app().await;
    seed(&app, "demo", 20, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = dry_run(&app, &http, &backup, &[]).await;
    assert_eq!(job["matched"], 20);
    let broken = job["sample"][3]["session_id"].as_str().unwrap().to_owned();
    add_fault(
        &app,
        json!({ "pathPrefix": format!("/admin/realms/demo/sessions/{broken}"), "status": 500 }),
    )
    .await;

    let (status, _) = confirm(&app, &http, &job, "backup-service").await;
    assert_eq!(status, 200);
    let id = job["id"].as_str().unwrap();
    let done = wait_for(&app, &http, id, "finished", |j| j["state"] != "revoking").await;
    assert_eq!(done["state"], "done");
    assert_eq!(
        (done["revoked"].as_u64(), done["failed"].as_u64()),
        (Some(19), Some(1))
    );
    assert_eq!(done["failures"][0]["session_id"], broken.as_str());
    assert_eq!(
        done["failures"][0]["detail"],
        "Keycloak failed with a server error"
    );
    assert_eq!(offline_total(&app, &http, &backup).await, 1);
    assert_eq!(
        audited(&app, "bulk_revoke_offline_session", "failed").await,
        (1, 1)
    );
    assert_eq!(
        audited(&app, "bulk_revoke_offline_sessions", "failed")
            .await
            .0,
        1,
        "the summary reports the failure"
    );
}

#[tokio::test]
async fn a_revocation_refused_for_the_sign_in_stops_the_job_and_stays_queued() {
    let app = spawn_app().await;
    seed(&app, "demo", 20, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = dry_run(&app, &http, &backup, &[]).await;
    let refused = job["sample"][5]["session_id"].as_str().unwrap().to_owned();
    add_fault(
        &app,
        json!({ "pathPrefix": format!("/admin/realms/demo/sessions/{refused}"), "status": 401 }),
    )
    .await;

    let (status, _) = confirm(&app, &http, &job, "backup-service").await;
    assert_eq!(status, 200);
    let id = job["id"].as_str().unwrap();
    let stopped = wait_for(&app, &http, id, "stopped", |j| j["state"] != "revoking").await;
    assert_eq!(stopped["state"], "failed", "{stopped}");
    assert!(
        stopped["error"]
            .as_str()
            .unwrap()
            .contains("sign-in that started this job has ended"),
        "{stopped}"
    );
    // The rest of its batch went through; the refused one is neither revoked
    // nor failed: Keycloak refused before acting, so it waits for a new job.
    assert_eq!(
        (stopped["revoked"].as_u64(), stopped["failed"].as_u64()),
        (Some(19), Some(0))
    );
    assert_eq!(offline_total(&app, &http, &backup).await, 1);
    assert_eq!(
        (
            audited(&app, "bulk_revoke_offline_session", "succeeded").await,
            audited(&app, "bulk_revoke_offline_session", "failed").await,
        ),
        ((19, 19), (1, 1)),
        "every attempt is closed in the audit log"
    );
}

/// Confirms a job revoking every session of `client`, each revocation slowed
/// so that the job is still running when the test steps in; returns the job.
async fn start_slow_revocation_of_all(
    app: &TestApp,
    http: &reqwest::Client,
    client: &str,
) -> Value {
    let job = dry_run(app, http, client, &[]).await;
    add_fault(
        app,
        json!({ "pathPrefix": "/admin/realms/demo/sessions/", "latencyMs": 100 }),
    )
    .await;
    let (status, started) = confirm(app, http, &job, "backup-service").await;
    assert_eq!(status, 200, "{started}");
    job
}

#[tokio::test]
async fn cancelling_part_way_stops_the_revocation() {
    let app = spawn_app().await;
    seed(&app, "demo", 200, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = start_slow_revocation_of_all(&app, &http, &backup).await;
    let id = job["id"].as_str().unwrap();
    wait_for(&app, &http, id, "part-way", |j| {
        j["revoked"].as_u64() >= Some(8)
    })
    .await;

    let (status, cancelled) = call(&app, &http, "cancel_session_job", &[("id", id)]).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["state"], "cancelled");
    // The job stops after the revocations in flight and writes its summary.
    for _ in 0..2400 {
        if audited(&app, "bulk_revoke_offline_sessions", "failed")
            .await
            .0
            == 1
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let stopped = job_status(&app, &http, id).await;
    let revoked = stopped["revoked"].as_u64().unwrap();
    assert!(revoked < 200, "cancelled part-way: {stopped}");
    assert_eq!(offline_total(&app, &http, &backup).await, 200 - revoked);
    assert_eq!(
        audited(&app, "bulk_revoke_offline_session", "succeeded")
            .await
            .0 as u64,
        revoked
    );
    let (status, _) = call(&app, &http, "cancel_session_job", &[("id", id)]).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_restarted_console_finishes_the_job_without_revoking_twice() {
    let mut app = spawn_app().await;
    seed(&app, "demo", 200, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = start_slow_revocation_of_all(&app, &http, &backup).await;
    let id = job["id"].as_str().unwrap();
    let before = wait_for(&app, &http, id, "part-way", |j| {
        j["revoked"].as_u64() >= Some(16)
    })
    .await;
    assert_eq!(before["state"], "revoking");

    app.restart_console().await;
    let done = wait_for(&app, &http, id, "finished", |j| j["state"] != "revoking").await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(
        (done["revoked"].as_u64(), done["failed"].as_u64()),
        (Some(200), Some(0))
    );
    assert_eq!(offline_total(&app, &http, &backup).await, 0);
    // Every session is recorded as revoked, none failed (a second revocation
    // would meet Keycloak's 404), and no session has two successful sends.
    let (_, sessions) = audited(&app, "bulk_revoke_offline_session", "succeeded").await;
    assert_eq!(sessions, 200);
    assert_eq!(
        audited(&app, "bulk_revoke_offline_session", "failed")
            .await
            .0,
        0
    );
    let sent_twice: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT target FROM audit_log WHERE action = 'bulk_revoke_offline_session' \
         AND outcome = 'succeeded' AND detail IS NULL GROUP BY target HAVING COUNT(*) > 1)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(sent_twice, 0);
}

#[tokio::test]
async fn a_job_waits_while_keycloak_is_down_and_finishes_once_it_is_back() {
    let mut app = spawn_app().await;
    seed(&app, "demo", 60, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = start_slow_revocation_of_all(&app, &http, &backup).await;
    let id = job["id"].as_str().unwrap();
    wait_for(&app, &http, id, "part-way", |j| {
        j["revoked"].as_u64() >= Some(8)
    })
    .await;

    app.keycloak.kill().await;
    // While Keycloak is away the job waits: it neither fails nor counts sessions it cannot revoke.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let waiting = job_status(&app, &http, id).await;
    assert_eq!(waiting["state"], "revoking", "{waiting}");
    assert_eq!(waiting["failed"], 0, "{waiting}");
    assert!(waiting["revoked"].as_u64() < Some(60), "{waiting}");

    app.keycloak.start_again().await;
    let done = wait_for(&app, &http, id, "finished", |j| j["state"] != "revoking").await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(
        (done["revoked"].as_u64(), done["failed"].as_u64()),
        (Some(60), Some(0)),
        "{done}"
    );
    assert_eq!(offline_total(&app, &http, &backup).await, 0);
    // Every session is recorded as revoked. A revocation Keycloak acknowledged and then lost
    // in the crash (its database had not written it yet) is audited as lost and sent again:
    // a session has a second success only after such a row.
    let (successes, sessions) = audited(&app, "bulk_revoke_offline_session", "succeeded").await;
    assert_eq!(sessions, 60);
    let lost: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'bulk_revoke_offline_session' \
         AND outcome = 'failed' AND detail LIKE 'Keycloak acknowledged the revocation%'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(successes - sessions, lost);
}

#[tokio::test]
async fn a_job_belongs_to_the_keycloak_account_not_to_its_username() {
    let app = spawn_app().await;
    seed(&app, "demo", 2, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = dry_run(&app, &http, &backup, &[("idle_days", "0")]).await;
    let id = job["id"].as_str().unwrap().to_owned();
    let stored = offline_console::jobs::store::get(&app.state.db, &id)
        .await
        .unwrap()
        .expect("stored");
    let owner = keycloak_user_id(&app, "demo", "realmadmin").await;
    assert_eq!(stored.owner_id, owner);
    let mut same_name = offline_console::auth::SignedIn {
        realm: "demo".into(),
        user_id: String::new(),
        username: String::new(),
        realm_roles: Default::default(),
        client_roles: Default::default(),
        tokens: offline_console::auth::oidc::Tokens {
            access_token: String::new(),
            refresh_token: None,
            id_token: None,
            access_expires_at: 0,
        },
        renewals: 0,
    };
    same_name.username = "realmadmin".into();
    same_name.user_id = "another-account-given-the-name-later".into();
    assert!(!stored.is_owned_by(&same_name));
    same_name.user_id = owner;
    assert!(stored.is_owned_by(&same_name));
}

#[tokio::test]
async fn a_job_refused_for_lack_of_a_role_stops_at_once_instead_of_sending_the_rest() {
    let app = spawn_app().await;
    seed(&app, "demo", 80, "user", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = dry_run(&app, &http, &backup, &[]).await;
    assert_eq!(job["matched"], 80);
    // As when manage-users is taken from the owner while the job runs.
    add_fault(
        &app,
        json!({ "pathPrefix": "/admin/realms/demo/sessions/", "status": 403 }),
    )
    .await;

    let (status, _) = confirm(&app, &http, &job, "backup-service").await;
    assert_eq!(status, 200);
    let id = job["id"].as_str().unwrap();
    let stopped = wait_for(&app, &http, id, "stopped", |j| j["state"] != "revoking").await;
    assert_eq!(stopped["state"], "failed", "{stopped}");
    let error = stopped["error"].as_str().unwrap();
    assert!(
        error.contains("manage-users") && error.contains("the rest were not sent"),
        "{error}"
    );
    assert_eq!(
        (stopped["revoked"].as_u64(), stopped["failed"].as_u64()),
        (Some(0), Some(0)),
        "refused before Keycloak acted: nothing counted as failed"
    );
    let (refusals, sessions) = audited(&app, "bulk_revoke_offline_session", "failed").await;
    let (attempts, _) = audited(&app, "bulk_revoke_offline_session", "attempted").await;
    assert_eq!(
        (attempts, sessions),
        (refusals, refusals),
        "every attempt closed, once"
    );
    assert!(
        (1..=32).contains(&refusals),
        "one batch at most was sent, not all 80: {refusals}"
    );
    clear_faults(&app).await;
    assert_eq!(offline_total(&app, &http, &backup).await, 80);
}

#[tokio::test]
async fn the_dry_run_names_the_other_clients_whose_offline_access_ends_too() {
    let app = spawn_app().await;
    seed(&app, "demo", 3, "both", &["backup-service", "photo-print"]).await;
    seed(&app, "demo", 2, "solo", &["backup-service"]).await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = dry_run(&app, &http, &backup, &[]).await;
    assert_eq!(job["matched"], 5);
    assert_eq!(
        (job["shared"].clone(), job["shared_with"].clone()),
        (json!(3), json!(["photo-print"]))
    );
    let both = job["sample"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["other_clients"] == json!(["photo-print"]))
        .count();
    assert_eq!(both, 3);
    let page = get_page(&app, &http, &format!("/admin/demo/clients/{backup}/tools"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("3 of these sessions also hold offline access for photo-print"),
        "{page}"
    );
}

#[tokio::test]
async fn a_person_runs_at_most_three_jobs_at_once() {
    let app = spawn_app().await;
    backup_offline_token(&app, "alice").await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    // The scans wait on Keycloak's session pages, so the jobs keep running.
    add_fault(
        &app,
        json!({ "pathPrefix": format!("/admin/realms/demo/clients/{backup}/offline-sessions"), "latencyMs": 4000 }),
    )
    .await;
    let mut running = Vec::new();
    for _ in 0..3 {
        let (status, job) = start_filter(&app, &http, &backup, &[]).await;
        assert_eq!(status, 200, "{job}");
        running.push(job["id"].as_str().unwrap().to_owned());
    }
    let (status, refused) = start_filter(&app, &http, &backup, &[]).await;
    assert_eq!(
        (status, refused),
        (
            429,
            json!({"TooMany": "You already have 3 jobs running; wait for one to finish or cancel it."})
        )
    );
    // Someone else is not held back by it.
    let other = signed_in_client(&app, "master", "admin", "admin").await;
    let (status, job) = start_filter(&app, &other, &backup, &[]).await;
    assert_eq!(status, 200, "{job}");

    let (status, _) = call(&app, &http, "cancel_session_job", &[("id", &running[0])]).await;
    assert_eq!(status, 200);
    let (status, job) = start_filter(&app, &http, &backup, &[]).await;
    assert_eq!(status, 200, "a cancelled job makes room: {job}");
    clear_faults(&app).await;
}

#[tokio::test]
async fn a_person_streams_at_most_two_exports_at_once() {
    let app = spawn_app().await;
    let (http, _) = realmadmin_and_backup(&app).await;
    // An audit log of some 40 MB: more than the connection's buffers hold, so a download
    // nobody reads stays open.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) \
         INSERT INTO audit_log (occurred_at, correlation, actor, actor_realm, realm, action, \
         target, outcome) SELECT '2026-12-07T10:00:00.000Z', 'c' || i, 'realmadmin', 'demo', \
         'demo', 'revoke_offline_session', printf('offline session %08d of user someone \
         (clients: backup-service), a target long enough to fill the buffers', i), 'succeeded' \
         FROM n",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let download = || http.get(format!("{}/audit.csv", app.url)).send();
    let first = download().await.unwrap();
    let second = download().await.unwrap();
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    let third = download().await.unwrap();
    assert_eq!(third.status(), 429);
    assert_eq!(
        third.json::<Value>().await.unwrap(),
        json!({"TooMany": "You already have 2 downloads in progress; wait for one to finish."})
    );
    let (status, _) = call(&app, &http, "viewer", &[]).await;
    assert_eq!(status, 200, "pages are not held back");

    // Abandoning a download gives its place back.
    drop(first);
    let mut again = download().await.unwrap();
    for _ in 0..100 {
        if again.status() == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        again = download().await.unwrap();
    }
    assert_eq!(again.status(), 200);
    let head = again.chunk().await.unwrap().unwrap();
    assert!(head.starts_with(b"id,occurred_at,"), "{head:?}");
    drop(second);
}

#[tokio::test]
async fn a_job_whose_stored_filter_cannot_be_read_is_failed_not_run_on_a_guess() {
    let app = spawn_app().await;
    backup_offline_token(&app, "alice").await;
    backup_offline_token(&app, "bob").await;
    let (http, backup) = realmadmin_and_backup(&app).await;
    let job = dry_run(&app, &http, &backup, &[("username_contains", "alice")]).await;
    assert_eq!(job["matched"], 1);
    let id = job["id"].as_str().unwrap();
    sqlx::query("UPDATE session_jobs SET filter = '{\"username_contains\": 7' WHERE id = $1")
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();

    let failed = job_status(&app, &http, id).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert_eq!(failed["filter"], Value::Null);
    assert_eq!(failed["filter_text"], "a filter that can no longer be read");
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.starts_with("This job was stopped because its stored filter cannot be read ("),
        "{error}"
    );
    let (status, body) = confirm(&app, &http, &failed, "backup-service").await;
    assert_ne!(status, 200, "{body}");
    assert_eq!(
        offline_total(&app, &http, &backup).await,
        2,
        "nothing revoked"
    );
    let stored: String = sqlx::query_scalar("SELECT state FROM session_jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, "failed", "the failure is recorded, not only shown");
}
