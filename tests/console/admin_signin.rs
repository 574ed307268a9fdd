//! Sign-in over HTTP through keycloak-sim's login form: redirects, cookies,
//! state and PKCE, session cycling, refresh, sign-out.

use crate::support::*;
use serde_json::json;

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
    // demo's access tokens last 300 s; 3 s on a real Keycloak, where time is waited for.
    let lifespan = on_real(300, 3);
    keycloak_put_realm(&app, "demo", json!({ "accessTokenLifespan": lifespan })).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (status, _) = call(&app, &http, "overview", &[("realm", "demo")]).await;
    assert_eq!(status, 200);
    let_time_pass(&app, 2 * lifespan).await;
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
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = http
            .post(format!("{}/api/overview", app.url))
            .header(header, value)
            .form(&[("realm", "demo")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{header}: {value}");
    }
}

/// docs/real-keycloak.md's "Using a real Keycloak 26", step by step, in a realm made for it through the admin
/// API: the client and the roles exactly as written there (the guide's words are checked, so
/// the two cannot drift apart), then an administrator and an end user use every page.
#[tokio::test]
async fn the_documented_setup_for_a_real_keycloak_works_step_by_step() {
    use offline_console::auth::client_secrets::{parse_pairs, ClientSecrets};
    let app = spawn_app_with(|config| {
        config.client_secrets = ClientSecrets::new(
            Some(offline_console::config::Secret::new(
                "offline-console-secret",
            )),
            parse_pairs("master=offline-console-master-secret,readme=readme-realm-secret").unwrap(),
        );
    })
    .await;
    let guide = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/real-keycloak.md"
    ))
    .unwrap();
    let section = guide
        .split("## Using a real Keycloak 26")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the guide's section");
    let section = section.split_whitespace().collect::<Vec<_>>().join(" ");
    for written in [
        "create an **OpenID Connect client** `offline-console`",
        "*Client authentication* on (confidential), *Standard flow* on, other flows off, PKCE method `S256`",
        "Valid redirect URIs: `<PUBLIC_URL>/auth/callback`",
        "Valid post logout redirect URIs: `<PUBLIC_URL>/*`",
        "Web origins: `<PUBLIC_URL>`",
        "client roles of `realm-management` in the managed realm",
        "`realm-admin` includes all of them",
        "End users need nothing special",
        "Give the client in each realm a secret of its own and list them for the console as `OIDC_CLIENT_SECRETS=master=…,tenant=…`",
        "Run the console with `KEYCLOAK_URL`, `OIDC_CLIENT_SECRETS` (or `OIDC_CLIENT_SECRET`) and `PUBLIC_URL` set",
    ] {
        assert!(section.contains(written), "docs/real-keycloak.md no longer says: {written}");
    }

    let realm = "readme";
    let admin = KeycloakAdmin::new(&app).await;
    admin.delete(&format!("/admin/realms/{realm}")).await;
    admin
        .post("/admin/realms", json!({ "realm": realm, "enabled": true }))
        .await;
    // Step 1: the client, as written, with a secret of its own (listed for the console below).
    admin
        .post(
            &format!("/admin/realms/{realm}/clients"),
            json!({
                "clientId": "offline-console",
                "protocol": "openid-connect",
                "publicClient": false,
                "secret": "readme-realm-secret",
                "standardFlowEnabled": true,
                "implicitFlowEnabled": false,
                "directAccessGrantsEnabled": false,
                "serviceAccountsEnabled": false,
                "redirectUris": [format!("{}/auth/callback", app.url)],
                "webOrigins": [app.url],
                "attributes": {
                    "pkce.code.challenge.method": "S256",
                    "post.logout.redirect.uris": format!("{}/*", app.url),
                    "oauth2.device.authorization.grant.enabled": "false",
                },
            }),
        )
        .await;
    // Step 2: an administrator with realm-management's realm-admin; step 3: an end user as
    // Keycloak makes one.
    for user in ["keeper", "walker"] {
        admin
            .post(
                &format!("/admin/realms/{realm}/users"),
                json!({
                    "username": user, "enabled": true, "email": format!("{user}@example.test"),
                    "emailVerified": true, "firstName": user, "lastName": "Readme",
                    "credentials": [{ "type": "password", "value": user, "temporary": false }],
                }),
            )
            .await;
    }
    let keeper = keycloak_user_id(&app, realm, "keeper").await;
    let management = admin
        .get(&format!(
            "/admin/realms/{realm}/clients?clientId=realm-management"
        ))
        .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let realm_admin = admin
        .get(&format!(
            "/admin/realms/{realm}/clients/{management}/roles/realm-admin"
        ))
        .await;
    admin
        .post(
            &format!("/admin/realms/{realm}/users/{keeper}/role-mappings/clients/{management}"),
            json!([realm_admin]),
        )
        .await;

    // Step 4 is this console. The administrator uses every page.
    let http = signed_in_client(&app, realm, "keeper", "keeper").await;
    let console = admin
        .get(&format!(
            "/admin/realms/{realm}/clients?clientId=offline-console"
        ))
        .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let walker = keycloak_user_id(&app, realm, "walker").await;
    for (path, shows) in [
        (format!("/admin/{realm}"), "offline-console"),
        (format!("/admin/{realm}/clients"), "offline-console"),
        (
            format!("/admin/{realm}/clients/{console}"),
            "offline-console",
        ),
        (
            format!("/admin/{realm}/clients/{console}/tools"),
            "Find and revoke",
        ),
        (format!("/admin/{realm}/users"), "walker"),
        (format!("/admin/{realm}/users/{walker}"), "walker"),
        (format!("/admin/{realm}/policy"), "Offline session idle"),
        (format!("/admin/{realm}/revocation"), "Not-before"),
        (
            format!("/admin/{realm}/readiness"),
            "Offline-access readiness",
        ),
        ("/audit".into(), "Audit log"),
        ("/admin/history".into(), "History"),
    ] {
        let response = get_page(&app, &http, &path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        let html = response.text().await.unwrap();
        assert!(html.contains(shows), "GET {path} shows {shows}:\n{html}");
        assert!(
            !html.contains("needs "),
            "GET {path} names a missing role:\n{html}"
        );
    }
    let (status, body) = call(
        &app,
        &http,
        "set_realm_not_before",
        &[("realm", realm), ("to_now", "true")],
    )
    .await;
    assert_eq!(status, 200, "manage-realm through realm-admin: {body}");

    // The end user's self-service page lists this console, with nothing to remove.
    let http = signed_in_client(&app, realm, "walker", "walker").await;
    let (status, mine) = call(&app, &http, "my_applications", &[("realm", realm)]).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(
        mine["applications"][0]["client_id"], "offline-console",
        "{mine}"
    );
    assert_eq!(mine["applications"][0]["this_console"], true);
    let page = get_page(&app, &http, &format!("/realms/{realm}/my-applications")).await;
    assert_eq!(page.status(), 200);

    admin.delete(&format!("/admin/realms/{realm}")).await;
}

