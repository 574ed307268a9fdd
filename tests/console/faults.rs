//! The fault matrix: every server function and every data page while Keycloak
//! is down, too slow, failing (500, 502), rate limiting (429), dropping
//! connections or sending malformed JSON, and while the administrator's sign-in
//! expires or is revoked. Expected everywhere: a clear message with a fitting
//! status, a bounded wait, and no mutation reported done unless Keycloak
//! confirmed it. The list of server functions is read from the running
//! registry, so a new one without a row fails.

use std::time::{Duration, Instant};

use crate::support::server_functions::{
    assert_covers_registry, demo_ids, every_call, row, DemoIds,
};
use crate::support::*;
use offline_console::error::AppError;
use serde_json::{json, Value};

/// The console's budget per Keycloak call in these tests; the slow fault is ten times longer.
const TIMEOUT_FLAGS: [&str; 4] = [
    "--keycloak-timeout",
    "1s",
    "--keycloak-connect-timeout",
    "1s",
];

/// Without a timeout the slow fault alone would take this long per call.
const SLOW_FAULT_MS: u64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    Down,
    Slow,
    Status500,
    Status502,
    RateLimited,
    Reset,
    Malformed,
}

impl Fault {
    /// The `/_sim/faults` body; `Down` shuts the simulator instead.
    fn spec(self) -> Option<Value> {
        let spec = match self {
            Fault::Down => return None,
            Fault::Slow => json!({ "latencyMs": SLOW_FAULT_MS }),
            Fault::Status500 => json!({ "status": 500 }),
            Fault::Status502 => json!({ "status": 502 }),
            Fault::RateLimited => json!({ "status": 429 }),
            Fault::Reset => json!({ "reset": true }),
            Fault::Malformed => json!({ "malformedBody": true }),
        };
        let mut spec = spec;
        spec["pathPrefix"] = json!("/");
        Some(spec)
    }
}

/// How a server function or page meets Keycloak.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Answers from the console alone (the database or the session): unaffected.
    Local(u16),
    /// Reads from Keycloak before anything else.
    Read,
    /// Sends one change to Keycloak first; the status it gets when Keycloak
    /// answers normally but with a malformed body (a 204 has no body to spoil).
    Mutation(u16),
}

fn expected(kind: Kind, fault: Fault) -> Result<u16, AppError> {
    match (kind, fault) {
        (Kind::Local(status), _) => Ok(status),
        (_, Fault::Down | Fault::RateLimited) => Err(AppError::KeycloakUnavailable),
        (Kind::Read, Fault::Slow) => Err(AppError::KeycloakTimedOut),
        (Kind::Mutation(_), Fault::Slow | Fault::Reset) => Err(AppError::Unconfirmed),
        (Kind::Mutation(status), Fault::Malformed) => Ok(status),
        (_, Fault::Status500 | Fault::Status502 | Fault::Reset | Fault::Malformed) => {
            Err(AppError::KeycloakFailed)
        }
    }
}

/// How each server function meets Keycloak.
const KINDS: [(&str, Kind); 28] = [
    ("viewer", Kind::Local(200)),
    ("admin_realms", Kind::Read),
    ("overview", Kind::Read),
    ("search_clients", Kind::Read),
    ("offline_sessions", Kind::Read),
    // Reads the session first, to audit it as Keycloak reports it.
    ("revoke_offline_session", Kind::Read),
    ("search_users", Kind::Read),
    ("user_access", Kind::Read),
    ("revoke_user_consent", Kind::Mutation(404)),
    ("audit_log", Kind::Local(200)),
    ("my_applications", Kind::Read),
    ("remove_my_access", Kind::Mutation(404)),
    ("realm_policy", Kind::Read),
    ("client_policies", Kind::Read),
    ("client_readiness", Kind::Read),
    ("user_readiness", Kind::Read),
    ("set_realm_not_before", Kind::Read),
    ("push_realm_revocation", Kind::Mutation(502)),
    ("start_session_filter", Kind::Read),
    ("latest_session_job", Kind::Local(200)),
    ("session_job_status", Kind::Local(404)),
    ("cancel_session_job", Kind::Local(404)),
    ("revoke_session_job_matches", Kind::Local(404)),
    // History reads its own database; with history not connected a
    // snapshot is refused before Keycloak is asked (tests/console/history.rs
    // covers a snapshot meeting a failing Keycloak: a gap, never numbers).
    ("history_status", Kind::Local(200)),
    ("history_trends", Kind::Local(200)),
    ("snapshot_history", Kind::Local(409)),
    ("save_realm_policy", Kind::Read),
    ("preview_policy_impact", Kind::Read),
];

