//! The realm policy page's server functions, with every effect checked at
//! keycloak-sim: only the policy fields change, concurrent changes are refused,
//! the impact preview matches what really expires, and not-before makes
//! offline tokens stale.

use crate::support::*;
use serde_json::{json, Value};

const POLICY_FIELDS: [&str; 7] = [
    "offlineSessionIdleTimeout",
    "offlineSessionMaxLifespanEnabled",
    "offlineSessionMaxLifespan",
    "clientOfflineSessionIdleTimeout",
    "clientOfflineSessionMaxLifespan",
    "revokeRefreshToken",
    "refreshTokenMaxReuse",
];

async fn realm_json(app: &TestApp) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{}/admin/realms/demo", app.keycloak_url()))
        .bearer_auth(keycloak_admin_token(app).await)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn load(app: &TestApp, http: &reqwest::Client) -> Value {
    let (status, page) = call(app, http, "realm_policy", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{page}");
    page
}

#[tokio::test]
async fn saving_writes_only_the_policy_fields_and_is_audited() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let before = realm_json(&app).await;
    let page = load(&app, &http).await;
    assert_eq!(
        page["settings"],
        json!({
            "offline_session_idle_timeout": 2_592_000,
            "offline_session_max_lifespan_enabled": false,
            "offline_session_max_lifespan": 5_184_000,
            "client_offline_session_idle_timeout": 0,
            "client_offline_session_max_lifespan": 0,
            "revoke_refresh_token": false,
            "refresh_token_max_reuse": 0,
        })
    );
    assert_eq!(page["can_manage"], true);
    assert_eq!(page["not_before"], 0);

    let changes: &[(&str, &str)] = &[
        ("offline_idle", "15"),
        ("offline_max_enabled", "true"),
        ("offline_max", "90"),
        ("client_idle", "12"),
        ("client_idle_unit", "hours"),
        ("revoke_refresh_token", "true"),
        ("max_reuse", "2"),
    ];
    let (status, saved) = save_policy(&app, &http, changes, &page["settings"]).await;
    assert_eq!(status, 200, "{saved}");

    let after = realm_json(&app).await;
    assert_eq!(after["offlineSessionIdleTimeout"], 15 * 86_400);
    assert_eq!(after["offlineSessionMaxLifespanEnabled"], true);
    assert_eq!(after["offlineSessionMaxLifespan"], 90 * 86_400);
    assert_eq!(after["clientOfflineSessionIdleTimeout"], 12 * 3600);
    assert_eq!(after["clientOfflineSessionMaxLifespan"], 0);
    assert_eq!(after["revokeRefreshToken"], true);
    assert_eq!(after["refreshTokenMaxReuse"], 2);
    // Keycloak keeps the client offline lifespans as realm attributes too.
    assert_eq!(
        after["attributes"]["clientOfflineSessionIdleTimeout"],
        "43200"
    );
    assert_eq!(after["attributes"]["clientOfflineSessionMaxLifespan"], "0");
    // Every other field of the realm, and every other attribute, is exactly as it was.
    let without_policy_attributes = |mut realm: Value| {
        for key in [
            "clientOfflineSessionIdleTimeout",
            "clientOfflineSessionMaxLifespan",
        ] {
            realm["attributes"].as_object_mut().unwrap().remove(key);
        }
        realm
    };
    let (before, after) = (
        without_policy_attributes(before),
        without_policy_attributes(after),
    );
    let (before, after) = (before.as_object().unwrap(), after.as_object().unwrap());
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    assert!(
        keys.len() > 20,
        "the realm representation is complete: {keys:?}"
    );
    for key in keys {
        if !POLICY_FIELDS.contains(&key.as_str()) {
            assert_eq!(before.get(key), after.get(key), "{key} changed");
        }
    }

    let log = audit_entries(&app, &http).await;
    assert_eq!(log[0]["outcome"], "succeeded");
    assert_eq!(log[1]["outcome"], "attempted");
    assert_eq!(log[0]["action"], "update_realm_policy");
    assert_eq!(log[0]["actor"], "realmadmin");
    assert_eq!(
        log[0]["target"],
        "session settings of realm demo: Offline session idle 30 days \u{2192} 15 days; \
         Offline session max lifespan limited off \u{2192} on; \
         Offline session max lifespan 60 days \u{2192} 90 days; \
         Client offline session idle not set (realm value) \u{2192} 12 hours; \
         Revoke refresh token off \u{2192} on; Refresh token max reuse 0 \u{2192} 2"
    );
}

