//! Fault injection under `/_sim/faults` (issue 4 item 4).

use crate::support::*;
use keycloak_sim::{RealmSource, SimOptions};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn add_fault(sim: &keycloak_sim::RunningSim, fault: Value) -> String {
    let (status, body) = call(sim, Method::POST, "/_sim/faults", None, Some(&fault)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn faults_are_registered_listed_and_removed() {
    let sim = start().await;
    let first = add_fault(&sim, json!({ "pathPrefix": "/admin/realms/demo/users", "latencyMs": 0, "status": 500, "reset": false, "rate": 1.0 })).await;
    let second = add_fault(&sim, json!({ "pathPrefix": "/realms/demo" })).await;
    assert_eq!(
        get(&sim, "/_sim/faults", None).await,
        (
            StatusCode::OK,
            json!([
                { "id": first, "pathPrefix": "/admin/realms/demo/users", "latencyMs": 0, "status": 500, "reset": false, "rate": 1.0, "hits": 0 },
                { "id": second, "pathPrefix": "/realms/demo", "latencyMs": 0, "reset": false, "rate": 1.0, "hits": 0 },
            ])
        )
    );
    let path = format!("/_sim/faults/{first}");
    assert_eq!(
        call(&sim, Method::DELETE, &path, None, None).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        call(&sim, Method::DELETE, &path, None, None).await,
        (StatusCode::NOT_FOUND, json!({ "error": "Fault not found" }))
    );
    assert_eq!(
        get(&sim, "/_sim/faults", None)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        call(&sim, Method::DELETE, "/_sim/faults", None, None).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        get(&sim, "/_sim/faults", None).await,
        (StatusCode::OK, json!([]))
    );
}

#[tokio::test]
async fn a_status_fault_answers_with_keycloaks_error_body_on_matching_paths_only() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    add_fault(
        &sim,
        json!({ "pathPrefix": "/admin/realms/demo/users", "status": 500 }),
    )
    .await;
    assert_eq!(
        get(&sim, "/admin/realms/demo/users", Some(&admin)).await,
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": "unknown_error", "error_description": "For more on this error consult the server log." })
        )
    );
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", Some(&admin))
            .await
            .0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        get(
            &sim,
            "/admin/realms/demo/clients?clientId=admin-cli",
            Some(&admin)
        )
        .await
        .0,
        StatusCode::OK
    );
    add_fault(
        &sim,
        json!({ "pathPrefix": "/admin/realms/demo/clients", "status": 429 }),
    )
    .await;
    assert_eq!(
        get(&sim, "/admin/realms/demo/clients", Some(&admin)).await,
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "error": "HTTP 429 Too Many Requests" })
        )
    );
}

#[tokio::test]
async fn a_reset_fault_drops_the_connection_without_a_response() {
    let sim = start().await;
    add_fault(
        &sim,
        json!({ "pathPrefix": "/realms/demo/.well-known", "reset": true }),
    )
    .await;
    let result = client()
        .get(format!(
            "{}/realms/demo/.well-known/openid-configuration",
            sim.base_url()
        ))
        .send()
        .await;
    let error = result.expect_err("no response on a reset connection");
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    let (status, _) = get(
        &sim,
        "/realms/master/.well-known/openid-configuration",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "other paths still answer");
}

#[tokio::test]
async fn times_limits_a_fault_to_the_first_requests_and_hits_counts_them() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let id = add_fault(
        &sim,
        json!({ "pathPrefix": "/admin/realms/demo/users", "status": 429, "times": 2 }),
    )
    .await;
    let statuses = [
        get(&sim, "/admin/realms/demo/users", Some(&admin)).await.0,
        get(&sim, "/admin/realms/demo/users", Some(&admin)).await.0,
        get(&sim, "/admin/realms/demo/users", Some(&admin)).await.0,
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::OK
        ]
    );
    assert_eq!(
        get(&sim, "/_sim/faults", None).await.1,
        json!([{ "id": id, "pathPrefix": "/admin/realms/demo/users", "latencyMs": 0, "status": 429, "reset": false, "rate": 1.0, "times": 2, "hits": 2 }])
    );
}

#[tokio::test]
async fn reset_after_applies_the_request_then_drops_the_connection() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let path = "/admin/realms/demo";
    add_fault(
        &sim,
        json!({ "pathPrefix": path, "resetAfter": true, "times": 1 }),
    )
    .await;
    let result = client()
        .put(format!("{}{path}", sim.base_url()))
        .bearer_auth(&admin)
        .json(&json!({ "offlineSessionIdleTimeout": 1234 }))
        .send()
        .await;
    let error = result.expect_err("no response after the change was applied");
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    let (status, realm) = get(&sim, path, Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        realm["offlineSessionIdleTimeout"], 1234,
        "the change was made"
    );
}