struct Case {
    endpoint: &'static str,
    args: Vec<(String, String)>,
    kind: Kind,
}

/// A console with 1 s Keycloak timeouts and realmadmin signed in, plus the ids the cases need.
struct World {
    app: TestApp,
    http: reqwest::Client,
    ids: DemoIds,
}

async fn world() -> World {
    let app = spawn_app_with_flags(&TIMEOUT_FLAGS).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let ids = demo_ids(&app, &http).await;
    World { app, http, ids }
}

/// The user id and session id of `username`'s offline session of backup-service.
async fn offline_session_of(app: &TestApp, w: &World, username: &str) -> (String, String) {
    let (_, page) = offline_sessions_page(app, &w.http, &w.ids.backup, 0, 10).await;
    let row = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["username"] == username)
        .unwrap_or_else(|| panic!("{username}'s offline session in {page}"));
    let id = |field: &str| row[field].as_str().unwrap().to_owned();
    (id("user_id"), id("id"))
}

/// Every server function with arguments that pass validation, and how it meets Keycloak.
fn cases(w: &World) -> Vec<Case> {
    every_call(&w.ids)
        .into_iter()
        .map(|(endpoint, args)| Case {
            endpoint,
            args,
            kind: row(&KINDS, endpoint),
        })
        .collect()
}

/// Every data page, how it meets Keycloak, and its status once the sign-in is
/// over (`/admin` and `/me` then offer to sign in).
fn pages(w: &World) -> Vec<(String, Kind, u16)> {
    let (backup, alice) = (&w.ids.backup, &w.ids.alice);
    vec![
        ("/admin".into(), Kind::Local(200), 200),
        ("/audit".into(), Kind::Local(200), 401),
        ("/admin/demo".into(), Kind::Read, 401),
        ("/admin/demo/clients".into(), Kind::Read, 401),
        (format!("/admin/demo/clients/{backup}"), Kind::Read, 401),
        // The job comes from the database; the realm switcher asks Keycloak.
        (
            format!("/admin/demo/clients/{backup}/tools"),
            Kind::Read,
            401,
        ),
        ("/admin/demo/users".into(), Kind::Read, 401),
        (format!("/admin/demo/users/{alice}"), Kind::Read, 401),
        ("/admin/demo/policy".into(), Kind::Read, 401),
        ("/admin/demo/revocation".into(), Kind::Read, 401),
        // The checks run on demand; the realm switcher asks Keycloak.
        ("/admin/demo/readiness".into(), Kind::Read, 401),
        ("/admin/history".into(), Kind::Local(200), 401),
        ("/me".into(), Kind::Local(200), 200),
        ("/realms/demo/my-applications".into(), Kind::Read, 401),
    ]
}

/// Runs a test on its own thread with a large stack: debug builds of the
/// server-side rendering of some error pages need more than the 2 MiB a test
/// thread gets (release builds do not).
fn on_big_stack(test: impl std::future::Future<Output = ()> + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(32 * 1024 * 1024)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(test)
        })
        .unwrap()
        .join()
        .expect("the test passed");
}

