//! One realm's data and the queries and mutations admin, account and OIDC handlers use.
//! Mutations of persisted state (users, clients, settings, consents, offline sessions)
//! go through methods that mark the entity dirty, so the journal records them.

use super::dirty::Dirty;
use super::id_map::IdMap;
use super::sessions::SessionStore;
use crate::id::Id;
use crate::keys::RealmKey;
use crate::model::{Client, ClientScope, Consent, RealmSettings, Role, User, UserSession};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub struct Realm {
    pub settings: RealmSettings,
    pub key: Arc<RealmKey>,
    pub(crate) users: IdMap<User>,
    usernames: BTreeMap<Box<str>, Id>,
    pub(crate) clients: HashMap<Id, Client>,
    client_ids: BTreeMap<String, Id>,
    pub(crate) roles: HashMap<Id, Role>,
    realm_roles: BTreeMap<String, Id>,
    pub(crate) scopes: HashMap<Id, ClientScope>,
    scope_names: BTreeMap<String, Id>,
    /// Realm default client scopes given to new clients (default / optional).
    pub default_scopes: Vec<Id>,
    pub optional_scopes: Vec<Id>,
    /// `default-roles-<realm>`.
    pub default_role: Id,
    /// Regular (SSO) sessions; not persisted.
    pub sessions: SessionStore,
    offline: SessionStore,
    consents: BTreeMap<(Id, Id), Consent>,
    pub(crate) dirty: Dirty,
}

/// One row of `GET /users/{id}/consents` (contract §1.6) before formatting.
pub struct ConsentEntry<'a> {
    pub client: &'a Client,
    pub consent: Option<&'a Consent>,
    pub has_offline_session: bool,
}

impl Realm {
    pub fn new(settings: RealmSettings, key: Arc<RealmKey>) -> Realm {
        Realm {
            settings,
            key,
            users: IdMap::default(),
            usernames: BTreeMap::new(),
            clients: HashMap::new(),
            client_ids: BTreeMap::new(),
            roles: HashMap::new(),
            realm_roles: BTreeMap::new(),
            scopes: HashMap::new(),
            scope_names: BTreeMap::new(),
            default_scopes: Vec::new(),
            optional_scopes: Vec::new(),
            default_role: Id::NONE,
            sessions: SessionStore::default(),
            offline: SessionStore::default(),
            consents: BTreeMap::new(),
            dirty: Dirty::default(),
        }
    }

    pub fn name(&self) -> &str {
        &self.settings.realm
    }

    /// Partial settings update: only fields present and non-null in `patch` change
    /// (contract §1.8). `id` and `realm` (renaming) are not changed here.
    pub fn update_settings(&mut self, patch: &serde_json::Value) -> Result<(), String> {
        let Some(patch) = patch.as_object() else {
            return Err("Cannot parse the JSON".into());
        };
        let mut current = serde_json::to_value(&self.settings).map_err(|e| e.to_string())?;
        let fields = current
            .as_object_mut()
            .expect("settings serialize to an object");
        for (key, value) in patch {
            if value.is_null() || key == "id" || key == "realm" {
                continue;
            }
            let known = fields.contains_key(key) || key == "displayName";
            if known {
                fields.insert(key.clone(), value.clone());
            }
        }
        let updated: RealmSettings = serde_json::from_value(current).map_err(|e| e.to_string())?;
        self.settings = updated;
        self.dirty.settings = true;
        Ok(())
    }

    // ---- users -------------------------------------------------------------------------

    pub fn user(&self, id: Id) -> Option<&User> {
        self.users.get(&id)
    }

    /// Case-insensitive, as Keycloak stores usernames lower-cased.
    pub fn user_by_username(&self, username: &str) -> Option<&User> {
        let id = self.usernames.get(username.to_lowercase().as_str())?;
        self.users.get(id)
    }

    /// Users ordered by username (Keycloak's listing order).
    pub fn users_by_username(&self) -> impl Iterator<Item = &User> + '_ {
        self.usernames.values().filter_map(|id| self.users.get(id))
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// Changes to the returned user are journaled.
    pub fn user_mut(&mut self, id: Id) -> Option<&mut User> {
        let user = self.users.get_mut(&id)?;
        self.dirty.users.insert(id);
        Some(user)
    }

    pub(crate) fn insert_user(&mut self, mut user: User) {
        user.username = user.username.to_lowercase().into();
        self.usernames.insert(user.username.clone(), user.id);
        self.users.insert(user);
    }

    pub fn reserve_users(&mut self, additional: usize) {
        self.users.reserve(additional);
        self.offline.reserve(additional);
    }

    // ---- clients -----------------------------------------------------------------------

    pub fn client(&self, id: Id) -> Option<&Client> {
        self.clients.get(&id)
    }

    pub fn client_by_client_id(&self, client_id: &str) -> Option<&Client> {
        self.clients.get(self.client_ids.get(client_id)?)
    }

