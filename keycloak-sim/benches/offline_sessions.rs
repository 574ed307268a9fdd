//! Scale benchmark (issue 4 item 3), not a test: seeds 1,000,000 offline sessions for one
//! client, then times `offline-sessions?first=&max=` pages and `offline-session-count` over
//! HTTP through the full admin stack (token check included), and the memory each seeded
//! user with its offline session costs, and the expiry sweep after a clock advance.
//!
//! Run: `cargo bench -p keycloak-sim --bench offline_sessions` (optionally `-- 200000`).

use std::time::{Duration, Instant};

use keycloak_sim::{RealmSource, RunningSim, SimOptions};
use serde_json::{json, Value};

const ROUNDS: usize = 200;

#[tokio::main]
async fn main() {
    let sessions: u64 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(1_000_000);
    let sim = keycloak_sim::start(SimOptions {
        port: 0,
        imports: keycloak_sim::demo_realms()
            .into_iter()
            .map(RealmSource::Json)
            .collect(),
        data_dir: None,
        sim_api: true,
    })
    .await
    .expect("simulator starts");
    let http = reqwest::Client::new();

    let rss_before = resident_bytes();
    let started = Instant::now();
    let seeded: Value = http
        .post(format!("{}/_sim/realms/demo/seed", sim.base_url()))
        .json(
            &json!({ "users": sessions, "prefix": "bench", "offlineClients": ["backup-service"] }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seeding = started.elapsed();
    assert_eq!(seeded, json!({ "created": sessions }));
    let rss_after = resident_bytes();
    println!("seeded {sessions} users with one offline session each in {seeding:.2?}");
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        println!(
            "resident memory: +{} MiB, {} bytes per seeded user + offline session",
            (after - before) / (1024 * 1024),
            (after - before) / sessions
        );
    }

    let token = admin_token(&sim, &http).await;
    let client = backup_service_id(&sim, &http, &token).await;
    let base = format!("{}/admin/realms/demo/clients/{client}", sim.base_url());
    let count_url = format!("{base}/offline-session-count");
    let count: Value = http
        .get(&count_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count, json!({ "count": sessions }));

    report(
        "offline-session-count",
        time(&http, &token, &count_url).await,
    );
    for first in [0, sessions / 2, sessions.saturating_sub(100)] {
        let url = format!("{base}/offline-sessions?first={first}&max=100");
        let page: Value = http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            page.as_array().map(Vec::len),
            Some(100.min(sessions as usize))
        );
        report(
            &format!("offline-sessions?first={first}&max=100"),
            time(&http, &token, &url).await,
        );
    }

    // The first read after the virtual clock moved sweeps the realm for expired sessions.
    http.post(format!("{}/_sim/clock/advance", sim.base_url()))
        .json(&json!({ "seconds": 1 }))
        .send()
        .await
        .unwrap();
    let started = Instant::now();
    let response = http
        .get(&count_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    println!(
        "offline-session-count right after a clock advance (expiry sweep of {sessions} sessions): {:.2?}",
        started.elapsed()
    );
    sim.shutdown().await;
}

/// Latencies of `ROUNDS` sequential requests, sorted.
async fn time(http: &reqwest::Client, token: &str, url: &str) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let response = http.get(url).bearer_auth(token).send().await.unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap();
        samples.push(started.elapsed());
    }
    samples.sort();
    samples
}

fn report(name: &str, samples: Vec<Duration>) {
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "{name}: median {:.2?}, p95 {:.2?}, max {:.2?} ({} requests, HTTP round trip)",
        at(0.5),
        at(0.95),
        at(1.0),
        samples.len()
    );
}

async fn admin_token(sim: &RunningSim, http: &reqwest::Client) -> String {
    let body: Value = http
        .post(format!(
            "{}/realms/master/protocol/openid-connect/token",
            sim.base_url()
        ))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", "admin"),
            ("password", "admin"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn backup_service_id(sim: &RunningSim, http: &reqwest::Client, token: &str) -> String {
    let clients: Value = http
        .get(format!(
            "{}/admin/realms/demo/clients?clientId=backup-service",
            sim.base_url()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    clients[0]["id"].as_str().unwrap().to_owned()
}

/// `VmRSS` of this process (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
