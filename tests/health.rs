mod support;

use serde_json::{json, Value};
use support::spawn_app;

#[tokio::test]
async fn healthz_answers_while_the_process_runs() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/healthz", app.url)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn readyz_is_ready_when_database_and_keycloak_answer() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert_eq!(body["checks"]["keycloak"]["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_a_database_failure() {
    let app = spawn_app().await;
    app.state.db.close().await;
    let response = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["checks"]["database"]["status"], "failing");
    assert_eq!(body["checks"]["keycloak"]["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_keycloak_down_and_ready_again_once_it_is_back() {
    let mut app = spawn_app().await;
    app.keycloak.kill().await;
    let response = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert_eq!(
        body["checks"]["keycloak"],
        json!({"status": "failing", "error": "Keycloak did not answer"})
    );

    app.keycloak.start_again().await;
    let response = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn pages_carry_security_headers_and_unknown_paths_are_404() {
    let app = spawn_app().await;
    let home = reqwest::get(&app.url).await.unwrap();
    assert_eq!(home.status(), 200);
    let csp = home.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    assert_eq!(home.headers()["x-content-type-options"], "nosniff");
    assert_eq!(home.headers()["referrer-policy"], "no-referrer");
    let html = home.text().await.unwrap();
    assert!(html.contains("Offline access, under control"));
    // The header's nonce is the one the page's scripts carry.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{nonce}");

    // A data page, here refused for want of a sign-in, gets the page policy too.
    let refused = reqwest::get(format!("{}/admin/demo", app.url))
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let refused_csp = refused.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(refused_csp.contains("script-src 'nonce-"), "{refused_csp}");
    assert_ne!(refused_csp, csp, "every response gets its own nonce");

    let missing = reqwest::get(format!("{}/no/such/page", app.url))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

/// Building a console in the same process (the tests do, and so does an in-process restart)
/// while another renders pages must not stall them: generating the route list once left
/// every resource first polled meanwhile, in any render, pending for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_keep_answering_while_another_console_is_built_in_the_process() {
    use std::time::Duration;
    use support::{get_page, signed_in_client};

    let app = spawn_app().await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let building = tokio::spawn(async {
        for _ in 0..12 {
            drop(spawn_app().await);
        }
    });
    let mut loads = 0;
    while !building.is_finished() {
        let pages = (0..8).map(|_| get_page(&app, &http, "/admin/demo/clients"));
        let answered =
            tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(pages))
                .await
                .expect("every page answers while another console is built");
        for response in answered {
            assert_eq!(response.status(), 200);
            assert!(response.text().await.unwrap().contains("backup-service"));
        }
        loads += 8;
    }
    building.await.unwrap();
    assert!(loads >= 8, "pages were loaded while consoles were built");
}
