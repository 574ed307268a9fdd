//! The audit log page's filters and the CSV download.

use std::collections::BTreeSet;

use crate::support::*;
use offline_console::audit::store::{self, Visible};
use offline_console::audit::Recorder;
use offline_console::auth::oidc::Tokens;
use offline_console::auth::SignedIn;
use offline_console::model::audit::AuditFilter;
use serde_json::Value;

/// A successful policy save (2 rows) and a failed revocation (2 rows) by realmadmin.
async fn app_with_history() -> (TestApp, reqwest::Client) {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (status, page) = call(&app, &http, "realm_policy", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{page}");
    let (status, body) =
        save_policy(&app, &http, &[("offline_idle", "15")], &page["settings"]).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) =
        revoke_offline_session(&app, &http, "x", "no-such-user", "no-such-session").await;
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
        renewals: 0,
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
        "id,occurred_at,correlation,actor,actor_realm,realm,action,target,outcome,detail,reason,actor_id"
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
    // Keycloak's id of each actor, which a rename cannot change.
    assert!(lines[1].ends_with(",u"), "{}", lines[1]);
    let realmadmin = keycloak_user_id(&app, "demo", "realmadmin").await;
    assert!(
        lines[2].ends_with(&format!(",{realmadmin}")),
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

#[tokio::test]
async fn someone_signed_out_in_keycloak_loses_the_log_once_their_access_token_expires() {
    let app = spawn_app().await;
    // Access tokens of 3 s: the console renews them by its own clock, which the simulator's
    // does not move, so the time is real on both servers.
    let lifespan = 3;
    keycloak_put_realm(
        &app,
        "demo",
        serde_json::json!({ "accessTokenLifespan": lifespan }),
    )
    .await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    assert_eq!(get_page(&app, &http, "/audit.csv").await.status(), 200);

    let user = keycloak_user_id(&app, "demo", "realmadmin").await;
    KeycloakAdmin::new(&app)
        .await
        .post(
            &format!("/admin/realms/demo/users/{user}/logout"),
            Value::Null,
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(lifespan + 1)).await;

    let csv = get_page(&app, &http, "/audit.csv").await;
    assert_eq!(csv.status(), 401, "{}", csv.text().await.unwrap());
    let (status, _) = filtered(&app, &http, &[]).await;
    assert_eq!(status, 401, "the console's session ended with Keycloak's");
}

#[tokio::test]
async fn a_master_administrator_reads_only_the_entries_of_the_realms_they_administer() {
    let app = spawn_app().await;
    let someone = SignedIn {
        realm: "master".into(),
        user_id: "u".into(),
        username: "someone".into(),
        realm_roles: Default::default(),
        client_roles: Default::default(),
        tokens: Tokens {
            access_token: String::new(),
            refresh_token: None,
            id_token: None,
            access_expires_at: 0,
        },
        renewals: 0,
    };
    for realm in ["demo", "tenant", "gone"] {
        Recorder::begin(
            &app.state.db,
            &someone,
            realm,
            "update_realm_policy",
            realm,
            None,
        )
        .await
        .unwrap()
        .succeeded(None)
        .await
        .unwrap();
    }
    let realms_seen = |visible: Visible| {
        let db = app.state.db.clone();
        async move {
            let entries = store::list(&db, &AuditFilter::default(), &visible, 0, 50)
                .await
                .unwrap();
            let total = store::count(&db, &AuditFilter::default(), &visible)
                .await
                .unwrap();
            let realms: BTreeSet<String> = entries.into_iter().map(|e| e.realm).collect();
            (realms, total)
        }
    };
    let demo_only = SignedIn {
        client_roles: [("demo-realm".to_owned(), ["view-realm".to_owned()].into())].into(),
        ..someone.clone()
    };
    assert_eq!(
        realms_seen(Visible::to(&demo_only)).await,
        (BTreeSet::from(["demo".to_owned()]), 2),
        "demo's entries: the change and its attempt"
    );
    let nobody = SignedIn {
        realm_roles: ["admin".to_owned()].into(),
        realm: "tenant".into(),
        ..someone.clone()
    };
    assert_eq!(
        realms_seen(Visible::to(&nobody)).await.1,
        0,
        "admin is no role outside master"
    );

    // Through the page: the master admin holds every realm's roles, deleted realms' too.
    let admin = signed_in_client(&app, "master", "admin", "admin").await;
    let (status, page) = filtered(&app, &admin, &[("realm", "gone")]).await;
    assert_eq!(
        (status, page["total"].clone()),
        (200, Value::from(2)),
        "{page}"
    );
    let realmadmin = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (_, page) = filtered(&app, &realmadmin, &[("realm", "tenant")]).await;
    assert_eq!(page["total"], 0, "{page}");
    let csv = get_page(&app, &realmadmin, "/audit.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !csv.contains(",tenant,") && !csv.contains(",gone,"),
        "{csv}"
    );
    assert!(csv.contains(",demo,update_realm_policy,"), "{csv}");
}
