//! The realm representation's offline policy fields: defaults, units and partial updates.

use crate::server::TestRealm;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_new_realm_has_keycloaks_offline_defaults_in_seconds() {
    let realm = TestRealm::create("settings", json!({})).await;
    let (status, rep) = realm.admin(Method::GET, "", None).await;
    assert_eq!(status, StatusCode::OK);
    for (field, value) in [
        ("offlineSessionIdleTimeout", json!(2_592_000)),
        ("offlineSessionMaxLifespanEnabled", json!(false)),
        ("offlineSessionMaxLifespan", json!(5_184_000)),
        ("clientOfflineSessionIdleTimeout", json!(0)),
        ("clientOfflineSessionMaxLifespan", json!(0)),
        ("revokeRefreshToken", json!(false)),
        ("refreshTokenMaxReuse", json!(0)),
        ("notBefore", json!(0)),
        ("ssoSessionIdleTimeout", json!(1800)),
        ("ssoSessionMaxLifespan", json!(36000)),
        ("accessTokenLifespan", json!(300)),
    ] {
        assert_eq!(rep[field], value, "{field}");
    }
    realm.delete().await;
}

#[tokio::test]
async fn an_update_changes_only_the_fields_it_names() {
    let realm = TestRealm::create("settings", json!({})).await;
    let (_, before) = realm.admin(Method::GET, "", None).await;
    let (status, _) = realm
        .admin(
            Method::PUT,
            "",
            Some(json!({"offlineSessionIdleTimeout": 86400, "offlineSessionMaxLifespanEnabled": true, "offlineSessionMaxLifespan": 604800})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = realm.admin(Method::GET, "", None).await;
    assert_eq!(after["offlineSessionIdleTimeout"], 86400);
    assert_eq!(after["offlineSessionMaxLifespanEnabled"], true);
    assert_eq!(after["offlineSessionMaxLifespan"], 604800);
    for unchanged in [
        "accessTokenLifespan",
        "ssoSessionIdleTimeout",
        "revokeRefreshToken",
        "realm",
        "id",
        "enabled",
    ] {
        assert_eq!(after[unchanged], before[unchanged], "{unchanged}");
    }
    realm.delete().await;
}

#[tokio::test]
async fn the_client_offline_lifespans_are_kept_as_realm_attributes_once_set() {
    let realm = TestRealm::create("settings", json!({})).await;
    let (_, before) = realm.admin(Method::GET, "", None).await;
    assert_eq!(
        before["attributes"]["clientOfflineSessionIdleTimeout"],
        json!(null)
    );
    assert_eq!(before["attributes"]["cibaInterval"], "5");
    let (status, _) = realm
        .admin(
            Method::PUT,
            "",
            Some(json!({"clientOfflineSessionIdleTimeout": 43200, "clientOfflineSessionMaxLifespan": 0})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = realm.admin(Method::GET, "", None).await;
    assert_eq!(after["clientOfflineSessionIdleTimeout"], 43200);
    assert_eq!(
        after["attributes"]["clientOfflineSessionIdleTimeout"],
        "43200"
    );
    assert_eq!(after["attributes"]["clientOfflineSessionMaxLifespan"], "0");
    let mut others = after["attributes"].as_object().unwrap().clone();
    others.remove("clientOfflineSessionIdleTimeout");
    others.remove("clientOfflineSessionMaxLifespan");
    assert_eq!(&others, before["attributes"].as_object().unwrap());
    realm.delete().await;
}