fn error_json(error: &AppError) -> Value {
    serde_json::to_value(error).unwrap()
}

/// Calls every server function and opens every page under `fault` (already in
/// place); returns a line per unexpected answer.
async fn run_matrix(w: &World, fault: Fault) -> Vec<String> {
    let cases = cases(w);
    let calls = cases.iter().map(|c| async move {
        let started = Instant::now();
        let (status, body) = call_owned(&w.app, &w.http, c.endpoint, &c.args).await;
        (c, status, body, started.elapsed())
    });
    let mut wrong = Vec::new();
    for (c, status, body, took) in futures::future::join_all(calls).await {
        let what = format!("{:?}: {}", fault, c.endpoint);
        check(
            &mut wrong,
            &what,
            expected(c.kind, fault),
            status,
            &body,
            took,
        );
    }
    let pages = pages(w);
    let loads = pages.iter().map(|(path, kind, _)| async move {
        let started = Instant::now();
        let response = get_page(&w.app, &w.http, path).await;
        let status = response.status().as_u16();
        let html = response.text().await.unwrap();
        (path, *kind, status, html, started.elapsed())
    });
    for (path, kind, status, html, took) in futures::future::join_all(loads).await {
        let what = format!("{fault:?}: GET {path}");
        let expect = expected(kind, fault);
        let want = expect.as_ref().map_or_else(AppError::status, |ok| *ok);
        if status != want {
            wrong.push(format!("{what}: {status} (expected {want})"));
        }
        if let Err(error) = &expect {
            let message = error.to_string();
            let escaped = [
                message.clone(),
                message.replace('\'', "&#x27;"),
                message.replace('\'', "&#39;"),
            ];
            if !escaped.iter().any(|m| html.contains(m.as_str())) {
                wrong.push(format!(
                    "{what}: the page does not say \u{201c}{error}\u{201d}"
                ));
            }
        }
        bounded(&mut wrong, &what, took);
    }
    wrong
}

fn check(
    wrong: &mut Vec<String>,
    what: &str,
    expect: Result<u16, AppError>,
    status: u16,
    body: &Value,
    took: Duration,
) {
    match expect {
        Ok(want) if status != want => {
            wrong.push(format!("{what}: {status} (expected {want}) {body}"))
        }
        Ok(_) => {}
        Err(error) => {
            if (status, body) != (error.status(), &error_json(&error)) {
                wrong.push(format!(
                    "{what}: {status} {body} (expected {} {})",
                    error.status(),
                    error_json(&error)
                ));
            }
        }
    }
    bounded(wrong, what, took);
}

/// Every answer comes well before the slow fault's delay would have passed:
/// the 1 s budget per attempt, not Keycloak, bounds the wait.
fn bounded(wrong: &mut Vec<String>, what: &str, took: Duration) {
    if took >= Duration::from_millis(SLOW_FAULT_MS) {
        wrong.push(format!("{what}: took {took:?}"));
    }
}

#[test]
fn every_server_function_has_a_row_in_the_fault_matrix() {
    on_big_stack(async {
        let w = world().await;
        assert_covers_registry(&KINDS, &w.ids, "fault matrix");
    });
}

async fn assert_matrix(fault: Fault) {
    let mut w = world().await;
    match fault.spec() {
        Some(spec) => {
            add_fault(&w.app, spec).await;
        }
        None => {
            // Nothing listens on a port just released: connections are refused.
            let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}", closed.local_addr().unwrap());
            drop(closed);
            w.app.restart_console_at(&url).await;
        }
    }
    let wrong = run_matrix(&w, fault).await;
    assert!(
        wrong.is_empty(),
        "unexpected answers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn keycloak_down() {
    on_big_stack(async {
        assert_matrix(Fault::Down).await;
    });
}

#[test]
fn keycloak_slower_than_the_timeout() {
    on_big_stack(async {
        assert_matrix(Fault::Slow).await;
    });
}