#[tokio::test]
async fn a_change_made_meanwhile_is_refused_with_the_new_values() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let page = load(&app, &http).await;
    // Someone else shortens the idle timeout in Keycloak after the page loaded.
    keycloak_put_realm(
        &app,
        "demo",
        json!({ "offlineSessionIdleTimeout": 864_000 }),
    )
    .await;

    let (status, body) =
        save_policy(&app, &http, &[("offline_idle", "20")], &page["settings"]).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["Conflict"],
        "The realm's settings changed since this page was loaded, so nothing was saved. \
         They are now: Offline session idle 10 days; Offline session max lifespan limited off; \
         Offline session max lifespan 60 days; Client offline session idle not set (realm value); \
         Client offline session max not set (realm value); Revoke refresh token off; \
         Refresh token max reuse 0. Reload the page to start from these values."
    );
    assert_eq!(realm_json(&app).await["offlineSessionIdleTimeout"], 864_000);
    assert!(
        audit_entries(&app, &http).await.is_empty(),
        "nothing was attempted"
    );
}

#[tokio::test]
async fn bad_durations_and_unchanged_saves_are_refused_with_messages() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let page = load(&app, &http).await;
    let cases = [
        (
            ("offline_idle", "thirty"),
            "Offline session idle: Use digits only: a whole number such as 30.",
        ),
        (
            ("offline_max", "-5"),
            "Offline session max lifespan: The value cannot be negative.",
        ),
        (
            ("client_idle", "1000000000000"),
            "Client offline session idle: That is too long: at most 3650 days (10 years).",
        ),
        (
            ("client_max", ""),
            "Client offline session max: Enter a value (0 or more).",
        ),
        (
            ("max_reuse", "-1"),
            "Refresh token max reuse: The value cannot be negative.",
        ),
    ];
    for ((field, value), message) in cases {
        let (status, body) = save_policy(&app, &http, &[(field, value)], &page["settings"]).await;
        assert_eq!(status, 400, "{field}={value}: {body}");
        assert_eq!(body, json!({ "InvalidInput": message }));
    }
    let (status, body) = save_policy(&app, &http, &[], &page["settings"]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({ "InvalidInput": "Nothing to save: every value is the same as the realm's current setting." })
    );
    assert_eq!(
        realm_json(&app).await["offlineSessionIdleTimeout"],
        2_592_000
    );
    assert!(audit_entries(&app, &http).await.is_empty());
}

#[tokio::test]
async fn the_preview_counts_exactly_the_sessions_that_end_on_saving() {
    let app = spawn_app().await;
    let token = |user: &'static str| {
        let app = &app;
        async move { backup_offline_token(app, user).await }
    };
    let old = [token("alice").await, token("bob").await];
    advance_clock(&app, 10 * 86_400).await;
    let recent = [token("carol").await, token("dave").await];
    advance_clock(&app, 10 * 86_400).await;
    // Signed in now, so the console knows Keycloak's (virtual) clock.
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let page = load(&app, &http).await;
    let backup = keycloak_client_uuid(&app, "backup-service").await;
    let offline_clients = page["offline_clients"].as_array().unwrap();
    assert!(offline_clients
        .iter()
        .any(|c| c["id"] == backup.as_str() && c["offline"] == 4));

    let changes: &[(&str, &str)] = &[("offline_idle", "15")];
    let (status, impact) = preview_policy(&app, &http, changes, &backup).await;
    assert_eq!(status, 200, "{impact}");
    assert_eq!(
        impact,
        json!({ "client_id": "backup-service", "total": 4, "examined": 4, "expiring": 2, "sampled": false })
    );

    let (status, body) = save_policy(&app, &http, changes, &page["settings"]).await;
    assert_eq!(status, 200, "{body}");
    let mut ended = 0;
    for t in &old {
        let (status, body) = refresh_backup(&app, t).await;
        assert_eq!(status, 400);
        // Keycloak does not load an idle-expired offline session: it is not found.
        assert_eq!(body["error_description"], "Offline user session not found");
        ended += 1;
    }
    for t in &recent {
        let (status, body) = refresh_backup(&app, t).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(impact["expiring"], ended);
}

