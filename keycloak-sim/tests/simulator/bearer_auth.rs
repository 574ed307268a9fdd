//! Bearer-token validation for the admin/account APIs (`auth::authenticate`, as Keycloak's
//! `AdminRoot.authenticateRealmAdminRequest` does).

use crate::support::oidc::*;
use keycloak_sim::error::ApiError;
use serde_json::json;

fn authenticate(
    sim: &keycloak_sim::RunningSim,
    headers: &axum::http::HeaderMap,
) -> Result<keycloak_sim::auth::Caller, ApiError> {
    let db = sim.state().read();
    keycloak_sim::auth::authenticate(&db, headers, sim.state().now())
}

#[tokio::test]
async fn management_roles_follow_the_demo_users() {
    let sim = start_demo().await;
    let cases = [
        ("helpdesk", "view-users", true),
        ("helpdesk", "query-users", true),
        ("helpdesk", "view-clients", true),
        ("helpdesk", "manage-users", false),
        ("helpdesk", "view-realm", false),
        ("realmadmin", "manage-users", true),
        ("realmadmin", "manage-realm", true),
        ("alice", "view-users", false),
    ];
    for (user, role, expected) in cases {
        let tokens = login(&sim, BACKUP, user, "").await;
        let caller = authenticate(&sim, &bearer(&sim, &tokens)).unwrap();
        assert_eq!(
            caller.has_management_role("demo", role),
            expected,
            "{user} {role}"
        );
        assert!(
            !caller.has_management_role("master", role),
            "demo tokens do not administer master"
        );
        let has_management_audience = caller.audience.contains(&"realm-management".to_string());
        assert!(caller.audience.contains(&"account".to_string()));
        assert_eq!(
            has_management_audience,
            user != "alice",
            "{user}: {:?}",
            caller.audience
        );
    }
}

#[tokio::test]
async fn invalid_callers_get_401() {
    let sim = start_demo().await;
    let unauthorized = Err::<(), _>(ApiError::unauthorized());
    let tokens = login(&sim, BACKUP, "alice", "").await;
    let headers = bearer(&sim, &tokens);
    assert!(authenticate(&sim, &headers).is_ok());

    let mut missing = headers.clone();
    missing.remove("authorization");
    assert_eq!(authenticate(&sim, &missing).map(|_| ()), unauthorized);
    let mut garbage = headers.clone();
    garbage.insert("authorization", "Bearer abc.def.ghi".parse().unwrap());
    assert_eq!(authenticate(&sim, &garbage).map(|_| ()), unauthorized);
    let refresh_as_bearer = bearer(
        &sim,
        &json!({"access_token": str_of(&tokens, "refresh_token")}),
    );
    assert_eq!(
        authenticate(&sim, &refresh_as_bearer).map(|_| ()),
        unauthorized
    );

    assert!(with_demo(&sim, |realm| realm.delete_session(sid_of(&tokens), false)));
    assert_eq!(
        authenticate(&sim, &headers).map(|_| ()),
        unauthorized,
        "session gone"
    );

    let fresh = login(&sim, BACKUP, "alice", "").await;
    advance_clock(&sim, 301).await;
    assert_eq!(
        authenticate(&sim, &bearer(&sim, &fresh)).map(|_| ()),
        unauthorized,
        "expired"
    );
    assert_eq!(
        ApiError::unauthorized().body(),
        Some(json!({"error": "HTTP 401 Unauthorized"}))
    );
}