#[test]
fn keycloak_answers_500() {
    on_big_stack(async {
        assert_matrix(Fault::Status500).await;
    });
}

#[test]
fn keycloak_answers_502() {
    on_big_stack(async {
        assert_matrix(Fault::Status502).await;
    });
}

#[test]
fn keycloak_rate_limits() {
    on_big_stack(async {
        assert_matrix(Fault::RateLimited).await;
    });
}

#[test]
fn keycloak_resets_connections() {
    on_big_stack(async {
        assert_matrix(Fault::Reset).await;
    });
}

#[test]
fn keycloak_sends_malformed_json() {
    on_big_stack(async {
        assert_matrix(Fault::Malformed).await;
    });
}

#[test]
fn a_rate_limited_read_is_retried_and_a_rate_limited_mutation_is_sent_once() {
    on_big_stack(async {
        let w = world().await;
        let app = &w.app;
        backup_offline_token(app, "alice").await;
        let (alice, session) = offline_session_of(app, &w, "alice").await;
        add_fault(
            app,
            json!({ "pathPrefix": "/admin/realms/demo/sessions", "status": 429 }),
        )
        .await;
        add_fault(
            app,
            json!({ "pathPrefix": "/admin/realms/demo/client-session-stats", "status": 429, "times": 1 }),
        )
        .await;
        add_fault(
            app,
            json!({ "pathPrefix": "/admin/realms/demo/users/count", "status": 429 }),
        )
        .await;

        let (status, body) = call(app, &w.http, "overview", &[("realm", "demo")]).await;
        assert_eq!(status, 200, "the read succeeds on its retry: {body}");

        let (status, body) = call(
            app,
            &w.http,
            "search_users",
            &[
                ("realm", "demo"),
                ("search", ""),
                ("first", "0"),
                ("max", "5"),
            ],
        )
        .await;
        assert_eq!(
            (status, body),
            (503, error_json(&AppError::KeycloakUnavailable))
        );

        let (status, body) =
            revoke_offline_session(app, &w.http, &w.ids.backup, &alice, &session).await;
        assert_eq!(
            (status, body),
            (503, error_json(&AppError::KeycloakUnavailable))
        );
        assert_eq!(
            fault_hits(app),
            [1, 1, 3],
            "the mutation was sent once, the first read twice, the failing read three times"
        );
        let log = audit_entries(app, &w.http).await;
        assert_eq!(log[0]["outcome"], "failed", "{log:?}");
        assert_eq!(log[0]["action"], "revoke_offline_session");
    });
}

#[test]
fn a_revocation_applied_before_the_connection_dropped_is_not_reported_as_done() {
    on_big_stack(async {
        let w = world().await;
        let app = &w.app;
        let token = backup_offline_token(app, "alice").await;
        let (alice, session) = offline_session_of(app, &w, "alice").await;
        add_fault(
            app,
            json!({ "pathPrefix": "/admin/realms/demo/sessions", "resetAfter": true }),
        )
        .await;

        let (status, body) =
            revoke_offline_session(app, &w.http, &w.ids.backup, &alice, &session).await;
        assert_eq!((status, body), (504, error_json(&AppError::Unconfirmed)));
        assert_eq!(fault_hits(app), [1], "sent once, never retried");
        let (status, _) = refresh_backup(app, &token).await;
        assert_eq!(status, 400, "Keycloak did revoke the session");

        let log = audit_entries(app, &w.http).await;
        let latest = &log[0];
        assert_eq!(
            (&latest["action"], &latest["outcome"]),
            (&json!("revoke_offline_session"), &json!("unknown")),
            "{log:?}"
        );
        let detail = latest["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("outcome unknown, keycloak did not confirm"),
            "{detail}"
        );
    });
}