#[tokio::test]
async fn not_before_makes_existing_offline_tokens_stale_while_sessions_stay_listed() {
    let app = spawn_app().await;
    let alice = backup_offline_token(&app, "alice").await;
    // Not-before counts in whole seconds: later than the token's issue time.
    let_time_pass(&app, on_real(60, 2)).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (status, value) = call(
        &app,
        &http,
        "set_realm_not_before",
        &[("realm", "demo"), ("to_now", "true")],
    )
    .await;
    assert_eq!(status, 200, "{value}");
    let realm = realm_json(&app).await;
    assert_eq!(realm["notBefore"], value);

    let (status, body) = refresh_backup(&app, &alice).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({ "error": "invalid_grant", "error_description": "Stale token" })
    );
    // The offline session is still there, and counted.
    let backup = keycloak_client_uuid(&app, "backup-service").await;
    let count: Value = reqwest::Client::new()
        .get(format!(
            "{}/admin/realms/demo/clients/{backup}/offline-session-count",
            app.keycloak_url()
        ))
        .bearer_auth(keycloak_admin_token(&app).await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count, json!({ "count": 1 }));
    // Tokens issued before the not-before (the administrator's own, if a second
    // has passed) are refused too, so continue with a fresh sign-in.
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let page = load(&app, &http).await;
    assert_eq!(page["not_before"], value);
    let (status, cleared) = call(
        &app,
        &http,
        "set_realm_not_before",
        &[("realm", "demo"), ("to_now", "false")],
    )
    .await;
    assert_eq!((status, cleared), (200, json!(0)));
    assert_eq!(realm_json(&app).await["notBefore"], 0);
    let (status, _) = refresh_backup(&app, &alice).await;
    assert_eq!(status, 200, "cleared: the kept session's token works again");

    let (status, pushed) = call(&app, &http, "push_realm_revocation", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{pushed}");
    assert_eq!(pushed, json!({ "reached": [], "failed": [] }));

    let log = audit_entries(&app, &http).await;
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("push_revocation", "succeeded"),
            ("push_revocation", "attempted"),
            ("clear_not_before", "succeeded"),
            ("clear_not_before", "attempted"),
            ("set_not_before", "succeeded"),
            ("set_not_before", "attempted"),
        ]
    );
    assert_eq!(log[0]["detail"], "reached 0; failed 0");
}

