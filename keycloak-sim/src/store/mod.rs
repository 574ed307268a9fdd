//! Shared simulator state: realms with their users, clients, roles, scopes, consents and
//! regular + offline session stores.
//!
//! Reading: `state.read()` gives `&Db`; `db.realm("demo")` the realm, whose query methods
//! (`user_by_username`, `client_by_client_id`, `offline().page_for_client(..)`,
//! `offline().count_for_client(..)`, `sessions.for_user(..)`, `user_consent_entries(..)`,
//! `effective_roles(..)`, `user_has_client_role(..)`) answer the admin and account APIs.
//!
//! Writing: `state.write()` gives a guard derefing to `&mut Db`; realm mutation methods
//! (`update_settings`, `user_mut`, `client_mut`, `revoke_consent`, `delete_session`,
//! `logout_user`, `put_consent`, ...) mark what they change, and the guard journals those
//! changes when dropped (with `--data-dir`), before the handler's response is sent.

pub mod client_index;
pub mod dirty;
pub mod id_map;
pub mod journal;
pub mod realm;
pub mod sessions;

pub use realm::{ConsentEntry, Realm};

use crate::id::Id;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub struct Db {
    realms: BTreeMap<String, Realm>,
    /// Revoked access tokens (`jti` → `exp`), kept until they expire.
    pub revoked_access_tokens: HashMap<Id, i64>,
}

impl Db {
    pub fn realm(&self, name: &str) -> Option<&Realm> {
        self.realms.get(name)
    }

    pub fn realm_mut(&mut self, name: &str) -> Option<&mut Realm> {
        self.realms.get_mut(name)
    }

    /// Realms ordered by name.
    pub fn realms(&self) -> impl Iterator<Item = &Realm> + '_ {
        self.realms.values()
    }

    pub(crate) fn realms_mut(&mut self) -> impl Iterator<Item = &mut Realm> + '_ {
        self.realms.values_mut()
    }

    pub(crate) fn insert_realm(&mut self, realm: Realm) {
        self.realms.insert(realm.name().to_string(), realm);
    }

    /// Removes realm `name` and, in `master`, the `<name>-realm` client through which master
    /// administrators managed it (`RealmManager.removeRealm`). Returns whether it existed.
    pub(crate) fn remove_realm(&mut self, name: &str) -> bool {
        if self.realms.remove(name).is_none() {
            return false;
        }
        if let Some(master) = self.realms.get_mut("master") {
            master.remove_client_by_client_id(&format!("{name}-realm"));
        }
        true
    }
}
