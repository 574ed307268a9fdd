//! Offline-session mutations, session expiry, deletion and logout, not-before values.

use super::Realm;
use crate::id::Id;
use crate::model::{Client, ClientSession, User, UserSession};
use crate::store::sessions::SessionStore;

impl Realm {
    // ---- offline sessions --------------------------------------------------------------

    /// Read access to the offline session store (`count_for_client`, `page_for_client`,
    /// `for_user`, `get`); mutations go through the methods below.
    pub fn offline(&self) -> &SessionStore {
        &self.offline
    }

    pub fn put_offline_session(&mut self, session: UserSession) {
        self.dirty.offline.insert(session.id);
        self.offline.insert(session);
    }

    pub fn offline_session_mut(&mut self, id: Id) -> Option<&mut UserSession> {
        self.dirty.offline.insert(id);
        self.offline.touch(id)
    }

    pub fn attach_offline_client(&mut self, id: Id, client_session: ClientSession) {
        self.dirty.offline.insert(id);
        self.offline.attach_client(id, client_session);
    }

    /// Detaches one client from an offline session, deleting the session when empty.
    pub fn detach_offline_client(&mut self, id: Id, client: Id) -> bool {
        self.dirty.offline.insert(id);
        self.offline.detach_client_and_prune(id, client)
    }

    /// Detaches one client from an offline session, keeping the (possibly empty) session.
    pub fn detach_offline_client_unpruned(&mut self, id: Id, client: Id) -> bool {
        self.dirty.offline.insert(id);
        self.offline.detach_client(id, client)
    }

    pub fn remove_offline_session(&mut self, id: Id) -> Option<UserSession> {
        self.dirty.offline.insert(id);
        self.offline.remove(id)
    }

    /// Bulk insert for the seed path (journaled as one seed event, not per session).
    pub(crate) fn insert_offline_unjournaled(&mut self, session: UserSession) {
        self.offline.insert(session);
    }

    /// Deadline (epoch seconds) after which an offline client session is no longer
    /// active: idle and (when enabled) max lifespan, client overrides applied (as Keycloak's
    /// `SessionExpirationUtils`).
    pub fn offline_deadline(&self, session: &UserSession, client: &Client) -> i64 {
        let settings = &self.settings;
        let mut deadline = session.last_refresh.saturating_add(settings.offline_idle());
        if let Some(max) = settings.offline_max() {
            deadline = deadline.min(session.started.saturating_add(max));
        }
        if let Some(client_session) = session.client(client.id) {
            let idle = client
                .attribute_secs("client.offline.session.idle.timeout")
                .or(Some(settings.client_offline_session_idle_timeout).filter(|v| *v > 0));
            if let Some(idle) = idle {
                deadline = deadline.min(client_session.timestamp.saturating_add(idle));
            }
            if settings.offline_max().is_some() {
                let max = client
                    .attribute_secs("client.offline.session.max.lifespan")
                    .or(Some(settings.client_offline_session_max_lifespan).filter(|v| *v > 0));
                if let Some(max) = max {
                    deadline = deadline.min(client_session.started.saturating_add(max));
                }
            }
        }
        deadline
    }

    /// Whether the offline user session sat unused past the offline idle timeout.
    pub fn offline_session_idle_expired(&self, session: &UserSession, now: i64) -> bool {
        session
            .last_refresh
            .saturating_add(self.settings.offline_idle())
            <= now
    }

    /// Whether the offline user session itself (ignoring client overrides) has expired.
    pub fn offline_session_expired(&self, session: &UserSession, now: i64) -> bool {
        let mut deadline = session
            .last_refresh
            .saturating_add(self.settings.offline_idle());
        if let Some(max) = self.settings.offline_max() {
            deadline = deadline.min(session.started.saturating_add(max));
        }
        deadline <= now
    }

    /// Deadline of a regular (SSO) session.
    pub fn sso_deadline(&self, session: &UserSession) -> i64 {
        let settings = &self.settings;
        (session
            .last_refresh
            .saturating_add(settings.sso_idle(session.remember_me)))
        .min(
            session
                .started
                .saturating_add(settings.sso_max(session.remember_me)),
        )
    }

    /// Deadline of a regular client session (client session idle/max fall back to SSO).
    pub fn client_session_deadline(&self, session: &UserSession, client: &Client) -> i64 {
        let settings = &self.settings;
        let mut deadline = self.sso_deadline(session);
        if let Some(client_session) = session.client(client.id) {
            let idle = client
                .attribute_secs("client.session.idle.timeout")
                .or(Some(settings.client_session_idle_timeout).filter(|v| *v > 0));
            if let Some(idle) = idle {
                deadline = deadline.min(client_session.timestamp.saturating_add(idle));
            }
            let max = client
                .attribute_secs("client.session.max.lifespan")
                .or(Some(settings.client_session_max_lifespan).filter(|v| *v > 0));
            if let Some(max) = max {
                deadline = deadline.min(client_session.started.saturating_add(max));
            }
        }
        deadline
    }

    // ---- session deletion and logout ---------------------------------------------------

    /// `DELETE /sessions/{id}?isOffline=` (Keycloak's `RealmAdminResource.deleteSession`):
    /// `false` ends the regular session only; `true` ends the offline session and the regular
    /// one with the same id.
    /// Returns whether the looked-up session existed.
    pub fn delete_session(&mut self, id: Id, offline: bool) -> bool {
        if offline {
            let existed = self.remove_offline_session(id).is_some();
            if existed {
                self.sessions.remove(id);
            }
            existed
        } else {
            self.sessions.remove(id).is_some()
        }
    }

    /// `POST /users/{id}/logout`: user not-before = now, regular sessions ended,
    /// offline sessions kept (their tokens then fail with `Stale token`, as in Keycloak 26).
    pub fn logout_user(&mut self, user: Id, now: i64) -> bool {
        let Some(found) = self.user_mut(user) else {
            return false;
        };
        found.not_before = now;
        for session in self.sessions.ids_for_user(user) {
            self.sessions.remove(session);
        }
        true
    }

    /// `not-before-policy` of token responses: max of realm, client and user values.
    pub fn not_before_policy(&self, client: &Client, user: &User) -> i64 {
        self.settings
            .not_before
            .max(client.not_before)
            .max(user.not_before)
    }

    /// Combined client/realm not-before of the refresh check (Keycloak's `TokenManager`): client
    /// value if the realm's is 0, realm value if the client's is 0, else the minimum.
    pub fn client_realm_not_before(&self, client: &Client) -> i64 {
        match (self.settings.not_before, client.not_before) {
            (0, c) => c,
            (r, 0) => r,
            (r, c) => r.min(c),
        }
    }

    /// The offline session as the journal records it.
    pub(crate) fn offline_session_for_journal(&self, id: Id) -> Option<&UserSession> {
        self.offline.get(id)
    }

    pub(crate) fn remove_offline_unjournaled(&mut self, id: Id) {
        self.offline.remove(id);
    }
}
