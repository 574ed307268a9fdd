//! Bad input (issue item 8): unknown realm or client, wrong secrets, malformed forms,
//! oversized bodies; every answer has Keycloak's status and body.

use crate::support::oidc::*;
use serde_json::{json, Value};

#[tokio::test]
async fn unknown_realm_is_404_with_keycloaks_body() {
    let sim = start_demo().await;
    for path in [
        "/realms/nowhere/.well-known/openid-configuration",
        "/realms/nowhere/protocol/openid-connect/certs",
    ] {
        let response = http()
            .get(format!("{}{path}", sim.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"error": "Realm does not exist"})
        );
    }
    let (status, body) = token_request(&sim, "nowhere", &[("grant_type", "password")]).await;
    assert_eq!(
        (status.as_u16(), body),
        (404, json!({"error": "Realm does not exist"}))
    );
}

#[tokio::test]
async fn client_authentication_failures_are_401() {
    let sim = start_demo().await;
    let unknown = password_grant(&sim, "demo", ("nobody", Some("x")), "alice", "").await;
    let wrong = password_grant(&sim, "demo", ("backup-service", Some("wrong")), "alice", "").await;
    let missing = password_grant(&sim, "demo", ("backup-service", None), "alice", "").await;
    let message = "Invalid client or Invalid client credentials";
    assert_eq!(
        (unknown.0.as_u16(), unknown.1),
        (401, oauth_error("invalid_client", message))
    );
    assert_eq!(
        (wrong.0.as_u16(), wrong.1),
        (401, oauth_error("unauthorized_client", message))
    );
    assert_eq!(
        (missing.0.as_u16(), missing.1),
        (401, oauth_error("unauthorized_client", message))
    );
}

#[tokio::test]
async fn basic_authentication_is_accepted() {
    let sim = start_demo().await;
    let response = http()
        .post(token_url(&sim, "demo"))
        .basic_auth("backup-service", Some("backup-service-secret"))
        .form(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn malformed_token_requests() {
    let sim = start_demo().await;
    let secret = [
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
    ];
    let cases: Vec<FormCase> = vec![
        (
            secret.to_vec(),
            400,
            oauth_error("invalid_request", "Missing form parameter: grant_type"),
        ),
        (
            [secret.to_vec(), vec![("grant_type", "magic")]].concat(),
            400,
            oauth_error("unsupported_grant_type", "Unsupported grant_type"),
        ),
        (
            [
                secret.to_vec(),
                vec![
                    ("grant_type", "password"),
                    ("username", "alice"),
                    ("password", "alice"),
                    ("x", "1"),
                    ("x", "2"),
                ],
            ]
            .concat(),
            400,
            oauth_error("invalid_request", "duplicated parameter"),
        ),
        (
            [
                secret.to_vec(),
                vec![
                    ("grant_type", "password"),
                    ("username", "alice"),
                    ("password", "bad"),
                ],
            ]
            .concat(),
            400,
            oauth_error("invalid_grant", "Invalid user credentials"),
        ),
        (
            [
                secret.to_vec(),
                vec![
                    ("grant_type", "password"),
                    ("username", "alice"),
                    ("password", "alice"),
                    ("scope", "admin"),
                ],
            ]
            .concat(),
            400,
            oauth_error("invalid_scope", "Invalid scopes: admin"),
        ),
        (
            [secret.to_vec(), vec![("grant_type", "authorization_code")]].concat(),
            400,
            oauth_error("invalid_request", "Missing parameter: code"),
        ),
        (
            [
                secret.to_vec(),
                vec![("grant_type", "authorization_code"), ("code", "forged")],
            ]
            .concat(),
            400,
            oauth_error("invalid_grant", "Code not valid"),
        ),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", "offline-console"),
                ("client_secret", "offline-console-secret"),
                ("username", "alice"),
                ("password", "alice"),
            ],
            400,
            oauth_error(
                "unauthorized_client",
                "Client not allowed for direct access grants",
            ),
        ),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", "photo-print"),
                ("client_secret", "photo-print-secret"),
                ("username", "alice"),
                ("password", "alice"),
            ],
            400,
            oauth_error(
                "unauthorized_client",
                "Client not allowed for direct access grants",
            ),
        ),
    ];
    for (form, status, body) in cases {
        let (got_status, got_body) = token_request(&sim, "demo", &form).await;
        assert_eq!((got_status.as_u16(), got_body), (status, body), "{form:?}");
    }
}

#[tokio::test]
async fn non_form_bodies_do_not_break_the_token_endpoint() {
    let sim = start_demo().await;
    let response = http()
        .post(token_url(&sim, "demo"))
        .header("content-type", "application/json")
        .body(vec![0xff, 0xfe, b'{', b'%', b'z', b'z'])
        .send()
        .await
        .unwrap();
    assert_json_answer(
        response,
        400,
        oauth_error("invalid_request", "Missing form parameter: grant_type"),
    )
    .await;
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused() {
    let sim = start_demo().await;
    let body = format!("grant_type=password&padding={}", "a".repeat(1024 * 1024));
    let response = http()
        .post(token_url(&sim, "demo"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_json_answer(
        response,
        413,
        json!({"error": "HTTP 413 Request Entity Too Large"}),
    )
    .await;
}

#[tokio::test]
async fn client_credentials_needs_a_service_account() {
    let sim = start_demo().await;
    let (status, body) = token_request(
        &sim,
        "demo",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["refresh_expires_in"], 0);
    assert_eq!(
        claims(str_of(&body, "access_token"))["preferred_username"],
        "service-account-backup-service"
    );
    let (status, body) = token_request(
        &sim,
        "demo",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "no-offline-app"),
            ("client_secret", "no-offline-app-secret"),
        ],
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error(
                "unauthorized_client",
                "Client not enabled to retrieve service account"
            )
        )
    );
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let sim = start_demo().await;
    let response = http()
        .get(format!("{}/nothing/here", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_json_answer(response, 404, json!({"error": "HTTP 404 Not Found"})).await;
}

#[tokio::test]
async fn password_grant_refusals() {
    let sim = start_demo_with(|realm| {
        client_json(realm, "photo-print")["directAccessGrantsEnabled"] = json!(true);
    })
    .await;
    let frank = user_id(&sim, "frank");
    with_demo(&sim, |realm| realm.user_mut(frank).unwrap().enabled = false);
    let (status, body) = password_grant(&sim, "demo", BACKUP, "frank", "").await;
    assert_eq!(
        (status.as_u16(), body),
        (400, oauth_error("invalid_grant", "Account disabled"))
    );
    let (status, body) = password_grant(&sim, "demo", PHOTO, "alice", "").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error("invalid_client", "Client requires user consent")
        )
    );
    let (status, body) = password_grant(&sim, "demo", BACKUP, "nobody", "").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error("invalid_grant", "Invalid user credentials")
        )
    );
}

#[tokio::test]
async fn bearer_only_clients_get_no_tokens() {
    let sim = start_demo_with(|realm| {
        realm["clients"].as_array_mut().unwrap().push(json!({
            "clientId": "api", "secret": "api-secret", "bearerOnly": true, "directAccessGrantsEnabled": true
        }));
    })
    .await;
    let (status, body) =
        password_grant(&sim, "demo", ("api", Some("api-secret")), "alice", "").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error("invalid_client", "Bearer-only not allowed")
        )
    );
    let response = http()
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/revoke",
            sim.base_url()
        ))
        .form(&[
            ("client_id", "api"),
            ("client_secret", "api-secret"),
            ("token", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_json_answer(
        response,
        400,
        oauth_error("invalid_client", "Bearer-only not allowed"),
    )
    .await;
}