    /// Clients ordered by clientId.
    pub fn clients_by_client_id(&self) -> impl Iterator<Item = &Client> + '_ {
        self.client_ids
            .values()
            .filter_map(|id| self.clients.get(id))
    }

    /// Changes to the returned client are journaled. Do not change `clientId` here.
    pub fn client_mut(&mut self, id: Id) -> Option<&mut Client> {
        let client = self.clients.get_mut(&id)?;
        self.dirty.clients.insert(id);
        Some(client)
    }

    pub(crate) fn insert_client(&mut self, client: Client) {
        self.client_ids.insert(client.client_id.clone(), client.id);
        self.clients.insert(client.id, client);
    }

    // ---- roles and scopes --------------------------------------------------------------

    pub fn role(&self, id: Id) -> Option<&Role> {
        self.roles.get(&id)
    }

    pub fn realm_role(&self, name: &str) -> Option<&Role> {
        self.roles.get(self.realm_roles.get(name)?)
    }

    /// Realm roles ordered by name.
    pub fn realm_roles(&self) -> impl Iterator<Item = &Role> + '_ {
        self.realm_roles
            .values()
            .filter_map(|id| self.roles.get(id))
    }

    pub fn client_role(&self, client_id: &str, name: &str) -> Option<&Role> {
        let client = self.client_by_client_id(client_id)?;
        self.roles.get(client.roles.get(name)?)
    }

    pub(crate) fn insert_role(&mut self, role: Role) {
        match role.client {
            None => {
                self.realm_roles.insert(role.name.clone(), role.id);
            }
            Some(client) => {
                if let Some(client) = self.clients.get_mut(&client) {
                    client.roles.insert(role.name.clone(), role.id);
                }
            }
        }
        self.roles.insert(role.id, role);
    }

    pub fn scope(&self, id: Id) -> Option<&ClientScope> {
        self.scopes.get(&id)
    }

    pub fn scope_by_name(&self, name: &str) -> Option<&ClientScope> {
        self.scopes.get(self.scope_names.get(name)?)
    }

    /// Client scopes ordered by name.
    pub fn scopes_by_name(&self) -> impl Iterator<Item = &ClientScope> + '_ {
        self.scope_names
            .values()
            .filter_map(|id| self.scopes.get(id))
    }

    pub(crate) fn insert_scope(&mut self, scope: ClientScope) {
        self.scope_names.insert(scope.name.clone(), scope.id);
        self.scopes.insert(scope.id, scope);
    }

    /// `roles` plus everything reachable through composites.
    pub fn expand_roles(&self, roles: impl IntoIterator<Item = Id>) -> HashSet<Id> {
        let mut seen = HashSet::new();
        let mut stack: Vec<Id> = roles.into_iter().collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                if let Some(role) = self.roles.get(&id) {
                    stack.extend(role.composites.iter().copied());
                }
            }
        }
        seen
    }

    /// Every role the user holds, composites expanded.
    pub fn effective_roles(&self, user: &User) -> HashSet<Id> {
        self.expand_roles(user.roles.iter().copied())
    }

    pub fn user_has_realm_role(&self, user: &User, role: &str) -> bool {
        self.realm_role(role)
            .is_some_and(|r| self.effective_roles(user).contains(&r.id))
    }

    /// Whether the user holds a client role, e.g. (`realm-management`, `view-users`).
    pub fn user_has_client_role(&self, user: &User, client_id: &str, role: &str) -> bool {
        self.client_role(client_id, role)
            .is_some_and(|r| self.effective_roles(user).contains(&r.id))
    }

    /// The client's default and optional scopes (resolved by name; unknown names skipped).
    pub fn client_scopes(&self, client: &Client) -> (Vec<&ClientScope>, Vec<&ClientScope>) {
        let resolve = |names: &Vec<String>| {
            names
                .iter()
                .filter_map(|n| self.scope_by_name(n))
                .collect::<Vec<_>>()
        };
        (
            resolve(&client.default_client_scopes),
            resolve(&client.optional_client_scopes),
        )
    }

    /// A client scope with role scope-mappings is permitted only to holders of one of them.
    pub fn scope_permitted(&self, scope: &ClientScope, user_roles: &HashSet<Id>) -> bool {
        scope.role_mappings.is_empty() || scope.role_mappings.iter().any(|r| user_roles.contains(r))
    }

    /// Roles that go into a token (contract §2.3 item 4).
    pub fn token_roles(
        &self,
        user: &User,
        client: &Client,
        scopes: &[&ClientScope],
    ) -> HashSet<Id> {
        let user_roles = self.effective_roles(user);
        if client.full_scope_allowed {
            return user_roles;
        }
        let mut allowed: Vec<Id> = client.roles.values().copied().collect();
        allowed.extend(client.scope_mappings.iter().copied());
        for scope in scopes {
            if self.scope_permitted(scope, &user_roles) {
                allowed.extend(scope.role_mappings.iter().copied());
            }
        }
        let allowed = self.expand_roles(allowed);
        user_roles.intersection(&allowed).copied().collect()
    }

    pub fn offline_access_role(&self) -> Option<Id> {
        self.realm_role("offline_access").map(|r| r.id)
    }

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

    pub fn attach_offline_client(&mut self, id: Id, client_session: crate::model::ClientSession) {
        self.dirty.offline.insert(id);
        self.offline.attach_client(id, client_session);
    }

    /// Detaches one client from an offline session, deleting the session when empty.
    pub fn detach_offline_client(&mut self, id: Id, client: Id) -> bool {
        self.dirty.offline.insert(id);
        self.offline.detach_client_and_prune(id, client)
    }

    /// Detaches one client from an offline session, keeping the (possibly empty) session.
    pub fn detach_offline_client_keep_session(&mut self, id: Id, client: Id) -> bool {
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
    /// active: idle and (when enabled) max lifespan, client overrides applied (§4.1).
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

    // ---- consents ----------------------------------------------------------------------

    pub fn consent(&self, user: Id, client: Id) -> Option<&Consent> {
        self.consents.get(&(user, client))
    }

    pub fn put_consent(&mut self, user: Id, client: Id, consent: Consent) {
        self.dirty.consents.insert((user, client));
        self.consents.insert((user, client), consent);
    }

    /// Stored consents of a user, by client.
    pub fn consents_of_user(&self, user: Id) -> impl Iterator<Item = (Id, &Consent)> + '_ {
        self.consents
            .range((user, Id::NONE)..=(user, Id::MAX))
            .map(|((_, client), consent)| (*client, consent))
    }

    /// Rows of `GET /users/{id}/consents`: stored consents first, then one entry per
    /// client having an offline client session but no consent (contract §1.6).
    pub fn user_consent_entries(&self, user: Id) -> Vec<ConsentEntry<'_>> {
        let offline_clients: Vec<Id> = {
            let mut ids: Vec<Id> = self
                .offline
                .for_user(user)
                .iter()
                .flat_map(|s| s.clients.iter().map(|c| c.client))
                .collect();
            ids.dedup();
            ids
        };
        let mut entries: Vec<ConsentEntry> = self
            .consents_of_user(user)
            .filter_map(|(client, consent)| {
                Some(ConsentEntry {
                    client: self.clients.get(&client)?,
                    consent: Some(consent),
                    has_offline_session: offline_clients.contains(&client),
                })
            })
            .collect();
        let mut seen: HashSet<Id> = entries.iter().map(|e| e.client.id).collect();
        for client in offline_clients {
            if seen.insert(client) {
                if let Some(client) = self.clients.get(&client) {
                    entries.push(ConsentEntry {
                        client,
                        consent: None,
                        has_offline_session: true,
                    });
                }
            }
        }
        entries
    }

    /// `revokeConsentToClient` (contract §1.6): deletes the consent, always revokes the
    /// client's offline client sessions, and only if a consent existed ends the client's
    /// regular client sessions. Returns `revokedConsent || revokedOfflineToken`.
    pub fn revoke_consent(&mut self, user: Id, client: Id) -> bool {
        let revoked_consent = self.consents.remove(&(user, client)).is_some();
        if revoked_consent {
            self.dirty.consents.insert((user, client));
        }
        let mut revoked_offline = false;
        for session in self.offline.ids_for_user(user) {
            if self
                .offline
                .get(session)
                .is_some_and(|s| s.client(client).is_some())
            {
                revoked_offline |= self.detach_offline_client(session, client);
            }
        }
        if revoked_consent {
            for session in self.sessions.ids_for_user(user) {
                self.sessions.detach_client_and_prune(session, client);
            }
        }
        revoked_consent || revoked_offline
    }

    // ---- session deletion and logout ---------------------------------------------------

    /// `DELETE /sessions/{id}?isOffline=` (contract §1.7): `false` ends the regular session
    /// only; `true` ends the offline session and the regular one with the same id.
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
    /// offline sessions kept (their tokens then fail with `Stale token`, §4.4).
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

    /// Combined client/realm not-before of the refresh check (§4.4): client value if the
    /// realm's is 0, realm value if the client's is 0, else the minimum.
    pub fn client_realm_not_before(&self, client: &Client) -> i64 {
        match (self.settings.not_before, client.not_before) {
            (0, c) => c,
            (r, 0) => r,
            (r, c) => r.min(c),
        }
    }

    /// Snapshot helpers for the journal.
    pub(crate) fn offline_session_for_journal(&self, id: Id) -> Option<&UserSession> {
        self.offline.get(id)
    }

    pub(crate) fn consent_entry(&self, key: (Id, Id)) -> Option<&Consent> {
        self.consents.get(&key)
    }

    pub(crate) fn insert_consent_unjournaled(&mut self, user: Id, client: Id, consent: Consent) {
        self.consents.insert((user, client), consent);
    }

    pub(crate) fn remove_consent_unjournaled(&mut self, user: Id, client: Id) {
        self.consents.remove(&(user, client));
    }

    pub(crate) fn remove_offline_unjournaled(&mut self, id: Id) {
        self.offline.remove(id);
    }
}
