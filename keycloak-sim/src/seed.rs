//! Bulk creation of users with offline sessions (`POST /_sim/realms/{realm}/seed`).
//! Ids come from a recorded seed, so replaying the journal recreates identical data.

use crate::error::ApiError;
use crate::id::IdGen;
use crate::model::{ClientSession, User, UserSession};
use crate::store::Db;
use std::net::{IpAddr, Ipv4Addr};

pub struct SeedSpec<'a> {
    pub realm: &'a str,
    pub users: u64,
    pub prefix: &'a str,
    pub clients: &'a [String],
    pub now: i64,
    pub seed: u64,
}

/// Creates users `<prefix>1`..`<prefix>N` (password = username, the realm default role),
/// each with one offline session holding a client session per listed client.
/// Existing usernames are left alone. Returns how many users were created.
pub fn seed_realm(db: &mut Db, spec: &SeedSpec) -> Result<u64, ApiError> {
    let realm = db
        .realm_mut(spec.realm)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    let mut clients = Vec::new();
    for client_id in spec.clients {
        let client = realm
            .client_by_client_id(client_id)
            .ok_or_else(|| ApiError::not_found("Client not found"))?;
        clients.push(client.id);
    }
    let mut ids = IdGen::from_seed(spec.seed);
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    realm.reserve_users(spec.users as usize);
    let default_role = realm.default_role;
    let mut created = 0;
    for n in 1..=spec.users {
        let username = format!("{}{n}", spec.prefix).to_lowercase();
        let user_id = ids.next_id();
        let session_id = ids.next_id();
        if realm.user_by_username(&username).is_some() {
            continue;
        }
        realm.insert_user(User {
            id: user_id,
            password: Some(username.as_str().into()),
            username: username.into(),
            enabled: true,
            created_timestamp: spec.now * 1000,
            roles: vec![default_role],
            ..User::default()
        });
        if !clients.is_empty() {
            realm.insert_offline_unjournaled(UserSession {
                id: session_id,
                user: user_id,
                started: spec.now,
                last_refresh: spec.now,
                ip: localhost,
                remember_me: false,
                auth_time: None,
                clients: clients
                    .iter()
                    .map(|c| ClientSession::new(*c, spec.now))
                    .collect(),
            });
        }
        created += 1;
    }
    Ok(created)
}
