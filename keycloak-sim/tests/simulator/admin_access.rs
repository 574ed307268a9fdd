//! Every admin and account endpoint: 401 without (or with a forged) token, 403 for callers
//! lacking the role (Keycloak's `AdminRoot`, `fgap/*Permissions`, `AccountLoader`).

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// (method, path) of every admin endpoint, with the ids of the demo realm filled in.
async fn admin_endpoints(sim: &keycloak_sim::RunningSim) -> Vec<(Method, String)> {
    let admin = master_admin(sim).await;
    let client = client_uuid(sim, &admin, "backup-service").await;
    let user = user_id(sim, &admin, "alice").await;
    let c = format!("/admin/realms/demo/clients/{client}");
    let u = format!("/admin/realms/demo/users/{user}");
    let session = "/admin/realms/demo/sessions/00000000-0000-4000-8000-000000000000";
    [
        (Method::GET, "/admin/realms".to_owned()),
        (Method::GET, "/admin/realms/demo".into()),
        (Method::PUT, "/admin/realms/demo".into()),
        (Method::GET, "/admin/realms/demo/clients".into()),
        (Method::GET, c.clone()),
        (Method::PUT, c.clone()),
        (Method::GET, format!("{c}/default-client-scopes")),
        (Method::GET, format!("{c}/optional-client-scopes")),
        (Method::GET, format!("{c}/scope-mappings/realm")),
        (Method::GET, format!("{c}/scope-mappings/realm/composite")),
        (Method::GET, format!("{c}/session-count")),
        (Method::GET, format!("{c}/user-sessions")),
        (Method::GET, format!("{c}/offline-session-count")),
        (Method::GET, format!("{c}/offline-sessions")),
        (Method::POST, format!("{c}/push-revocation")),
        (
            Method::GET,
            "/admin/realms/demo/client-session-stats".into(),
        ),
        (Method::GET, "/admin/realms/demo/users".into()),
        (Method::GET, "/admin/realms/demo/users/count".into()),
        (Method::GET, u.clone()),
        (Method::GET, format!("{u}/sessions")),
        (Method::GET, format!("{u}/offline-sessions/{client}")),
        (Method::GET, format!("{u}/consents")),
        (Method::DELETE, format!("{u}/consents/backup-service")),
        (Method::POST, format!("{u}/logout")),
        (Method::GET, format!("{u}/role-mappings/realm")),
        (Method::GET, format!("{u}/role-mappings/realm/composite")),
        (
            Method::GET,
            "/admin/realms/demo/roles/offline_access/users".into(),
        ),
        (Method::DELETE, format!("{session}?isOffline=true")),
        (Method::POST, "/admin/realms/demo/logout-all".into()),
        (Method::POST, "/admin/realms/demo/push-revocation".into()),
    ]
    .into()
}

const ACCOUNT_ENDPOINTS: [(Method, &str); 5] = [
    (Method::GET, "/realms/demo/account/applications"),
    (
        Method::GET,
        "/realms/demo/account/applications/photo-print/consent",
    ),
    (
        Method::DELETE,
        "/realms/demo/account/applications/photo-print/consent",
    ),
    (Method::GET, "/realms/demo/account/sessions"),
    (Method::GET, "/realms/demo/account/sessions/devices"),
];

#[tokio::test]
async fn every_endpoint_answers_401_without_a_valid_token() {
    let sim = start().await;
    let alice = demo_token(&sim, "alice").await;
    // Same claims, signature of another token: forged.
    let forged = {
        let admin = master_admin(&sim).await;
        let parts: Vec<&str> = alice.split('.').collect();
        let signature = admin.rsplit('.').next().unwrap();
        format!("{}.{}.{signature}", parts[0], parts[1])
    };
    let body = json!({});
    let mut endpoints = admin_endpoints(&sim).await;
    endpoints.extend(
        ACCOUNT_ENDPOINTS
            .iter()
            .map(|(m, p)| (m.clone(), p.to_string())),
    );
    for (method, path) in endpoints {
        for token in [None, Some("garbage"), Some(forged.as_str())] {
            let answer = call(&sim, method.clone(), &path, token, Some(&body)).await;
            assert_eq!(
                answer,
                (StatusCode::UNAUTHORIZED, unauthorized()),
                "{method} {path} {token:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_user_without_admin_roles_is_refused_everywhere() {
    let sim = start().await;
    let endpoints = admin_endpoints(&sim).await;
    let alice = demo_token(&sim, "alice").await;
    for (method, path) in endpoints {
        let answer = call(&sim, method.clone(), &path, Some(&alice), Some(&json!({}))).await;
        assert_eq!(
            answer,
            (StatusCode::FORBIDDEN, forbidden()),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn helpdesk_reads_users_and_clients_but_is_refused_the_rest() {
    let sim = start().await;
    let endpoints = admin_endpoints(&sim).await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let allowed_reads = |method: &Method, path: &str| {
        *method == Method::GET
            && !path.ends_with("/client-session-stats")
            && !path.contains("/roles/")
            && path != "/admin/realms"
            && path != "/admin/realms/demo"
    };
    for (method, path) in endpoints {
        let (status, body) = call(
            &sim,
            method.clone(),
            &path,
            Some(&helpdesk),
            Some(&json!({})),
        )
        .await;
        if allowed_reads(&method, &path) {
            assert_eq!(status, StatusCode::OK, "{method} {path}: {body}");
        } else if method == Method::GET && (path == "/admin/realms" || path == "/admin/realms/demo")
        {
            assert_eq!(
                status,
                StatusCode::OK,
                "reduced realm rep for any admin: {path}"
            );
        } else {
            assert_eq!(
                (status, body),
                (StatusCode::FORBIDDEN, forbidden()),
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn an_expired_or_logged_out_token_is_401() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", Some(&admin))
            .await
            .0,
        StatusCode::OK
    );
    // master access tokens live 60 s.
    advance_clock(&sim, 60).await;
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", Some(&admin)).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", Some(&helpdesk))
            .await
            .0,
        StatusCode::OK
    );
    let sid = oidc::claims(&helpdesk)["sid"].as_str().unwrap().to_owned();
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let end_session = format!("/admin/realms/demo/sessions/{sid}");
    assert_eq!(
        call(&sim, Method::DELETE, &end_session, Some(&realmadmin), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", Some(&helpdesk)).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
}
