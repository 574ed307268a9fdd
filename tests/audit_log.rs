//! The audit log page's filters and the CSV download.

mod support;

use offline_console::audit::Recorder;
use offline_console::auth::oidc::Tokens;
use offline_console::auth::SignedIn;
use serde_json::Value;
use support::*;

/// A successful policy save (2 rows) and a failed revocation (2 rows) by realmadmin.
async fn app_with_history() -> (TestApp, reqwest::Client) {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (status, page) = call(&app, &http, "realm_policy", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{page}");
    let (status, body) =
        save_policy(&app, &http, &[("offline_idle", "15")], &page["settings"]).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = revoke_offline_session(&app, &http, "x", "no-such-session").await;
    assert_eq!(status, 404);
    (app, http)
}

async fn filtered(app: &TestApp, http: &reqwest::Client, filters: &[(&str, &str)]) -> (u16, Value) {
    // The page always sends every filter, empty when unused.
    let mut args: Vec<(String, String)> = ["actor", "action", "realm", "outcome", "from", "to"]
        .iter()
        .map(|k| {
            let value = filters
                .iter()
                .find(|(name, _)| name == k)
                .map_or("", |(_, v)| v);
            (format!("filter[{k}]"), value.to_owned())
        })
        .collect();
    args.push(("first".into(), "0".into()));
    args.push(("max".into(), "50".into()));
    call_owned(app, http, "audit_log", &args).await
}

fn actions(page: &Value) -> Vec<(String, String)> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    offline_console::model::time::format_utc(now)[..10].to_owned()
}

#[tokio::test]
async fn filters_narrow_the_log_and_the_total() {
    let (app, http) = app_with_history().await;
    let (status, all) = filtered(&app, &http, &[]).await;
    assert_eq!((status, &all["total"]), (200, &Value::from(4)), "{all}");

    let (_, failed) = filtered(&app, &http, &[("outcome", "failed")]).await;
    assert_eq!(
        actions(&failed),
        [("revoke_offline_session".to_owned(), "failed".to_owned())]
    );
    assert_eq!(failed["total"], 1);

    let (_, policy) = filtered(&app, &http, &[("action", "update_realm_policy")]).await;
    assert_eq!(
        actions(&policy),
        [
            ("update_realm_policy".to_owned(), "succeeded".to_owned()),
            ("update_realm_policy".to_owned(), "attempted".to_owned())
        ]
    );

    let (_, by_actor) = filtered(&app, &http, &[("actor", "realmadmin"), ("realm", "demo")]).await;
    assert_eq!(by_actor["total"], 4);
    let (_, nobody) = filtered(&app, &http, &[("actor", "someone-else")]).await;
    assert_eq!(nobody["total"], 0);
    let (_, other_realm) = filtered(&app, &http, &[("realm", "master")]).await;
    // A demo administrator sees demo's entries only, whatever realm is asked for.
    assert!(other_realm["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["realm"] == "demo"));

    let day = today();
    let (_, from_today) = filtered(&app, &http, &[("from", &day), ("to", &day)]).await;
    assert_eq!(from_today["total"], 4);
    let (_, before) = filtered(&app, &http, &[("to", "2000-01-01")]).await;
    assert_eq!(before["total"], 0);
    let (_, later) = filtered(&app, &http, &[("from", "2999-01-01")]).await;
    assert_eq!(later["total"], 0);

    let (status, bad) = filtered(&app, &http, &[("from", "last tuesday")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        bad,
        serde_json::json!({ "InvalidInput": "From must be a date such as 2026-11-26." })
    );
}

#[tokio::test]
async fn csv_download_streams_the_filtered_log_with_formulas_neutralised() {
    let (app, http) = app_with_history().await;
    // An entry whose text a spreadsheet would run as formulas.
    let who = SignedIn {
        realm: "demo".into(),
        user_id: "u".into(),
        username: "=HYPERLINK(\"http://evil\")".into(),
        realm_roles: Default::default(),
        client_roles: Default::default(),
        tokens: Tokens {
            access_token: String::new(),
            refresh_token: None,
            id_token: None,
            access_expires_at: 0,
        },
    };
    let recorder = Recorder::begin(&app.state.db, &who, "demo", "+cmd", "@target, -1", None)
        .await
        .unwrap();
    recorder.failed("-2+3".into()).await.unwrap();

    let response = get_page(&app, &http, "/audit.csv?outcome=failed").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"audit-log.csv\""
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,occurred_at,correlation,actor,actor_realm,realm,action,target,outcome,detail,reason"
    );
    assert_eq!(lines.len(), 3, "header and the two failed entries: {text}");
    let planted: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(planted[3], "\"'=HYPERLINK(\"\"http://evil\"\")\"");
    assert_eq!(planted[6], "'+cmd");
    assert!(
        lines[1].contains(",\"'@target, -1\",failed,'-2+3,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",revoke_offline_session,"),
        "{}",
        lines[2]
    );

    let all = get_page(&app, &http, "/audit.csv").await;
    let all = all.text().await.unwrap();
    assert_eq!(all.split("\r\n").filter(|l| !l.is_empty()).count(), 1 + 6);

    let anonymous = app
        .client()
        .get(format!("{}/audit.csv", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let bad = get_page(&app, &http, "/audit.csv?to=soon").await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_log_refuses_updates_and_deletes() {
    let (app, _) = app_with_history().await;
    let update = sqlx::query("UPDATE audit_log SET outcome = 'succeeded'")
        .execute(&app.state.db)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(&app.state.db)
        .await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}