#[tokio::test]
async fn malformed_body_keeps_the_status_and_spoils_the_json() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    add_fault(
        &sim,
        json!({ "pathPrefix": "/admin/realms/demo/users/count", "malformedBody": true }),
    )
    .await;
    let response = client()
        .get(format!("{}/admin/realms/demo/users/count", sim.base_url()))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await.unwrap();
    assert_eq!(text, r#"{"id": "trunc"#);
    assert!(serde_json::from_str::<Value>(&text).is_err());
    let (status, _) = get(&sim, "/admin/realms/demo/users", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "other paths are untouched");
}

#[tokio::test]
async fn latency_delays_the_normal_answer() {
    let sim = start().await;
    add_fault(
        &sim,
        json!({ "pathPrefix": "/realms/demo/.well-known", "latencyMs": 300 }),
    )
    .await;
    let started = Instant::now();
    let (status, body) = get(&sim, "/realms/demo/.well-known/openid-configuration", None).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, StatusCode::OK);
    assert!(body["issuer"].as_str().unwrap().ends_with("/realms/demo"));
}

#[tokio::test]
async fn rate_is_the_fraction_of_matching_requests_affected() {
    let sim = start().await;
    let path = "/realms/demo/.well-known/openid-configuration";
    let never = add_fault(
        &sim,
        json!({ "pathPrefix": "/realms/demo", "status": 503, "rate": 0.0 }),
    )
    .await;
    for _ in 0..20 {
        assert_eq!(get(&sim, path, None).await.0, StatusCode::OK);
    }
    call(
        &sim,
        Method::DELETE,
        &format!("/_sim/faults/{never}"),
        None,
        None,
    )
    .await;
    add_fault(
        &sim,
        json!({ "pathPrefix": "/realms/demo", "status": 503, "rate": 0.5 }),
    )
    .await;
    let mut failed = 0;
    for _ in 0..200 {
        if get(&sim, path, None).await.0 == StatusCode::SERVICE_UNAVAILABLE {
            failed += 1;
        }
    }
    // Binomial(200, 0.5): outside 50..=150 with probability below 1e-12.
    assert!((50..=150).contains(&failed), "{failed} of 200 affected");
}

#[tokio::test]
async fn the_controls_are_never_faulted_and_bad_specs_are_refused() {
    let sim = start().await;
    add_fault(&sim, json!({ "pathPrefix": "/", "status": 500 })).await;
    assert_eq!(get(&sim, "/_sim/faults", None).await.0, StatusCode::OK);
    let bad = |fault: Value| {
        let sim = &sim;
        async move { call(sim, Method::POST, "/_sim/faults", None, Some(&fault)).await }
    };
    let message = |text: &str| (StatusCode::BAD_REQUEST, json!({ "errorMessage": text }));
    assert_eq!(
        bad(json!({ "pathPrefix": "admin" })).await,
        message("pathPrefix must start with '/'")
    );
    assert_eq!(
        bad(json!({ "pathPrefix": "/_sim/clock", "status": 500 })).await,
        message("pathPrefix must not target the /_sim/ controls")
    );
    assert_eq!(
        bad(json!({ "pathPrefix": "/x", "status": 200 })).await,
        message("status must be between 400 and 599")
    );
    assert_eq!(
        bad(json!({ "pathPrefix": "/x", "rate": 1.5 })).await,
        message("rate must be between 0.0 and 1.0")
    );
    assert_eq!(
        bad(json!({ "latencyMs": 5 })).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "unknown_error", "error_description": "Cannot parse the JSON" })
        )
    );
}

#[tokio::test]
async fn without_sim_api_the_fault_controls_do_not_exist() {
    let sim = keycloak_sim::start(SimOptions {
        port: 0,
        imports: keycloak_sim::demo_realms()
            .into_iter()
            .map(RealmSource::Json)
            .collect(),
        data_dir: None,
        sim_api: false,
    })
    .await
    .unwrap();
    let not_found = (
        StatusCode::NOT_FOUND,
        json!({ "error": "HTTP 404 Not Found" }),
    );
    assert_eq!(get(&sim, "/_sim/faults", None).await, not_found);
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/_sim/faults",
            None,
            Some(&json!({ "pathPrefix": "/" }))
        )
        .await,
        not_found
    );
}