#[test]
fn an_expired_administrator_sign_in_asks_to_sign_in_again_everywhere() {
    on_big_stack(async {
        let w = world().await;
        // Past Keycloak's SSO session max (10 h; lowered to 2 s on a real Keycloak): the
        // access and refresh tokens are dead.
        if Backend::is_real() {
            keycloak_put_realm(&w.app, "demo", json!({ "ssoSessionMaxLifespan": 2 })).await;
        }
        let_time_pass(&w.app, on_real(11 * 3600, 3)).await;
        assert_signed_out_everywhere(&w).await;
    });
}

#[test]
fn a_revoked_administrator_sign_in_asks_to_sign_in_again_everywhere() {
    on_big_stack(async {
        let w = world().await;
        let master = keycloak_admin_token(&w.app).await;
        let id = keycloak_user_id(&w.app, "demo", "realmadmin").await;
        let logout = reqwest::Client::new()
            .post(format!(
                "{}/admin/realms/demo/users/{id}/logout",
                w.app.keycloak_url()
            ))
            .bearer_auth(&master)
            .send()
            .await
            .unwrap();
        assert_eq!(logout.status(), 204);
        assert_signed_out_everywhere(&w).await;
    });
}

/// The first Keycloak call finds the sign-in over; from then on every server
/// function and page asks to sign in again (401), the viewer reports no one.
async fn assert_signed_out_everywhere(w: &World) {
    let (status, body) = call(&w.app, &w.http, "overview", &[("realm", "demo")]).await;
    assert_eq!((status, body), (401, error_json(&AppError::NotSignedIn)));
    let mut wrong = Vec::new();
    for c in cases(w) {
        let started = Instant::now();
        let (status, body) = call_owned(&w.app, &w.http, c.endpoint, &c.args).await;
        let expect = match c.endpoint {
            "viewer" => Ok(200),
            _ => Err(AppError::NotSignedIn),
        };
        check(
            &mut wrong,
            c.endpoint,
            expect,
            status,
            &body,
            started.elapsed(),
        );
        if c.endpoint == "viewer" && body != Value::Null {
            wrong.push(format!("viewer still names someone: {body}"));
        }
    }
    for (path, _, expect) in pages(w) {
        let status = get_page(&w.app, &w.http, &path).await.status().as_u16();
        if status != expect {
            wrong.push(format!("GET {path}: {status} (expected {expect})"));
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected answers:\n{}",
        wrong.join("\n")
    );
}

/// Filter criteria a dry run may leave out.
const OPTIONAL_ARGS: [&str; 1] = ["username_contains"];

/// Missing or garbled arguments are the caller's mistake: a clear 400, never a 500.
#[test]
fn missing_or_garbled_arguments_are_a_clear_400_for_every_server_function() {
    on_big_stack(async {
        let w = world().await;
        let mut wrong = Vec::new();
        for c in cases(&w) {
            for dropped in 0..c.args.len() {
                if OPTIONAL_ARGS.contains(&c.args[dropped].0.as_str()) {
                    continue;
                }
                let mut args = c.args.clone();
                args.remove(dropped);
                let (status, body) = call_owned(&w.app, &w.http, c.endpoint, &args).await;
                let message = body["InvalidInput"].as_str().unwrap_or_default();
                if status != 400 || !message.starts_with("The request was malformed: ") {
                    wrong.push(format!(
                        "{} without {}: {status} {body}",
                        c.endpoint, c.args[dropped].0
                    ));
                }
            }
            if c.args.is_empty() {
                continue;
            }
            let response = w
                .http
                .post(format!("{}/api/{}", w.app.url, c.endpoint))
                .header("origin", &w.app.url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("%zz=%%&[[[=]]]&first=-x")
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if status != 400 || body["InvalidInput"].as_str().is_none() {
                wrong.push(format!("{} garbled: {status} {body}", c.endpoint));
            }
        }
        assert!(
            wrong.is_empty(),
            "unexpected answers:\n{}",
            wrong.join("\n")
        );
    });
}
