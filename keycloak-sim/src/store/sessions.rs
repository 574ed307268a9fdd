//! A store of user sessions (one instance for regular sessions, one for offline sessions),
//! indexed by id, by user and (ordered, pageable) by client.

use super::client_index::ClientIndex;
use super::id_map::IdMap;
use crate::id::Id;
use crate::model::{ClientSession, UserSession};
use std::collections::HashMap;

#[derive(Default, Debug)]
pub struct SessionStore {
    sessions: IdMap<UserSession>,
    by_user: HashMap<Id, UserSessions>,
    by_client: HashMap<Id, ClientIndex>,
}

impl SessionStore {
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    pub fn get(&self, id: Id) -> Option<&UserSession> {
        self.sessions.get(&id)
    }

    /// Mutable access for timestamps and rotation state; use `attach_client` /
    /// `detach_client` to change which clients a session holds.
    pub fn touch(&mut self, id: Id) -> Option<&mut UserSession> {
        self.sessions.get_mut(&id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &UserSession> {
        self.sessions.values()
    }

    pub fn reserve(&mut self, additional: usize) {
        self.sessions.reserve(additional);
        self.by_user.reserve(additional);
    }

    /// Inserts (or replaces) a session and indexes its client sessions.
    pub fn insert(&mut self, mut session: UserSession) {
        self.remove(session.id);
        for client_session in &mut session.clients {
            client_session.slot = self
                .by_client
                .entry(client_session.client)
                .or_default()
                .push(session.id);
        }
        match self.by_user.get_mut(&session.user) {
            Some(ids) => ids.push(session.id),
            None => {
                self.by_user
                    .insert(session.user, UserSessions::One(session.id));
            }
        }
        self.sessions.insert(session);
    }

    pub fn remove(&mut self, id: Id) -> Option<UserSession> {
        let session = self.sessions.remove(&id)?;
        for client_session in &session.clients {
            self.unindex(client_session.client, client_session.slot, id);
        }
        if let Some(ids) = self.by_user.get_mut(&session.user) {
            if ids.remove(id) {
                self.by_user.remove(&session.user);
            }
        }
        Some(session)
    }

    /// Adds (or replaces) the client session of `client_session.client`.
    pub fn attach_client(&mut self, id: Id, mut client_session: ClientSession) -> bool {
        let client = client_session.client;
        let Some(session) = self.sessions.get_mut(&id) else {
            return false;
        };
        if let Some(existing) = session.client_mut(client) {
            client_session.slot = existing.slot;
            *existing = client_session;
            return true;
        }
        client_session.slot = self.by_client.entry(client).or_default().push(id);
        session.clients.push(client_session);
        true
    }

    /// Removes one client session; returns whether it existed. The user session stays,
    /// even when empty (callers decide, as Keycloak's callers do).
    pub fn detach_client(&mut self, id: Id, client: Id) -> bool {
        let Some(session) = self.sessions.get_mut(&id) else {
            return false;
        };
        let Some(position) = session.clients.iter().position(|c| c.client == client) else {
            return false;
        };
        let removed = session.clients.swap_remove(position);
        self.unindex(client, removed.slot, id);
        true
    }

    /// Detaches the client and deletes the user session if no client remains.
    pub fn detach_client_and_prune(&mut self, id: Id, client: Id) -> bool {
        let detached = self.detach_client(id, client);
        if detached && self.get(id).is_some_and(|s| s.clients.is_empty()) {
            self.remove(id);
        }
        detached
    }

    pub fn count_for_client(&self, client: Id) -> usize {
        self.by_client.get(&client).map_or(0, ClientIndex::len)
    }

    /// Sessions holding `client`, in stable order, `max` from position `first`.
    pub fn page_for_client(&self, client: Id, first: usize, max: usize) -> Vec<&UserSession> {
        self.by_client.get(&client).map_or_else(Vec::new, |index| {
            index
                .page(first, max)
                .into_iter()
                .filter_map(|id| self.sessions.get(&id))
                .collect()
        })
    }

    /// Clients that have at least one session here.
    pub fn clients_with_sessions(&self) -> impl Iterator<Item = (Id, usize)> + '_ {
        self.by_client
            .iter()
            .filter(|(_, index)| !index.is_empty())
            .map(|(client, index)| (*client, index.len()))
    }

    /// Sessions of a user, oldest first.
    pub fn for_user(&self, user: Id) -> Vec<&UserSession> {
        let mut sessions: Vec<&UserSession> = self
            .by_user
            .get(&user)
            .map(UserSessions::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.sessions.get(id))
            .collect();
        sessions.sort_by_key(|s| (s.started, s.id));
        sessions
    }

    pub fn ids_for_user(&self, user: Id) -> Vec<Id> {
        self.by_user
            .get(&user)
            .map(|ids| ids.as_slice().to_vec())
            .unwrap_or_default()
    }

    /// Ids of every session holding `client` (for client deletion and not-before pushes).
    pub fn ids_for_client(&self, client: Id) -> Vec<Id> {
        self.by_client
            .get(&client)
            .map(|index| index.page(0, usize::MAX))
            .unwrap_or_default()
    }

    fn unindex(&mut self, client: Id, slot: u32, id: Id) {
        let Some(index) = self.by_client.get_mut(&client) else {
            return;
        };
        index.remove(slot, id);
        if index.is_empty() {
            self.by_client.remove(&client);
        } else if index.needs_compaction() {
            for (session_id, new_slot) in index.compact() {
                if let Some(cs) = self
                    .sessions
                    .get_mut(&session_id)
                    .and_then(|s| s.client_mut(client))
                {
                    cs.slot = new_slot;
                }
            }
        }
    }
}

/// Session ids of one user; most users have one session, kept inline without allocating.
#[derive(Debug)]
enum UserSessions {
    One(Id),
    Many(Vec<Id>),
}

impl UserSessions {
    fn as_slice(&self) -> &[Id] {
        match self {
            UserSessions::One(id) => std::slice::from_ref(id),
            UserSessions::Many(ids) => ids,
        }
    }

    fn push(&mut self, id: Id) {
        match self {
            UserSessions::One(first) => *self = UserSessions::Many(vec![*first, id]),
            UserSessions::Many(ids) => ids.push(id),
        }
    }

    /// Removes `id`; returns whether none remain.
    fn remove(&mut self, id: Id) -> bool {
        match self {
            UserSessions::One(only) => *only == id,
            UserSessions::Many(ids) => {
                ids.retain(|s| *s != id);
                ids.is_empty()
            }
        }
    }
}
