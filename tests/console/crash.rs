//! Crash safety: the real console binary, killed with SIGKILL during a bulk
//! revocation and during a sign-in, then started again on the same database.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::{form_action, keycloak_admin_token_at, location, spawn_sim, TEST_HISTORY_KEY};
use offline_console::history::store as history_store;
use serde_json::{json, Value};

/// A console process and the database file it shares with its successor.
struct Console {
    child: Child,
    url: String,
    port: u16,
    database_url: String,
    keycloak_url: String,
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

impl Console {
    async fn start(port: u16, keycloak_url: &str, database_url: &str) -> Console {
        let url = format!("http://127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_offline-console"))
            .env("KEYCLOAK_URL", keycloak_url)
            .env("OIDC_CLIENT_SECRET", "offline-console-secret")
            .env(
                "OIDC_CLIENT_SECRETS",
                "master=offline-console-master-secret",
            )
            .env("PUBLIC_URL", &url)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database_url)
            .env("HISTORY_KEY", TEST_HISTORY_KEY)
            .env("LOG_LEVEL", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the console binary starts");
        let console = Console {
            child,
            url,
            port,
            database_url: database_url.to_owned(),
            keycloak_url: keycloak_url.to_owned(),
        };
        console.wait_until_up().await;
        console
    }

    async fn wait_until_up(&self) {
        for _ in 0..600 {
            if let Ok(response) = reqwest::get(format!("{}/healthz", self.url)).await {
                if response.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the console never answered /healthz");
    }

    /// SIGKILL: no shutdown code runs, as in a power cut or an OOM kill.
    fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    async fn restart(mut self) -> Console {
        self.kill_9();
        Console::start(self.port, &self.keycloak_url, &self.database_url).await
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// `/auth/login`: the console remembers the pending sign-in and sends the browser to Keycloak.
async fn begin_login(console: &Console, http: &reqwest::Client) -> String {
    begin_login_to(console, http, "demo").await
}

async fn begin_login_to(console: &Console, http: &reqwest::Client, realm: &str) -> String {
    let start = http
        .get(format!(
            "{}/auth/login?realm={realm}&next=/admin/{realm}",
            console.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    location(&start)
}

/// Keycloak's login form, then the callback to the console; returns the console's answer.
async fn finish_login(
    sim_url: &str,
    http: &reqwest::Client,
    authorize: &str,
    user: &str,
) -> reqwest::Response {
    let page = http.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let action = form_action(&page.text().await.unwrap(), "kc-form-login");
    let action = if action.starts_with("http") {
        action
    } else {
        format!("{sim_url}{action}")
    };
    let answer = http
        .post(action)
        .form(&[("username", user), ("password", user)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    http.get(location(&answer)).send().await.unwrap()
}

async fn call(
    console: &Console,
    http: &reqwest::Client,
    endpoint: &str,
    args: &[(&str, &str)],
) -> (u16, Value) {
    let response = http
        .post(format!("{}/api/{endpoint}", console.url))
        .header("origin", &console.url)
        .form(args)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn sim_post(sim_url: &str, path: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{sim_url}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn job_until(
    console: &Console,
    http: &reqwest::Client,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..2400 {
        let (status, job) = call(console, http, "session_job_status", &[("id", id)]).await;
        assert_eq!(status, 200, "{job}");
        if done(&job) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job never got there");
}

fn database(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}/console.db", dir.path().display())
}

#[tokio::test]
async fn a_bulk_revocation_killed_mid_way_resumes_without_losing_audit_rows_or_revoking_twice() {
    const USERS: u64 = 120;
    let port = free_port();
    let sim = spawn_sim(&format!("http://127.0.0.1:{port}")).await;
    let sim_url = sim.base_url().to_owned();
    sim_post(
        &sim_url,
        "/_sim/realms/demo/seed",
        json!({ "users": USERS, "prefix": "bulk", "offlineClients": ["backup-service"] }),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let console = Console::start(port, &sim_url, &database(&dir)).await;
    let http = browser();
    let authorize = begin_login(&console, &http).await;
    let signed_in = finish_login(&sim_url, &http, &authorize, "realmadmin").await;
    assert_eq!(signed_in.status(), 303);

    let (_, found) = call(
        &console,
        &http,
        "search_clients",
        &[
            ("realm", "demo"),
            ("search", "backup-service"),
            ("first", "0"),
            ("max", "5"),
        ],
    )
    .await;
    let backup = found["clients"][0]["id"].as_str().unwrap().to_owned();
    let (status, job) = call(
        &console,
        &http,
        "start_session_filter",
        &[
            ("realm", "demo"),
            ("client", &backup),
            ("username_contains", "bulk"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let job = job_until(&console, &http, &id, |j| j["state"] != "scanning").await;
    assert_eq!(
        (&job["state"], job["matched"].as_u64()),
        (&json!("scanned"), Some(USERS))
    );

    // Slow revocations, so the kill lands mid-way; the fault also counts them.
    sim_post(
        &sim_url,
        "/_sim/faults",
        json!({ "pathPrefix": "/admin/realms/demo/sessions", "latencyMs": 30 }),
    )
    .await;
    let (status, answer) = call(
        &console,
        &http,
        "revoke_session_job_matches",
        &[("id", &id), ("confirmation", "backup-service")],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let part = job_until(&console, &http, &id, |j| {
        j["revoked"].as_u64().unwrap_or(0) >= USERS / 4
    })
    .await;
    assert_eq!(part["state"], "revoking", "killed mid-way: {part}");

    let console = console.restart().await;
    let (status, viewer) = call(&console, &http, "viewer", &[]).await;
    assert_eq!(
        (status, &viewer["username"]),
        (200, &json!("realmadmin")),
        "the browser session survives"
    );
    let done = job_until(&console, &http, &id, |j| {
        j["state"] != "revoking" && j["state"] != "scanned"
    })
    .await;
    assert_eq!(
        (
            &done["state"],
            done["revoked"].as_u64(),
            done["failed"].as_u64()
        ),
        (&json!("done"), Some(USERS), Some(0)),
        "{done}"
    );

    let faults: Value = reqwest::get(format!("{sim_url}/_sim/faults"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // A request the kill cut short during the fault's delay never reached
    // Keycloak's handler; the restarted console checks such sessions and sends
    // them again. At most the runner's 8 concurrent revocations are in flight.
    let deletes = faults[0]["hits"].as_u64().unwrap();
    assert!(
        (USERS..=USERS + 8).contains(&deletes),
        "each session deleted once, plus only requests cut short: {deletes}"
    );
    let (_, page) = call(
        &console,
        &http,
        "offline_sessions",
        &[
            ("realm", "demo"),
            ("client", &backup),
            ("first", "0"),
            ("max", "10"),
        ],
    )
    .await;
    assert!(
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| !row["username"].as_str().unwrap().starts_with("bulk")),
        "every matched session is gone: {page}"
    );

    drop(console);
    let db = sqlx::SqlitePool::connect(&database(&dir)).await.unwrap();
    let (rows, sessions): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT target) FROM audit_log \
         WHERE action = 'bulk_revoke_offline_session' AND outcome = 'succeeded'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        (rows, sessions),
        (USERS as i64, USERS as i64),
        "one success row per revoked session, none twice"
    );
    let (failed,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log \
         WHERE action = 'bulk_revoke_offline_session' AND outcome = 'failed'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        failed, 0,
        "no session was found already revoked by a second attempt"
    );
}

#[tokio::test]
async fn a_sign_in_interrupted_by_a_kill_completes_after_the_restart() {
    let port = free_port();
    let sim = spawn_sim(&format!("http://127.0.0.1:{port}")).await;
    let sim_url = sim.base_url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let console = Console::start(port, &sim_url, &database(&dir)).await;
    let http = browser();
    let authorize = begin_login(&console, &http).await;

    let console = console.restart().await;
    let callback = finish_login(&sim_url, &http, &authorize, "realmadmin").await;
    assert_eq!(callback.status(), 303, "the pending sign-in was kept");
    assert_eq!(location(&callback), "/admin/demo");
    let (status, viewer) = call(&console, &http, "viewer", &[]).await;
    assert_eq!((status, &viewer["username"]), (200, &json!("realmadmin")));

    // And starting over works too, as a person pressing "Sign in" again would.
    let again = browser();
    let authorize = begin_login(&console, &again).await;
    let callback = finish_login(&sim_url, &again, &authorize, "alice").await;
    assert_eq!(callback.status(), 303);
}

/// Follows redirects as a browser does (keeping both sites' cookies) to the page.
async fn follow(
    console: &Console,
    http: &reqwest::Client,
    mut response: reqwest::Response,
) -> reqwest::Response {
    for _ in 0..8 {
        if !response.status().is_redirection() {
            return response;
        }
        let next = location(&response);
        let next = if next.starts_with("http") {
            next
        } else {
            format!("{}{next}", console.url)
        };
        response = http.get(next).send().await.unwrap();
    }
    panic!("too many redirects");
}

async fn history_generation(database_url: &str) -> i64 {
    let db = offline_console::db::connect(database_url).await.unwrap();
    let stored = history_store::connection(&db).await.unwrap().unwrap();
    db.close().await;
    stored.generation
}

#[tokio::test]
async fn history_killed_between_refresh_and_use_keeps_a_working_token() {
    let port = free_port();
    let sim = spawn_sim(&format!("http://127.0.0.1:{port}")).await;
    let sim_url = sim.base_url().to_owned();
    // Rotation on, reuse 0: only the newest refresh token works.
    let rotated = reqwest::Client::new()
        .put(format!("{sim_url}/admin/realms/master"))
        .bearer_auth(keycloak_admin_token_at(&sim_url).await)
        .json(&json!({"revokeRefreshToken": true, "refreshTokenMaxReuse": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 204);
    let dir = tempfile::tempdir().unwrap();
    let console = Console::start(port, &sim_url, &database(&dir)).await;
    let http = browser();
    let authorize = begin_login_to(&console, &http, "master").await;
    let signed_in = finish_login(&sim_url, &http, &authorize, "admin").await;
    assert_eq!(signed_in.status(), 303);

    // Connect history: Keycloak's SSO session answers the authorization at once.
    let connect = http
        .post(format!("{}/history/connect", console.url))
        .header("origin", &console.url)
        .form(&[("next", "/admin/master")])
        .send()
        .await
        .unwrap();
    let landed = follow(&console, &http, connect).await;
    assert_eq!(landed.status(), 200, "back on the overview");
    let (status, first) = call(&console, &http, "snapshot_history", &[]).await;
    assert_eq!(status, 200, "{first}");
    let generation = history_generation(&console.database_url).await;

    // The next snapshot refreshes, stores the new token, then hangs on its
    // first admin call: the process is killed right there.
    sim_post(
        &sim_url,
        "/_sim/faults",
        json!({"pathPrefix": "/admin/realms", "latencyMs": 60_000}),
    )
    .await;
    let hanging = {
        let (http, url) = (http.clone(), console.url.clone());
        tokio::spawn(async move {
            http.post(format!("{url}/api/snapshot_history"))
                .header("origin", &url)
                .send()
                .await
        })
    };
    let mut stored = generation;
    for _ in 0..600 {
        stored = history_generation(&console.database_url).await;
        if stored > generation {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        stored,
        generation + 1,
        "the refreshed token was stored before use"
    );
    let console = console.restart().await;
    assert!(
        hanging.await.unwrap().is_err(),
        "the killed console never answered"
    );
    let cleared = reqwest::Client::new()
        .delete(format!("{sim_url}/_sim/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);

    // The stored token is the one Keycloak accepts: the next snapshot works
    // and rotates again; the browser's own sign-in survived the kill too.
    let (status, after) = call(&console, &http, "snapshot_history", &[]).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(
        history_generation(&console.database_url).await,
        generation + 2
    );
    let (status, history) = call(&console, &http, "history_status", &[]).await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(history["connection"]["username"], "admin", "{history}");
    assert_eq!(
        history["connection"]["disconnected"],
        Value::Null,
        "still connected"
    );
    assert_eq!(history["last_run"]["succeeded"], true, "{history}");
}
