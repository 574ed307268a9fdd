//! Sign-in over HTTP through keycloak-sim's login form: redirects, cookies,
//! state and PKCE, session cycling, refresh, sign-out.

mod support;

use serde_json::json;
use support::*;

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("oc_session="))
        .map(str::to_owned)
}

#[tokio::test]
async fn a_realm_admin_signs_in_with_code_and_pkce_and_gets_a_new_session_id() {
    let app = spawn_app().await;
    let http = app.client();

    let start = http
        .get(format!(
            "{}/auth/login?realm=demo&next=/admin/demo/users",
            app.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let before = session_cookie(&start).expect("the login flow is kept in a session");
    assert!(before.contains("HttpOnly"), "{before}");
    assert!(before.contains("SameSite=Lax"), "{before}");
    assert!(
        !before.contains("Secure"),
        "plain http public URL: {before}"
    );
    let authorize = url::Url::parse(&location(&start)).unwrap();
    assert_eq!(
        authorize.path(),
        "/realms/demo/protocol/openid-connect/auth"
    );
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], "offline-console");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["redirect_uri"], format!("{}/auth/callback", app.url));
    assert!(query["scope"].split(' ').any(|s| s == "openid"));
    assert!(!query.contains_key("code_verifier"));

    let answer =
        submit_login_form(&app, &http, authorize.as_str(), "realmadmin", "realmadmin").await;
    let callback = location(&answer);
    let done = http.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/admin/demo/users");
    let after = session_cookie(&done).expect("a new session cookie is issued at sign-in");
    assert_ne!(
        before.split(';').next(),
        after.split(';').next(),
        "the session id is cycled at sign-in"
    );

    let (status, body) = call(&app, &http, "viewer", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"username": "realmadmin", "realm": "demo", "is_admin": true})
    );

    // The code cannot be used twice: replaying the callback is refused.
    let replay = http.get(&callback).send().await.unwrap();
    assert_eq!(replay.status(), 400);
}

#[tokio::test]
async fn a_tampered_state_is_refused() {
    let app = spawn_app().await;
    let http = app.client();
    let start = get_page(&app, &http, "/auth/login?realm=demo").await;
    let answer =
        submit_login_form(&app, &http, &location(&start), "realmadmin", "realmadmin").await;
    let mut callback = url::Url::parse(&location(&answer)).unwrap();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "state" {
                (k, format!("{v}x"))
            } else {
                (k, v)
            }
        })
        .collect();
    callback.query_pairs_mut().clear().extend_pairs(pairs);
    let refused = http.get(callback.as_str()).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("Sign-in refused"));
    let (status, body) = call(&app, &http, "viewer", &[]).await;
    assert_eq!((status, body), (200, json!(null)), "not signed in");
}

#[tokio::test]
async fn a_callback_without_a_sign_in_in_progress_is_refused() {
    let app = spawn_app().await;
    let response = app
        .client()
        .get(format!("{}/auth/callback?code=abc&state=def", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("Sign-in expired"));
}

#[tokio::test]
async fn bad_realm_names_and_open_redirects_are_refused() {
    let app = spawn_app().await;
    let http = app.client();
    let unknown = get_page(&app, &http, "/auth/login?realm=no-such-realm").await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("Unknown realm"));

    let dots = get_page(&app, &http, "/auth/login?realm=..").await;
    assert_eq!(dots.status(), 400);

    let evil = http
        .get(format!(
            "{}/auth/login?realm=demo&next=//evil.example/",
            app.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 303);
    let answer = submit_login_form(&app, &http, &location(&evil), "alice", "alice").await;
    let done = http.get(location(&answer)).send().await.unwrap();
    assert_eq!(location(&done), "/", "only same-site paths are followed");
}

#[tokio::test]
async fn the_access_token_is_refreshed_after_it_expires() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (status, _) = call(&app, &http, "overview", &[("realm", "demo")]).await;
    assert_eq!(status, 200);
    // Past the access token's lifespan (300 s in demo) on Keycloak's clock.
    advance_clock(&app, 600).await;
    let (status, body) = call(&app, &http, "overview", &[("realm", "demo")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["realm"], "demo");
}

#[tokio::test]
async fn sign_out_ends_the_console_session_and_keycloaks() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let out = http
        .post(format!("{}/auth/logout", app.url))
        .header("origin", &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let logout = url::Url::parse(&location(&out)).unwrap();
    assert_eq!(logout.path(), "/realms/demo/protocol/openid-connect/logout");
    let query: std::collections::HashMap<_, _> = logout.query_pairs().into_owned().collect();
    assert!(query.contains_key("id_token_hint"));
    assert_eq!(query["post_logout_redirect_uri"], format!("{}/", app.url));
    let (status, body) = call(&app, &http, "viewer", &[]).await;
    assert_eq!((status, body), (200, json!(null)));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let response = http
        .post(format!("{}/api/overview", app.url))
        .header("origin", "https://evil.example")
        .form(&[("realm", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = http
        .post(format!("{}/api/overview", app.url))
        .header("sec-fetch-site", "cross-site")
        .form(&[("realm", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
