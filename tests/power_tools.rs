//! Power tools: streamed exports, filter jobs and bulk revocation, against
//! keycloak-sim with a virtual clock.

mod support;

use std::collections::HashSet;

use serde_json::{json, Value};
use support::*;

async fn client_uuid(app: &TestApp, http: &reqwest::Client, client_id: &str) -> String {
    let (status, body) = call(
        app,
        http,
        "search_clients",
        &[
            ("realm", "demo"),
            ("search", client_id),
            ("first", "0"),
            ("max", "10"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == client_id)
        .unwrap_or_else(|| panic!("{client_id} in {body}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn export(
    app: &TestApp,
    http: &reqwest::Client,
    client: &str,
    file: &str,
) -> reqwest::Response {
    http.get(format!("{}/export/demo/clients/{client}/{file}", app.url))
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers()[name].to_str().unwrap()
}

#[tokio::test]
async fn export_streams_100000_sessions_once_each_as_csv_and_json() {
    let app = spawn_app().await;
    seed(&app, "demo", 100_000, "user", &["backup-service"]).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let backup = client_uuid(&app, &http, "backup-service").await;

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
    for prefix in ["=cmd,\"x\"", "+x", "-x", "@x"] {
        seed(&app, "demo", 1, prefix, &["backup-service"]).await;
    }
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let backup = client_uuid(&app, &http, "backup-service").await;

    let csv = export(&app, &http, &backup, "offline-sessions.csv")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.split_terminator("\r\n").count(), 5, "{csv}");
    for cell in [",\"'=cmd,\"\"x\"\"1\",", ",'+x1,", ",'-x1,", ",'@x1,"] {
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
    assert_eq!(names, ["+x1", "-x1", "=cmd,\"x\"1", "@x1"]);
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