#[tokio::test]
async fn readiness_explains_why_no_offline_app_and_eve_get_no_offline_token() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (status, report) = call(
        &app,
        &http,
        "client_readiness",
        &[("realm", "demo"), ("client_id", "no-offline-app")],
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["subject"], "client no-offline-app");
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 2);
    assert_eq!(checks[0]["label"], "offline_access client scope");
    assert_eq!(checks[0]["passed"], false);
    assert_eq!(
        checks[0]["fix"],
        "In Keycloak: Clients \u{2192} no-offline-app \u{2192} Client scopes \u{2192} Add client scope \u{2192} \
         choose offline_access \u{2192} Add as Optional."
    );
    assert_eq!(checks[1]["passed"], false);
    assert!(checks[1]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("Full scope allowed is off and nothing maps the offline_access role"));

    let (_, ready) = call(
        &app,
        &http,
        "client_readiness",
        &[("realm", "demo"), ("client_id", "backup-service")],
    )
    .await;
    assert!(ready["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["passed"] == true && c["fix"].is_null()));

    let (status, eve) = call(
        &app,
        &http,
        "user_readiness",
        &[("realm", "demo"), ("username", "eve")],
    )
    .await;
    assert_eq!(status, 200, "{eve}");
    assert_eq!(
        eve["checks"][0]["label"],
        "Effective realm role offline_access"
    );
    assert_eq!(eve["checks"][0]["passed"], false);
    assert_eq!(
        eve["checks"][0]["explanation"],
        "eve does not hold the realm role offline_access, directly or through a group or composite role, \
         so Keycloak refuses offline tokens for eve (not_allowed) in every application."
    );
    assert_eq!(
        eve["checks"][0]["fix"],
        "In Keycloak: Users \u{2192} eve \u{2192} Role mapping \u{2192} Assign role \u{2192} offline_access \
         (or default-roles-demo, which includes it)."
    );
    assert_eq!(eve["checks"][1]["passed"], true);
    let (_, alice) = call(
        &app,
        &http,
        "user_readiness",
        &[("realm", "demo"), ("username", "alice")],
    )
    .await;
    assert_eq!(alice["checks"][0]["passed"], true);

    let (status, missing) = call(
        &app,
        &http,
        "user_readiness",
        &[("realm", "demo"), ("username", "nobody")],
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        missing,
        json!({ "NotFound": "The user \u{201c}nobody\u{201d}" })
    );
}

#[tokio::test]
async fn each_client_shows_its_effective_policy_and_inconsistent_overrides() {
    let app = spawn_app().await;
    let token = keycloak_admin_token(&app).await;
    keycloak_put_realm(
        &app,
        "demo",
        json!({ "offlineSessionIdleTimeout": 864_000 }),
    )
    .await;
    for (client_id, idle, max) in [
        ("backup-service", "86400", "3600"),
        ("mobile-app", "99999999", "abc"),
    ] {
        let uuid = keycloak_client_uuid(&app, client_id).await;
        let url = format!("{}/admin/realms/demo/clients/{uuid}", app.keycloak_url());
        let http = reqwest::Client::new();
        let mut rep: Value = http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        rep["attributes"]["client.offline.session.idle.timeout"] = json!(idle);
        rep["attributes"]["client.offline.session.max.lifespan"] = json!(max);
        let put = http
            .put(&url)
            .bearer_auth(&token)
            .json(&rep)
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 204);
    }
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (status, table) = call(&app, &http, "client_policies", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{table}");
    let row = |client_id: &str| {
        table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["client_id"] == client_id)
            .unwrap_or_else(|| panic!("{client_id} in {table}"))
            .clone()
    };
    let backup = row("backup-service");
    assert_eq!(backup["idle_secs"], 86_400);
    assert_eq!(backup["idle_source"], "Client");
    assert_eq!(backup["max_secs"], Value::Null);
    assert_eq!(
        backup["warnings"],
        json!(["Its offline max override (1 hour) is ignored: the realm does not limit offline sessions by age."])
    );
    let mobile = row("mobile-app");
    assert_eq!(mobile["idle_secs"], 864_000);
    assert_eq!(mobile["idle_source"], "Realm");
    assert_eq!(
        mobile["warnings"],
        json!([
            "The attribute client.offline.session.max.lifespan is \u{201c}abc\u{201d}, not a whole number of seconds.",
            "Its offline idle override (99999999 seconds) is longer than the realm's (10 days) and has no effect."
        ])
    );
    let photo = row("photo-print");
    assert_eq!(photo["idle_secs"], 864_000);
    assert_eq!(photo["warnings"], json!([]));
    assert_eq!(table["truncated"], false);
}

#[tokio::test]
async fn a_preview_of_a_very_large_client_says_it_is_a_sample() {
    let app = spawn_app().await;
    seed(&app, "demo", 5_050, "bulk", &["backup-service"]).await;
    advance_clock(&app, 20 * 86_400).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let backup = keycloak_client_uuid(&app, "backup-service").await;
    let (status, impact) = preview_policy(&app, &http, &[("offline_idle", "15")], &backup).await;
    assert_eq!(status, 200, "{impact}");
    assert_eq!(impact["total"], 5_050);
    assert_eq!(impact["sampled"], true);
    // Stopped by the session or the time bound, whichever came first; every
    // examined session is 20 days idle, so each one would end.
    let examined = impact["examined"].as_u64().unwrap();
    assert!(examined > 0 && examined <= 5_000, "{impact}");
    assert_eq!(impact["expiring"], examined);
}

#[tokio::test]
async fn a_policy_saved_here_shows_at_once_in_the_sessions_page_expiry() {
    let app = spawn_app().await;
    backup_offline_token(&app, "alice").await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let backup = keycloak_client_uuid(&app, "backup-service").await;
    let idle_expiry = |page: &Value| {
        let row = &page["rows"][0];
        (row["idle_expires_ms"].as_i64().unwrap() - row["last_access_ms"].as_i64().unwrap()) / 1000
    };
    let (status, before) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(idle_expiry(&before), 30 * 86_400);

    let page = load(&app, &http).await;
    let (status, body) =
        save_policy(&app, &http, &[("offline_idle", "15")], &page["settings"]).await;
    assert_eq!(status, 200, "{body}");

    let (status, after) = offline_sessions_page(&app, &http, &backup, 0, 25).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(idle_expiry(&after), 15 * 86_400);
}
