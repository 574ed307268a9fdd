//! End users' self-service: alice sees the applications holding her consent or
//! offline access and removes one, with the effect checked at keycloak-sim.

use crate::support::*;
use offline_console::audit::store;
use offline_console::model::audit::AuditFilter;
use serde_json::{json, Value};

const PHOTO_PRINT_REDIRECT: &str = "http://127.0.0.1:4000/callback";

fn absolute(app: &TestApp, action: String) -> String {
    if action.starts_with("http") {
        action
    } else {
        format!("{}{action}", app.keycloak_url())
    }
}

/// An offline token of photo-print, got as its users get one: the browser
/// flow through Keycloak's login form and consent screen, then the code exchange.
async fn photo_print_offline_token(app: &TestApp, username: &str) -> String {
    let browser = app.client();
    let mut authorize = url::Url::parse(&format!(
        "{}/realms/demo/protocol/openid-connect/auth",
        app.keycloak_url()
    ))
    .unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("client_id", "photo-print")
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", PHOTO_PRINT_REDIRECT)
        .append_pair("scope", "openid offline_access")
        .append_pair("state", "photo-state");
    // Signed in, Keycloak redirects to its consent step (the OAUTH_GRANT required action).
    let signed_in = submit_login_form(app, &browser, authorize.as_str(), username, username).await;
    assert_eq!(signed_in.status(), 302, "Keycloak asks for consent");
    let consent = browser
        .get(absolute(app, location(&signed_in)))
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), 200);
    let page = consent.text().await.unwrap();
    assert!(page.contains("Photo Print"), "{page}");
    // The consent form has no id: `form_action` falls back to the first form. It posts back
    // the step's code from a hidden input.
    let action = absolute(app, form_action(&page, "consent-form"));
    let marker = "name=\"code\" value=\"";
    let code_at = page.find(marker).expect("the consent step's code") + marker.len();
    let step_code = &page[code_at..code_at + page[code_at..].find('"').unwrap()];
    let granted = browser
        .post(action)
        .form(&[("code", step_code), ("accept", "Yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), 302, "consent given, back to photo-print");
    let back = url::Url::parse(&location(&granted)).unwrap();
    assert!(back.as_str().starts_with(PHOTO_PRINT_REDIRECT), "{back}");
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let tokens: Value = reqwest::Client::new()
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/token",
            app.keycloak_url()
        ))
        .basic_auth("photo-print", Some("photo-print-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", PHOTO_PRINT_REDIRECT),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["token_type"], "Bearer", "{tokens}");
    tokens["refresh_token"].as_str().unwrap().to_owned()
}

async fn my_applications(app: &TestApp, http: &reqwest::Client, realm: &str) -> (u16, Value) {
    call(app, http, "my_applications", &[("realm", realm)]).await
}

fn application<'a>(mine: &'a Value, client_id: &str) -> Option<&'a Value> {
    mine["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["client_id"] == client_id)
}

