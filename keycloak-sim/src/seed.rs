//! Bulk creation of users with offline sessions (`POST /_sim/realms/{realm}/seed`).
//! Ids come from a recorded seed, so replaying the journal recreates identical data.

use crate::error::ApiError;
use crate::id::IdGen;
use crate::model::{ClientSession, User, UserSession};
use crate::store::Db;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};

/// How long ago each seeded session started and was last refreshed, each drawn evenly
/// from an inclusive range of seconds; the default (all zero) seeds sessions started now.
/// A session is never refreshed before it started: its idle time is capped at its age.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedAges {
    #[serde(default)]
    pub started_ago_secs: [i64; 2],
    #[serde(default)]
    pub idle_ago_secs: [i64; 2],
}

/// Ten years: older sessions would predate any Keycloak that could have issued them.
pub const MAX_SEED_AGE_SECS: i64 = 10 * 365 * 86_400;

impl SeedAges {
    pub fn is_valid(&self) -> bool {
        [self.started_ago_secs, self.idle_ago_secs]
            .iter()
            .all(|[lo, hi]| 0 <= *lo && lo <= hi && *hi <= MAX_SEED_AGE_SECS)
    }

    /// (started, last refresh) for one session, in epoch seconds.
    fn draw(&self, rng: &mut StdRng, now: i64) -> (i64, i64) {
        let pick = |rng: &mut StdRng, [lo, hi]: [i64; 2]| rng.gen_range(lo..=hi);
        let age = pick(rng, self.started_ago_secs);
        let idle = pick(rng, self.idle_ago_secs).min(age);
        (now - age, now - idle)
    }
}

pub struct SeedSpec<'a> {
    pub realm: &'a str,
    pub users: u64,
    pub prefix: &'a str,
    pub clients: &'a [String],
    pub now: i64,
    pub seed: u64,
    pub ages: SeedAges,
}

/// Creates users `<prefix>1`..`<prefix>N` (password = username, the realm default role),
/// each with one offline session holding a client session per listed client.
/// Existing usernames are left alone. Returns how many users were created.
/// The ages come from their own generator, so seeds with and without ages name the same ids.
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
    let mut ages = StdRng::seed_from_u64(spec.seed.rotate_left(32));
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    realm.reserve_users(spec.users as usize);
    let default_role = realm.default_role;
    let mut created = 0;
    for n in 1..=spec.users {
        let username = format!("{}{n}", spec.prefix).to_lowercase();
        let user_id = ids.next_id();
        let session_id = ids.next_id();
        let (started, last_refresh) = spec.ages.draw(&mut ages, spec.now);
        if realm.user_by_username(&username).is_some() {
            continue;
        }
        realm.insert_user(User {
            id: user_id,
            password: Some(username.as_str().into()),
            username: username.into(),
            enabled: true,
            created_timestamp: started * 1000,
            roles: vec![default_role],
            ..User::default()
        });
        if !clients.is_empty() {
            realm.insert_offline_unjournaled(UserSession {
                id: session_id,
                user: user_id,
                started,
                last_refresh,
                ip: localhost,
                remember_me: false,
                auth_time: None,
                clients: clients
                    .iter()
                    .map(|c| ClientSession {
                        started,
                        timestamp: last_refresh,
                        ..ClientSession::new(*c, started)
                    })
                    .collect(),
            });
        }
        created += 1;
    }
    Ok(created)
}