#[tokio::test]
async fn signed_in_pages_and_answers_are_never_cached_and_assets_may_be() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let page = get_page(&app, &http, "/admin/demo").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let answer = http
        .post(format!("{}/api/viewer", app.url))
        .header("origin", &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    assert_eq!(
        get_page(&app, &http, "/audit.csv").await.headers()["cache-control"],
        "no-store"
    );
    let asset = get_page(&app, &http, "/favicon.svg").await;
    assert_ne!(
        asset
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    assert!(
        page.headers().get("strict-transport-security").is_none(),
        "plain http"
    );
}

#[tokio::test]
async fn on_https_the_cookie_is_host_prefixed_and_transport_security_is_announced() {
    let app = spawn_app_with(|config| {
        config.public_url = url::Url::parse("https://console.example").unwrap();
    })
    .await;
    let start = app
        .client()
        .get(format!("{}/auth/login?realm=demo", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let cookie = start
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-oc_session="))
        .unwrap_or_else(|| panic!("{:?}", start.headers()))
        .to_owned();
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(
        start.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn another_sites_sign_in_link_does_not_replace_the_signed_in_session() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let (_, before) = call(&app, &http, "viewer", &[]).await;
    let lured = http
        .get(format!(
            "{}/auth/login?realm=master&next=/admin/master",
            app.url
        ))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(lured.status(), 200, "no redirect to Keycloak");
    let page = lured.text().await.unwrap();
    assert!(
        page.contains("You are signed in as <strong>realmadmin</strong> (demo)"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/auth/login?realm=master&amp;next=%2Fadmin%2Fmaster\""),
        "{page}"
    );
    let (status, after) = call(&app, &http, "viewer", &[]).await;
    assert_eq!((status, &after), (200, &before), "the same sign-in");

    // Clicked on this site, the link starts the sign-in.
    let chosen = http
        .get(format!(
            "{}/auth/login?realm=master&next=/admin/master",
            app.url
        ))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);
    assert!(location(&chosen).contains("/realms/master/protocol/openid-connect/auth"));
}

#[tokio::test]
async fn each_realm_signs_in_with_its_own_client_secret() {
    use offline_console::auth::client_secrets::ClientSecrets;
    // The shared secret only: it is demo's, and master's client has a secret of its own.
    let app = spawn_app_with(|config| {
        config.client_secrets = ClientSecrets::new(
            Some(offline_console::config::Secret::new(
                "offline-console-secret",
            )),
            Default::default(),
        );
    })
    .await;
    let done = sign_in(&app, &app.client(), "demo", "realmadmin", "realmadmin").await;
    assert_eq!(done.status(), 303, "demo's secret works in demo");
    let refused = sign_in(&app, &app.client(), "master", "admin", "admin").await;
    assert_eq!(refused.status(), 502, "demo's secret is refused by master");
}

#[tokio::test]
async fn a_realm_without_a_client_secret_says_so_at_sign_in() {
    use offline_console::auth::client_secrets::{parse_pairs, ClientSecrets};
    // Master's secret for master, and no secret at all for any other realm.
    let app = spawn_app_with(|config| {
        config.client_secrets = ClientSecrets::new(
            None,
            parse_pairs("master=offline-console-master-secret").unwrap(),
        );
    })
    .await;
    let done = sign_in(&app, &app.client(), "master", "admin", "admin").await;
    assert_eq!(done.status(), 303);
    let unset = app
        .client()
        .get(format!("{}/auth/login?realm=demo", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(unset.status(), 503);
    let page = unset.text().await.unwrap();
    assert!(page.contains("no client secret for this realm"), "{page}");
    assert!(!page.contains("offline-console-master-secret"));
}

#[tokio::test]
async fn sign_out_revokes_the_sign_in_at_keycloak_even_if_the_browser_goes_no_further() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let user = keycloak_user_id(&app, "demo", "realmadmin").await;
    let admin = KeycloakAdmin::new(&app).await;
    let sessions = admin
        .get(&format!("/admin/realms/demo/users/{user}/sessions"))
        .await;
    assert_eq!(sessions.as_array().unwrap().len(), 1, "{sessions}");
    let out = http
        .post(format!("{}/auth/logout", app.url))
        .header("origin", &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    // The redirect to Keycloak's logout page is not followed.
    let sessions = admin
        .get(&format!("/admin/realms/demo/users/{user}/sessions"))
        .await;
    assert_eq!(
        sessions,
        json!([]),
        "Keycloak's session ended with the console's"
    );
}

#[tokio::test]
async fn sign_out_says_plainly_when_keycloak_cannot_end_its_session() {
    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    inject_fault(&app, "/realms/demo/protocol/openid-connect/revoke", 503).await;
    let out = http
        .post(format!("{}/auth/logout", app.url))
        .header("origin", &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 502);
    let page = out.text().await.unwrap();
    assert!(page.contains("Signed out of the console only"), "{page}");
    assert!(page.contains("Keycloak could not be reached"), "{page}");
    clear_faults(&app).await;
    let (status, body) = call(&app, &http, "viewer", &[]).await;
    assert_eq!(
        (status, body),
        (200, json!(null)),
        "the console's session is gone"
    );
}

#[tokio::test]
async fn a_refresh_in_flight_does_not_bring_back_a_session_signed_out_meanwhile() {
    let app = spawn_app().await;
    // Tokens of 2 s: every call renews them (the console renews 30 s ahead).
    keycloak_put_realm(
        &app,
        "demo",
        json!({ "accessTokenLifespan": 2, "revokeRefreshToken": true }),
    )
    .await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let calls = (0..24).map(|_| {
        let (app, http) = (&app, http.clone());
        async move { call(app, &http, "overview", &[("realm", "demo")]).await.0 }
    });
    let logout = async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        http.post(format!("{}/auth/logout", app.url))
            .header("origin", &app.url)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let (statuses, out) = tokio::join!(futures::future::join_all(calls), logout);
    assert_eq!(out, 303);
    assert!(
        statuses.iter().all(|s| [200, 401].contains(s)),
        "{statuses:?}"
    );
    let (status, body) = call(&app, &http, "viewer", &[]).await;
    assert_eq!((status, body), (200, json!(null)), "still signed out");
}

/// What an attacker holding a copy of the database file (and its write-ahead log) gets: no
/// session id a browser could present, no job's copy of one, and no token or piece of one.
#[tokio::test]
async fn a_copy_of_the_database_gives_an_attacker_no_sign_in() {
    use std::os::unix::fs::PermissionsExt;
    use std::str::FromStr;

    let app = spawn_app().await;
    backup_offline_token(&app, "alice").await;
    let http = app.client();
    let done = sign_in(&app, &http, "demo", "realmadmin", "realmadmin").await;
    let cookie = session_cookie(&done).expect("the sign-in sets the session cookie");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let session_id = cookie.trim_start_matches("oc_session=").to_owned();
    let backup = client_uuid(&app, &http, "backup-service").await;

    // A bulk revocation in progress keeps the session it acts through.
    let (status, job) = call(
        &app,
        &http,
        "start_session_filter",
        &[("realm", "demo"), ("client", &backup)],
    )
    .await;
    assert_eq!(status, 200, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    for _ in 0..2400 {
        let (_, job) = call(&app, &http, "session_job_status", &[("id", &id)]).await;
        if job["state"] == "scanned" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    add_fault(
        &app,
        json!({ "pathPrefix": "/admin/realms/demo/sessions/", "latencyMs": 5000 }),
    )
    .await;
    let (status, body) = call(
        &app,
        &http,
        "revoke_session_job_matches",
        &[("id", &id), ("confirmation", "backup-service")],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let stored = {
        use tower_sessions::SessionStore as _;
        let id = tower_sessions::session::Id::from_str(&session_id).unwrap();
        app.state.session_store.load(&id).await.unwrap().unwrap()
    };
    let tokens = &stored.data[offline_console::auth::session::SIGNED_IN_KEY]["tokens"];
    let copy = tempfile::tempdir().unwrap();
    let mut raw = Vec::new();
    for file in app.database_files() {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is private", file.display());
        std::fs::copy(&file, copy.path().join(file.file_name().unwrap())).unwrap();
        raw.extend(std::fs::read(&file).unwrap());
    }
    let mut secrets = vec![session_id.clone()];
    for name in ["access_token", "refresh_token", "id_token"] {
        let jwt = tokens[name].as_str().unwrap();
        // The header segment is the same for every token of the realm.
        let mut parts = jwt.split('.');
        secrets.extend([jwt, parts.nth(1).unwrap(), parts.next().unwrap()].map(str::to_owned));
    }
    for secret in &secrets {
        let found = raw.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found, "the database holds {secret}");
    }

    // Every session id and job owner the copy holds, presented as a cookie.
    let copied = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}/console.db?mode=ro",
        copy.path().display()
    ))
    .await
    .unwrap();
    let mut candidates: Vec<String> = sqlx::query_scalar("SELECT id FROM tower_sessions")
        .fetch_all(&copied)
        .await
        .unwrap();
    assert!(!candidates.is_empty(), "the copy holds the sign-in's row");
    let owners: Vec<String> = sqlx::query_scalar(
        "SELECT owner_session FROM session_jobs WHERE owner_session IS NOT NULL",
    )
    .fetch_all(&copied)
    .await
    .unwrap();
    assert_eq!(owners.len(), 1, "the running job's owner");
    candidates.extend(owners);
    let as_cookie = |value: &str| {
        let app = &app;
        let value = value.to_owned();
        async move {
            app.client()
                .post(format!("{}/api/admin_realms", app.url))
                .header("origin", &app.url)
                .header("cookie", format!("oc_session={value}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(as_cookie(&session_id).await, 200, "the real cookie works");
    for candidate in &candidates {
        assert_eq!(as_cookie(candidate).await, 401, "{candidate} is no sign-in");
    }
    clear_faults(&app).await;
}