fn client_ids(mine: &Value) -> Vec<&str> {
    mine["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["client_id"].as_str().unwrap())
        .collect()
}

async fn page(app: &TestApp, http: &reqwest::Client, path: &str) -> (u16, String) {
    // As a browser asks for a page.
    let response = http
        .get(format!("{}{path}", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn refresh_photo_print(app: &TestApp, token: &str) -> (u16, Value) {
    refresh(app, "demo", "photo-print", "photo-print-secret", token).await
}

#[tokio::test]
async fn alice_sees_both_grants_removes_photo_print_and_only_that_stops_working() {
    let app = spawn_app().await;
    let bob_backup = backup_offline_token(&app, "bob").await;
    let bob_photo = photo_print_offline_token(&app, "bob").await;
    let alice_backup = backup_offline_token(&app, "alice").await;
    let alice_photo = photo_print_offline_token(&app, "alice").await;
    let http = signed_in_client(&app, "demo", "alice", "alice").await;

    let (status, mine) = my_applications(&app, &http, "demo").await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["username"], "alice");
    assert_eq!(mine["realm"], "demo");
    assert_eq!(mine["notice"], Value::Null);
    assert_eq!(
        client_ids(&mine),
        ["backup-service", "offline-console", "photo-print"]
    );
    assert_eq!(
        application(&mine, "backup-service").unwrap(),
        &json!({
            "client_id": "backup-service", "name": "Nightly backup", "description": null, "url": null,
            "third_party": false, "in_use": false, "offline_access": true, "consent": null,
            "policy_url": null, "terms_url": null, "this_console": false
        })
    );
    let photo = application(&mine, "photo-print").unwrap();
    assert_eq!(photo["name"], "Photo Print");
    assert_eq!(photo["third_party"], true);
    assert_eq!(photo["offline_access"], true);
    assert_eq!(
        photo["in_use"], false,
        "Keycloak turned the browser session into the offline one at the code exchange"
    );
    assert_eq!(
        photo["consent"]["permissions"],
        json!([
            "Email address",
            "Offline Access",
            "User profile",
            "User roles"
        ]),
        "in alphabetical order, whatever order Keycloak answers in"
    );
    let granted = photo["consent"]["granted_ms"].as_i64().unwrap();
    assert!(
        (granted - mine["now_ms"].as_i64().unwrap()).abs() < 60_000,
        "granted just now: {photo}"
    );
    let console = application(&mine, "offline-console").unwrap();
    assert_eq!(console["this_console"], true);
    assert_eq!(console["in_use"], true);
    assert_eq!(console["offline_access"], false);
    assert_eq!(console["consent"], Value::Null, "nothing to remove");

    // The server-rendered page shows the same without any script.
    let (status, html) = page(&app, &http, "/realms/demo/my-applications").await;
    assert_eq!(status, 200);
    for text in [
        "Photo Print",
        "Nightly backup",
        "Third-party",
        "Internal",
        "can act for you while you are away",
        "Offline Access",
        "action=\"/api/remove_my_access\"",
        "Signed in right now",
        "Offline Console",
    ] {
        assert!(html.contains(text), "{text} missing from the page");
    }
    assert!(!html.contains("No application has access to your account"));

    let (status, body) = call(
        &app,
        &http,
        "remove_my_access",
        &[("realm", "demo"), ("client_id", "photo-print")],
    )
    .await;
    assert_eq!((status, body), (200, json!(null)));

    let (status, body) = refresh_photo_print(&app, &alice_photo).await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("invalid_grant")),
        "{body}"
    );
    let (status, body) = refresh_backup(&app, &alice_backup).await;
    assert_eq!(status, 200, "backup-service keeps working: {body}");
    let (_, mine) = my_applications(&app, &http, "demo").await;
    assert_eq!(client_ids(&mine), ["backup-service", "offline-console"]);

    // bob's consent and offline tokens are untouched.
    let (status, body) = refresh_photo_print(&app, &bob_photo).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = refresh_backup(&app, &bob_backup).await;
    assert_eq!(status, 200, "{body}");

    // Recorded with alice as the actor, attempt then outcome.
    let entries = store::list(
        &app.state.db,
        &AuditFilter::default(),
        &store::Visible::Every,
        0,
        10,
    )
    .await
    .unwrap();
    let trail: Vec<(&str, &str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e.actor.as_str(),
                e.realm.as_str(),
                e.action.as_str(),
                e.outcome.as_str(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            ("alice", "demo", "remove_my_access", "succeeded"),
            ("alice", "demo", "remove_my_access", "attempted"),
        ]
    );
    assert_eq!(
        entries[0].target,
        "own consent and offline tokens for client photo-print"
    );
}

#[tokio::test]
async fn removal_works_without_javascript_and_reports_once() {
    let app = spawn_app().await;
    let alice_photo = photo_print_offline_token(&app, "alice").await;
    let http = signed_in_client(&app, "demo", "alice", "alice").await;
    // What Chromium sends for a form post from a page with `Referrer-Policy: no-referrer`.
    let form_post_from = |site: &'static str, client_id: &'static str| {
        http.post(format!("{}/api/remove_my_access", app.url))
            .header("origin", "null")
            .header("sec-fetch-site", site)
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .form(&[("realm", "demo"), ("client_id", client_id)])
            .send()
    };
    let form_post = |client_id| form_post_from("same-origin", client_id);

    // The same post from another site (or a sandboxed frame) is refused and changes nothing.
    let refused = form_post_from("cross-site", "photo-print").await.unwrap();
    assert_eq!(refused.status(), 403);
    let (status, _) = refresh_photo_print(&app, &alice_photo).await;
    assert_eq!(status, 200);

    let answer = form_post("photo-print").await.unwrap();
    assert_eq!(answer.status(), 302);
    assert_eq!(location(&answer), "/realms/demo/my-applications");
    let (status, body) = refresh_photo_print(&app, &alice_photo).await;
    assert_eq!((status, &body["error"]), (400, &json!("invalid_grant")));
    let (_, html) = page(&app, &http, "/realms/demo/my-applications").await;
    assert!(
        html.contains(
            "Access removed: <strong>photo-print</strong> can no longer use your account."
        ),
        "{html}"
    );
    assert!(html.contains("No application has access to your account."));
    let (_, again) = page(&app, &http, "/realms/demo/my-applications").await;
    assert!(
        !again.contains("Access removed"),
        "the message is shown once"
    );

    let answer = form_post("no-such-app").await.unwrap();
    assert_eq!(answer.status(), 302);
    assert_eq!(location(&answer), "/realms/demo/my-applications");
    let (_, html) = page(&app, &http, "/realms/demo/my-applications").await;
    assert!(
        html.contains("Access was not removed. The application “no-such-app” was not found."),
        "{html}"
    );
}

#[tokio::test]
async fn a_user_without_grants_sees_the_empty_state() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "grace", "grace").await;
    let (status, mine) = my_applications(&app, &http, "demo").await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(
        mine["applications"],
        json!([{
            "client_id": "offline-console", "name": "Offline Console", "description": null, "url": null,
            "third_party": false, "in_use": true, "offline_access": false, "consent": null,
            "policy_url": null, "terms_url": null, "this_console": true
        }])
    );
    let (status, html) = page(&app, &http, "/realms/demo/my-applications").await;
    assert_eq!(status, 200);
    assert!(html.contains("No application has access to your account."));
    assert!(html.contains("Offline Console (this console)"), "{html}");
    assert!(!html.contains("action=\"/api/remove_my_access\""));
}

