//! Account REST API (Keycloak's `AccountRestService`): applications, consents, sessions and
//! devices, with the audience and account-role checks.

use crate::support::*;
use keycloak_sim::{RealmSource, RunningSim, SimOptions};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The demo realms plus user `viewer` holding only the `account` role `view-profile`.
async fn start_with_viewer() -> RunningSim {
    let [master, mut demo]: [Value; 2] = keycloak_sim::demo_realms()
        .try_into()
        .expect("two demo realms");
    demo["users"].as_array_mut().unwrap().push(json!({
        "username": "viewer",
        "enabled": true,
        "credentials": [{ "type": "password", "value": "viewer" }],
        "clientRoles": { "account": ["view-profile"] },
    }));
    keycloak_sim::start(SimOptions {
        port: 0,
        imports: vec![RealmSource::Json(master), RealmSource::Json(demo)],
        data_dir: None,
        sim_api: true,
    })
    .await
    .unwrap()
}

fn account(path: &str) -> String {
    format!("/realms/demo/account{path}")
}

#[tokio::test]
async fn applications_list_clients_in_use_offline_and_consented() {
    let sim = start().await;
    consent_login(&sim, "alice").await;
    offline_login(&sim, "alice").await;
    let alice = demo_token(&sim, "alice").await;
    let (status, body) = get(&sim, &account("/applications"), Some(&alice)).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["clientId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["admin-cli", "backup-service", "photo-print"]);
    assert_eq!(
        body[0],
        json!({ "clientId": "admin-cli", "clientName": "Admin CLI", "userConsentRequired": false, "inUse": true, "offlineAccess": false })
    );
    assert_eq!(
        body[1],
        json!({ "clientId": "backup-service", "clientName": "Nightly backup", "userConsentRequired": false, "inUse": false, "offlineAccess": true })
    );
    let photo_print = &body[2];
    assert_eq!(photo_print["userConsentRequired"], true);
    assert_eq!(photo_print["offlineAccess"], true);
    let consent = &photo_print["consent"];
    let names: Vec<&str> = consent["grantedScopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "${profileScopeConsentText}",
            "${emailScopeConsentText}",
            "${rolesScopeConsentText}",
            "${offlineAccessScopeConsentText}"
        ]
    );
    assert_eq!(consent["grantedScopes"][3]["displayText"], "Offline Access");
    assert!(
        consent["createdDate"].as_i64().unwrap() > 1_000_000_000_000,
        "epoch ms"
    );

    let (_, filtered) = get(&sim, &account("/applications?name=PHOTO"), Some(&alice)).await;
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    assert_eq!(filtered[0]["clientId"], "photo-print");
    let (status, versioned) = get(&sim, "/realms/demo/account/v1/applications", Some(&alice)).await;
    assert_eq!((status, versioned), (StatusCode::OK, body));
}

#[tokio::test]
async fn consent_of_one_application_get_and_delete() {
    let sim = start().await;
    let photo = consent_login(&sim, "alice").await;
    let alice = demo_token(&sim, "alice").await;
    let (status, consent) = get(
        &sim,
        &account("/applications/photo-print/consent"),
        Some(&alice),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(consent["grantedScopes"].as_array().unwrap().len(), 4);
    assert_eq!(consent["grantedScopes"][0]["displayText"], "User profile");
    assert_eq!(consent["createdDate"], consent["lastUpdatedDate"]);
    assert_eq!(
        get(
            &sim,
            &account("/applications/backup-service/consent"),
            Some(&alice)
        )
        .await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    let missing = (
        StatusCode::NOT_FOUND,
        json!({ "errorMessage": "No client with clientId: nope found." }),
    );
    assert_eq!(
        get(&sim, &account("/applications/nope/consent"), Some(&alice)).await,
        missing
    );
    assert_eq!(
        call(
            &sim,
            Method::DELETE,
            &account("/applications/nope/consent"),
            Some(&alice),
            None
        )
        .await,
        missing
    );

    let revoke = account("/applications/photo-print/consent");
    assert_eq!(
        call(&sim, Method::DELETE, &revoke, Some(&alice), None).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        get(&sim, &revoke, Some(&alice)).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        refresh_photo_print(&sim, photo["refresh_token"].as_str().unwrap()).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_grant", "error_description": "Offline user session not found" })
        )
    );
    // Nothing left to revoke: still 204 (unlike the admin endpoint).
    assert_eq!(
        call(&sim, Method::DELETE, &revoke, Some(&alice), None).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
}

#[tokio::test]
async fn sessions_and_devices_list_regular_sessions_in_seconds() {
    let sim = start().await;
    offline_login(&sim, "alice").await;
    let alice = demo_token(&sim, "alice").await;
    let sid = oidc::claims(&alice)["sid"].as_str().unwrap().to_owned();
    let now = clock_now(&sim).await;
    let (status, sessions) = get(&sim, &account("/sessions"), Some(&alice)).await;
    assert_eq!(status, StatusCode::OK);
    let started = sessions[0]["started"].as_i64().unwrap();
    assert!((now - started).abs() < 5, "epoch seconds");
    assert_eq!(
        sessions,
        json!([{
            "id": sid,
            "ipAddress": "127.0.0.1",
            "started": started,
            "lastAccess": started,
            "expires": started + 36000,
            "browser": "Other/Unknown",
            "current": true,
            "clients": [{ "clientId": "admin-cli", "clientName": "Admin CLI", "userConsentRequired": false, "inUse": false, "offlineAccess": false }],
        }])
    );
    let (status, devices) = get(&sim, &account("/sessions/devices"), Some(&alice)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        devices,
        json!([{
            "os": "Other",
            "osVersion": "Unknown",
            "device": "Other",
            "lastAccess": started,
            "current": true,
            "mobile": false,
            "sessions": sessions,
        }])
    );
}

#[tokio::test]
async fn account_roles_audience_and_realm_are_checked() {
    let sim = start_with_viewer().await;
    let viewer = demo_token(&sim, "viewer").await;
    assert_eq!(
        get(&sim, &account("/applications"), Some(&viewer)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        get(
            &sim,
            &account("/applications/photo-print/consent"),
            Some(&viewer)
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        call(
            &sim,
            Method::DELETE,
            &account("/applications/photo-print/consent"),
            Some(&viewer),
            None
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        get(&sim, &account("/sessions"), Some(&viewer)).await.0,
        StatusCode::OK
    );

    assert_eq!(
        get(&sim, &account("/applications"), None).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    let master_admin = master_admin(&sim).await;
    assert_eq!(
        get(&sim, &account("/sessions"), Some(&master_admin)).await,
        (StatusCode::UNAUTHORIZED, unauthorized()),
        "token of another realm"
    );
    let service = service_account_token(&sim).await;
    assert_eq!(
        get(&sim, &account("/sessions"), Some(&service)).await,
        (StatusCode::UNAUTHORIZED, unauthorized()),
        "service account"
    );
    assert_eq!(
        get(&sim, "/realms/nowhere/account/sessions", Some(&viewer)).await,
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "Realm does not exist" })
        )
    );
}

/// A `client_credentials` token of `backup-service` (its service account).
async fn service_account_token(sim: &RunningSim) -> String {
    let response = client()
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/token",
            sim.base_url()
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn requests_not_asking_for_json_get_the_account_console() {
    let sim = start().await;
    let alice = demo_token(&sim, "alice").await;
    let response = client()
        .get(format!("{}{}", sim.base_url(), account("/sessions")))
        .bearer_auth(&alice)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Account Management"));
}
