//! `--data-dir`: users, consents, offline sessions, realm and client settings, keys and the
//! virtual clock survive a restart, including a `kill -9` of the binary.

use crate::support::oidc::*;
use keycloak_sim::{RealmSource, SimOptions};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncBufReadExt, BufReader};

fn fresh_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "keycloak-sim-{name}-{}-{nanos}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Starts on `port` (0 = any); a restart reuses the port, as the issuer includes it.
async fn start_in(dir: &Path, port: u16) -> keycloak_sim::RunningSim {
    keycloak_sim::start(SimOptions {
        port,
        imports: demo_sources(),
        data_dir: Some(dir.to_path_buf()),
        sim_api: true,
    })
    .await
    .unwrap()
}

async fn jwks(sim: &keycloak_sim::RunningSim) -> Value {
    get_json(sim, "/realms/demo/protocol/openid-connect/certs").await
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = fresh_dir("restart");
    let sim = start_in(&dir, 0).await;
    let port: u16 = sim.base_url().rsplit(':').next().unwrap().parse().unwrap();
    let alice = login(&sim, BACKUP, "alice", "offline_access").await;
    let redirect = browser_login(
        &mut Browser::new(),
        &sim,
        &[
            ("client_id", "photo-print"),
            ("redirect_uri", PHOTO_REDIRECT),
            ("response_type", "code"),
            ("scope", "offline_access"),
        ],
        "bob",
    )
    .await;
    let (status, bob) = exchange_code(
        &sim,
        PHOTO,
        &url_param(&redirect, "code").unwrap(),
        PHOTO_REDIRECT,
        None,
    )
    .await;
    assert_eq!(status, 200);
    with_demo(&sim, |realm| {
        realm
            .update_settings(&json!({"offlineSessionIdleTimeout": 1000}))
            .unwrap()
    });
    let carol = user_id(&sim, "carol");
    with_demo(&sim, |realm| {
        realm.user_mut(carol).unwrap().email = Some("carol@new.example".into())
    });
    let backup = client_uuid(&sim, "backup-service");
    with_demo(&sim, |realm| {
        realm.client_mut(backup).unwrap().description = Some("nightly".into())
    });
    let seeded = http()
        .post(format!("{}/_sim/realms/demo/seed", sim.base_url()))
        .json(&json!({"users": 100, "offlineClients": ["backup-service"],
                      "startedAgoSecs": [3600, 864_000], "idleAgoSecs": [0, 3600]}))
        .send()
        .await
        .unwrap();
    assert_eq!(seeded.status(), 200);
    let seeded_times = |sim: &keycloak_sim::RunningSim| {
        let mut times: Vec<(String, i64, i64)> = Vec::new();
        with_demo(sim, |realm| {
            for session in realm.offline().page_for_client(backup, 0, 1000) {
                let user = realm.user(session.user).unwrap().username.to_string();
                times.push((user, session.started, session.last_refresh));
            }
        });
        times.sort();
        times
    };
    let seeded_before = seeded_times(&sim);
    advance_clock(&sim, 500).await;
    let keys_before = jwks(&sim).await;
    let clock_before = sim.state().now();
    sim.shutdown().await;

    let sim = start_in(&dir, port).await;
    assert_eq!(jwks(&sim).await, keys_before);
    assert_eq!(
        seeded_times(&sim),
        seeded_before,
        "seeded ages replayed exactly"
    );
    assert!(
        sim.state().now() >= clock_before,
        "virtual clock offset kept"
    );
    let (status, body) = refresh(&sim, BACKUP, str_of(&alice, "refresh_token")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = refresh(&sim, PHOTO, str_of(&bob, "refresh_token")).await;
    assert_eq!(status, 200, "consent kept: {body}");
    with_demo(&sim, |realm| {
        assert_eq!(realm.settings.offline_session_idle_timeout, 1000);
        assert_eq!(
            realm.client(backup).unwrap().description.as_deref(),
            Some("nightly")
        );
        assert_eq!(realm.offline().count_for_client(backup), 101);
        assert_eq!(
            realm.user(carol).unwrap().email.as_deref(),
            Some("carol@new.example")
        );
    });
    // A changed user keeps its password and roles.
    assert_eq!(
        login(&sim, BACKUP, "carol", "offline_access").await["refresh_expires_in"],
        0
    );
    // The idle timeout set before the restart applies: 500 s passed, 1000 allowed.
    advance_clock(&sim, 1001).await;
    let (status, body) = refresh(&sim, BACKUP, str_of(&alice, "refresh_token")).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error("invalid_grant", "Offline user session not found")
        )
    );
    assert_eq!(
        login(&sim, BACKUP, "user77", "offline_access").await["refresh_expires_in"],
        0
    );
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn in_memory_state_is_gone_after_a_restart() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "offline_access").await;
    sim.shutdown().await;
    let [_, demo] = demo_realm_files();
    let sim = start_with(vec![RealmSource::File(demo)]).await;
    let (status, body) = refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await;
    assert_eq!(
        (status.as_u16(), body),
        (400, oauth_error("invalid_grant", "Invalid refresh token"))
    );
}

struct Binary {
    child: tokio::process::Child,
    base_url: String,
}

async fn spawn_binary(dir: &Path) -> Binary {
    let realms = demo_realm_files();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_keycloak-sim"))
        .args(["--port", "0", "--sim-api", "--data-dir"])
        .arg(dir)
        .arg("--import")
        .arg(&realms[0])
        .arg("--import")
        .arg(&realms[1])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).await.unwrap();
    let base_url = line
        .trim_end()
        .strip_prefix("listening on ")
        .expect("first line")
        .to_string();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{line}");
    assert!(
        base_url["http://127.0.0.1:".len()..].parse::<u16>().is_ok(),
        "{line}"
    );
    Binary { child, base_url }
}

#[tokio::test]
async fn acknowledged_offline_sessions_survive_kill_9() {
    let dir = fresh_dir("kill9");
    let mut first = spawn_binary(&dir).await;
    let login_form = [
        ("grant_type", "password"),
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
        ("username", "alice"),
        ("password", "alice"),
        ("scope", "offline_access"),
    ];
    let token_url = format!(
        "{}/realms/demo/protocol/openid-connect/token",
        first.base_url
    );
    let tokens: Value = http()
        .post(&token_url)
        .form(&login_form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    first.child.start_kill().unwrap();
    first.child.wait().await.unwrap();

    let second = spawn_binary(&dir).await;
    let refreshed = http()
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/token",
            second.base_url
        ))
        .header("host", first.base_url.trim_start_matches("http://"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
            ("refresh_token", str_of(&tokens, "refresh_token")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refreshed.status(),
        200,
        "{}",
        refreshed.text().await.unwrap()
    );
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}