#[tokio::test]
async fn an_end_user_gets_403_for_admin_pages_and_functions() {
    let app = spawn_app().await;
    backup_offline_token(&app, "bob").await;
    let http = signed_in_client(&app, "demo", "alice", "alice").await;
    for (endpoint, args) in [
        ("overview", vec![("realm", "demo")]),
        (
            "search_users",
            vec![
                ("realm", "demo"),
                ("search", "bob"),
                ("first", "0"),
                ("max", "10"),
            ],
        ),
        (
            "revoke_user_consent",
            vec![
                ("realm", "demo"),
                ("user", "bob"),
                ("client_id", "backup-service"),
            ],
        ),
        (
            "audit_log",
            vec![("filter[actor]", ""), ("first", "0"), ("max", "10")],
        ),
    ] {
        let (status, body) = call(&app, &http, endpoint, &args).await;
        assert_eq!(status, 403, "{endpoint}: {body}");
        assert!(
            body["Forbidden"]
                .as_str()
                .unwrap()
                .contains("realm administrators"),
            "{endpoint}: {body}"
        );
    }
    let (status, html) = page(&app, &http, "/admin/demo/users").await;
    assert_eq!(status, 403);
    assert!(html.contains("You do not have permission"));
}

#[tokio::test]
async fn the_page_needs_a_sign_in_to_that_very_realm() {
    let app = spawn_app().await;
    let anonymous = app.client();
    let (status, body) = my_applications(&app, &anonymous, "demo").await;
    assert_eq!((status, body), (401, json!("NotSignedIn")));
    let (status, html) = page(&app, &anonymous, "/realms/demo/my-applications").await;
    assert_eq!(status, 401);
    assert!(
        html.contains(
            "href=\"/auth/login?realm=demo&amp;next=%2Frealms%2Fdemo%2Fmy-applications\""
        ),
        "{html}"
    );

    let http = signed_in_client(&app, "demo", "alice", "alice").await;
    let (status, body) = my_applications(&app, &http, "master").await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"Forbidden": "You are signed in to the realm “demo”. To see your applications in “master”, sign in to “master”."})
    );
    let (status, body) = call(
        &app,
        &http,
        "remove_my_access",
        &[("realm", "master"), ("client_id", "backup-service")],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = call(
        &app,
        &http,
        "remove_my_access",
        &[("realm", "demo"), ("client_id", "..")],
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"InvalidInput": "The clientId is not a valid name."})
        )
    );
}

