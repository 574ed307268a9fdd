//! Creating sessions at login and the offline session of an offline grant (Keycloak's
//! `UserSessionManager.createOrUpdateOfflineSession`).

use crate::id::{random_id, Id};
use crate::model::{ClientSession, UserSession};
use crate::store::Realm;
use std::net::IpAddr;

/// A new regular (SSO) session for `user` with a client session for `client`.
/// `auth_time` is set for browser logins only.
pub fn create_session(
    realm: &mut Realm,
    user: Id,
    client: Option<Id>,
    ip: IpAddr,
    now: i64,
    browser: bool,
) -> Id {
    let id = random_id();
    realm.sessions.insert(UserSession {
        id,
        user,
        started: now,
        last_refresh: now,
        ip,
        remember_me: false,
        auth_time: browser.then_some(now),
        clients: client
            .map(|c| ClientSession::new(c, now))
            .into_iter()
            .collect(),
    });
    id
}

/// `createOrUpdateOfflineSession`: the offline session copies the regular one (same id,
/// started/lastRefresh = now) or gains a client session and a lastRefresh bump.
pub fn create_or_update_offline(realm: &mut Realm, session_id: Id, client: Id, now: i64) {
    if realm.offline().get(session_id).is_some() {
        realm.attach_offline_client(session_id, ClientSession::new(client, now));
        if let Some(session) = realm.offline_session_mut(session_id) {
            session.last_refresh = now;
        }
        return;
    }
    let Some(regular) = realm.sessions.get(session_id) else {
        return;
    };
    let offline = UserSession {
        id: session_id,
        user: regular.user,
        started: now,
        last_refresh: now,
        ip: regular.ip,
        remember_me: regular.remember_me,
        auth_time: regular.auth_time,
        clients: vec![ClientSession::new(client, now)],
    };
    realm.put_offline_session(offline);
}
