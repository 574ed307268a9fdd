//! Offline sessions for the demo: keycloak-sim's seed API (which can date them in the past),
//! or, on a real Keycloak, real grants at its token endpoint.

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;

use super::cohorts::Cohort;
use crate::keycloak::Keycloak;
use crate::model::ids::RealmName;

/// The demo client that may use the password grant (a confidential client, as a real
/// service would be); the demo's other clients sign users in through the browser.
pub const REAL_CLIENT: &str = "backup-service";
const REAL_CLIENT_SECRET: &str = "backup-service-secret";
/// Users are reused: each grant starts another offline session for the same user.
const REAL_USERS: u32 = 20;
const REAL_GRANTS_PER_USER: u32 = 15;
const PARALLEL_GRANTS: usize = 8;

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
}

async fn password_grant(
    keycloak: &Keycloak,
    realm: &str,
    form: &[(&str, &str)],
) -> Result<String, String> {
    let url = keycloak.url(&["realms", realm, "protocol", "openid-connect", "token"]);
    let response = keycloak
        .http()
        .post(url)
        .form(form)
        .send()
        .await
        .map_err(|e| format!("Keycloak did not answer at {}: {e}", keycloak.base_url()))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(format!(
            "the token endpoint of realm {realm} answered {status}: {body}"
        ));
    }
    response
        .json::<TokenAnswer>()
        .await
        .map(|t| t.access_token)
        .map_err(|e| format!("the token endpoint's answer did not parse: {e}"))
}

/// An access token of the master realm's `admin-cli` for the demo's administrator.
pub async fn admin_token(
    keycloak: &Keycloak,
    (username, password): (&str, &str),
) -> Result<String, String> {
    password_grant(
        keycloak,
        "master",
        &[
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", username),
            ("password", password),
        ],
    )
    .await
    .map_err(|e| format!("signing in to the master realm as the demo's {username}: {e}"))
}

/// keycloak-sim started with `--sim-api` answers its clock; a real Keycloak has no such path.
pub async fn is_simulator(keycloak: &Keycloak) -> bool {
    let url = keycloak.url(&["_sim", "clock"]);
    matches!(keycloak.http().get(url).send().await, Ok(r) if r.status().is_success())
}

pub async fn seed_simulated(
    keycloak: &Keycloak,
    token: &str,
    realm: &RealmName,
    cohort: &Cohort,
) -> Result<u64, String> {
    #[derive(Deserialize)]
    struct Created {
        created: u64,
    }
    let url = keycloak.url(&["_sim", "realms", realm.as_str(), "seed"]);
    let response = keycloak
        .http()
        .post(url)
        .bearer_auth(token)
        .json(&json!({
            "users": cohort.users,
            "prefix": cohort.prefix,
            "offlineClients": cohort.clients,
            "startedAgoSecs": cohort.started_ago,
            "idleAgoSecs": cohort.idle_ago,
        }))
        .send()
        .await
        .map_err(|e| format!("keycloak-sim did not answer its seed API: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(format!(
            "keycloak-sim refused the seed of {}: {status} {body}",
            cohort.prefix
        ));
    }
    response
        .json::<Created>()
        .await
        .map(|c| c.created)
        .map_err(|e| format!("keycloak-sim's seed answer did not parse: {e}"))
}

/// Creates the demo's grant users (unless they exist) and has each sign in to the
/// password-grant client with `offline_access` several times. Returns the sessions started.
pub async fn seed_real(keycloak: &Keycloak, token: &str, realm: &RealmName) -> Result<u64, String> {
    let mut fresh = Vec::new();
    for n in 1..=REAL_USERS {
        let username = format!("grant-user{n}");
        if create_user(keycloak, token, realm, &username).await? {
            fresh.push(username);
        }
    }
    let grants = fresh
        .iter()
        .flat_map(|user| std::iter::repeat_n(user.as_str(), REAL_GRANTS_PER_USER as usize));
    let started: Vec<()> = stream::iter(grants)
        .map(|user| async move {
            password_grant(
                keycloak,
                realm.as_str(),
                &[
                    ("grant_type", "password"),
                    ("client_id", REAL_CLIENT),
                    ("client_secret", REAL_CLIENT_SECRET),
                    ("scope", "openid offline_access"),
                    ("username", user),
                    ("password", user),
                ],
            )
            .await
            .map(drop)
        })
        .buffer_unordered(PARALLEL_GRANTS)
        .try_collect()
        .await?;
    Ok(started.len() as u64)
}

/// `true` if created now, `false` if a user of that name already exists.
async fn create_user(
    keycloak: &Keycloak,
    token: &str,
    realm: &RealmName,
    username: &str,
) -> Result<bool, String> {
    let url = keycloak.url(&["admin", "realms", realm.as_str(), "users"]);
    // Names and email are filled so that the user profile asks for nothing before a grant.
    let response = keycloak
        .http()
        .post(url)
        .bearer_auth(token)
        .json(&json!({
            "username": username,
            "enabled": true,
            "email": format!("{username}@example.com"),
            "emailVerified": true,
            "firstName": "Grant",
            "lastName": username,
            "credentials": [{"type": "password", "value": username, "temporary": false}],
        }))
        .send()
        .await
        .map_err(|e| format!("Keycloak did not answer creating {username}: {e}"))?;
    match response.status().as_u16() {
        201 => Ok(true),
        409 => Ok(false),
        status => Err(format!(
            "Keycloak refused to create {username}: {status} {}",
            response.text().await.unwrap_or_default()
        )),
    }
}