#[tokio::test]
async fn me_opens_the_signed_in_realm_or_asks_for_one() {
    let app = spawn_app().await;
    let (status, html) = page(&app, &app.client(), "/me").await;
    assert_eq!(status, 200);
    assert!(html.contains("action=\"/auth/login\""), "{html}");
    assert!(html.contains("name=\"realm\""));
    assert!(html.contains("name=\"next\" value=\"/me\""), "{html}");

    let http = signed_in_client(&app, "demo", "alice", "alice").await;
    let response = http
        .get(format!("{}/me", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/realms/demo/my-applications");
}

/// An administrator describes photo-print in Keycloak; a hostile terms link is dropped.
async fn describe_photo_print(app: &TestApp) {
    let admin = reqwest::Client::new();
    let token: Value = admin
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/token",
            app.keycloak_url()
        ))
        .basic_auth("backup-service", Some("backup-service-secret"))
        .form(&[
            ("grant_type", "password"),
            ("username", "realmadmin"),
            ("password", "realmadmin"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let clients: Value = admin
        .get(format!(
            "{}/admin/realms/demo/clients?clientId=photo-print",
            app.keycloak_url()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = clients[0]["id"].as_str().unwrap();
    let updated = admin
        .put(format!(
            "{}/admin/realms/demo/clients/{id}",
            app.keycloak_url()
        ))
        .bearer_auth(token)
        .json(&json!({
            "description": "Prints your photos and posts them to you.",
            "rootUrl": "https://photo.example",
            "baseUrl": "/home",
            "attributes": {
                "policyUri": "https://photo.example/privacy",
                "tosUri": "ftp://photo.example/terms"
            }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 204);
}

#[tokio::test]
async fn descriptions_and_web_links_are_shown_and_other_links_are_not() {
    let app = spawn_app().await;
    describe_photo_print(&app).await;
    photo_print_offline_token(&app, "alice").await;
    let http = signed_in_client(&app, "demo", "alice", "alice").await;
    let (_, mine) = my_applications(&app, &http, "demo").await;
    let photo = application(&mine, "photo-print").unwrap();
    assert_eq!(
        photo["description"],
        "Prints your photos and posts them to you."
    );
    assert_eq!(photo["url"], "https://photo.example/home");
    assert_eq!(photo["policy_url"], "https://photo.example/privacy");
    assert_eq!(photo["terms_url"], Value::Null, "not a web address");

    let (_, html) = page(&app, &http, "/realms/demo/my-applications").await;
    assert!(html.contains("href=\"https://photo.example/home\""));
    assert!(html.contains("href=\"https://photo.example/privacy\""));
    assert!(!html.contains("ftp://photo.example/terms"));
}
