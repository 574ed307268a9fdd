//! One realm's data and the queries and mutations admin, account and OIDC handlers use.
//! Mutations of persisted state (users, clients, settings, consents, offline sessions)
//! go through methods that mark the entity dirty, so the journal records them.

mod consents;
mod session_lifecycle;

use super::dirty::Dirty;
use super::id_map::IdMap;
use super::sessions::SessionStore;
use crate::id::Id;
use crate::keys::RealmKey;
use crate::model::{
    Client, ClientScope, Consent, RealmSettings, Role, User, SETTINGS_KEPT_AS_ATTRIBUTES,
};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub struct Realm {
    pub settings: RealmSettings,
    pub key: Arc<RealmKey>,
    pub(crate) users: IdMap<User>,
    usernames: BTreeMap<Box<str>, Id>,
    /// How many of `users` are service accounts, so that counting the others (the admin
    /// console's user total) does not walk every user.
    service_accounts: usize,
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

pub use consents::ConsentEntry;

impl Realm {
    pub fn new(settings: RealmSettings, key: Arc<RealmKey>) -> Realm {
        Realm {
            settings,
            key,
            users: IdMap::default(),
            usernames: BTreeMap::new(),
            service_accounts: 0,
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
    /// (as Keycloak's `RealmAdminResource.updateRealm`). `id` and `realm` (renaming) are not
    /// changed here.
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
            if key == "attributes" {
                // Keycloak sets each attribute given and keeps the others.
                if let (Some(given), Some(Value::Object(kept))) =
                    (value.as_object(), fields.get_mut("attributes"))
                {
                    for (name, attribute) in given {
                        if let Some(text) = attribute.as_str() {
                            kept.insert(name.clone(), Value::String(text.to_owned()));
                        }
                    }
                }
                continue;
            }
            let known = fields.contains_key(key) || key == "displayName";
            if known {
                fields.insert(key.clone(), value.clone());
            }
        }
        for key in SETTINGS_KEPT_AS_ATTRIBUTES {
            if let Some(number) = patch.get(key).and_then(Value::as_i64) {
                if let Some(Value::Object(kept)) = fields.get_mut("attributes") {
                    kept.insert(key.to_owned(), Value::String(number.to_string()));
                }
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

    /// Every user, in no particular order: for counting, where the order is moot.
    pub fn users_unordered(&self) -> impl Iterator<Item = &User> + '_ {
        self.users.values()
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// Users that are not a client's service account.
    pub fn person_count(&self) -> usize {
        self.users.len() - self.service_accounts
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
        let is_service_account = user.service_account_client_id.is_some();
        let replaced = self.users.insert(user);
        if replaced.is_some_and(|old| old.service_account_client_id.is_some()) {
            self.service_accounts -= 1;
        }
        if is_service_account {
            self.service_accounts += 1;
        }
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

    /// Removes a client and its roles, and those roles from every composite.
    pub(crate) fn remove_client_by_client_id(&mut self, client_id: &str) {
        let Some(id) = self.client_ids.remove(client_id) else {
            return;
        };
        let Some(client) = self.clients.remove(&id) else {
            return;
        };
        let removed: Vec<Id> = client.roles.values().copied().collect();
        for role in &removed {
            self.roles.remove(role);
        }
        for role in self.roles.values_mut() {
            role.composites
                .retain(|composite| !removed.contains(composite));
        }
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

    /// Roles that go into a token, as Keycloak's `TokenManager` picks them.
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
}
