use std::time::Duration;

use crate::support::{
    add_fault, call, clear_faults, get_page, signed_in_client, spawn_app, spawn_app_with_flags,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

/// Raw connections that send part of a request and then nothing more.
async fn stalled_clients(
    app: &crate::support::TestApp,
    count: usize,
    partial: &str,
) -> Vec<TcpStream> {
    let mut clients = Vec::with_capacity(count);
    for _ in 0..count {
        let mut client = TcpStream::connect(app.addr).await.unwrap();
        client.write_all(partial.as_bytes()).await.unwrap();
        clients.push(client);
    }
    clients
}

/// Whatever the console sends before it closes the connection.
async fn until_closed(client: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), client.read_to_end(&mut answer))
        .await
        .expect("the console closes a stalled connection")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn slow_clients_hold_no_request_slot_and_are_cut_off_at_the_client_timeout() {
    let app =
        spawn_app_with_flags(&["--max-concurrent-requests", "2", "--client-timeout", "10s"]).await;
    let origin = &app.url;
    let slow_body = format!(
        "POST /api/viewer HTTP/1.1\r\nhost: {}\r\norigin: {origin}\r\n\
         content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\na",
        app.addr
    );
    let mut slow_bodies = stalled_clients(&app, 16, &slow_body).await;
    let mut slow_headers = stalled_clients(&app, 4, "GET /admin HTTP/1.1\r\nhost: x\r\nx-a").await;

    // Eight times the slots are stalled, and a whole sign-in and a page still go through.
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    let page = get_page(&app, &http, "/admin/demo/clients").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("backup-service"));
    let mut nothing = [0u8; 1];
    for client in slow_bodies.iter_mut().chain(slow_headers.iter_mut()) {
        assert!(
            matches!(client.try_read(&mut nothing), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "the stalled clients were still waiting while the page answered"
        );
    }

    for client in &mut slow_bodies {
        let answer = until_closed(client).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.ends_with("\"TooSlow\""), "{answer}");
    }
    for client in &mut slow_headers {
        assert_eq!(until_closed(client).await, "", "closed without an answer");
    }
}

#[tokio::test]
async fn a_request_larger_than_a_server_function_takes_is_refused_unread() {
    let app = spawn_app().await;
    let http = app.client();
    let post = |body: reqwest::Body| {
        http.post(format!("{}/api/viewer", app.url))
            .header("origin", &app.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let declared = post(reqwest::Body::from(vec![b'a'; 100 * 1024]))
        .await
        .unwrap();
    assert_eq!(declared.status(), 413);
    assert_eq!(declared.json::<Value>().await.unwrap(), json!("TooLarge"));
    // Chunked, with no length announced: refused once the limit is passed.
    let mut chunked = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/viewer HTTP/1.1\r\nhost: {}\r\norigin: {}\r\nconnection: close\r\n\
         transfer-encoding: chunked\r\n\r\n",
        app.addr, app.url
    );
    chunked.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("400\r\n{}\r\n", "a".repeat(1024));
    for _ in 0..100 {
        if chunked.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = chunked.write_all(b"0\r\n\r\n").await;
    let answer = until_closed(&mut chunked).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let fits = post(reqwest::Body::from("")).await.unwrap();
    assert_eq!(fits.status(), 200);
}

#[tokio::test]
async fn readyz_fails_while_every_slot_is_busy_and_a_request_waits_at_most_the_request_timeout() {
    let app =
        spawn_app_with_flags(&["--max-concurrent-requests", "1", "--request-timeout", "2s"]).await;
    let http = signed_in_client(&app, "demo", "realmadmin", "realmadmin").await;
    add_fault(
        &app,
        json!({ "pathPrefix": "/admin/realms/demo/clients", "latencyMs": 6000 }),
    )
    .await;
    let slow = {
        let (app_url, http) = (app.url.clone(), http.clone());
        tokio::spawn(async move {
            http.post(format!("{app_url}/api/search_clients"))
                .header("origin", &app_url)
                .form(&[
                    ("realm", "demo"),
                    ("search", ""),
                    ("first", "0"),
                    ("max", "5"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let busy = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(busy.status(), 503);
    let body: Value = busy.json().await.unwrap();
    assert_eq!(body["checks"]["requests"]["status"], "failing", "{body}");
    assert!(
        body["checks"]["requests"]["error"]
            .as_str()
            .unwrap()
            .starts_with("all 1 request slots have been busy for "),
        "{body}"
    );
    let (status, waited) = call(&app, &http, "viewer", &[]).await;
    assert_eq!((status, waited), (503, json!("Busy")));

    assert_eq!(slow.await.unwrap(), 200, "the slow request itself finishes");
    clear_faults(&app).await;
    let ready = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(ready.status(), 200, "{}", ready.text().await.unwrap());
}
