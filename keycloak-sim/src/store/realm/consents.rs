//! Consents: stored grants, the consent listing and revocation (Keycloak's `UserResource`,
//! `UserConsentManager`).

use super::Realm;
use crate::id::Id;
use crate::model::{Client, Consent};
use std::collections::HashSet;

/// One row of `GET /users/{id}/consents` (Keycloak's `UserResource`) before formatting.
pub struct ConsentEntry<'a> {
    pub client: &'a Client,
    pub consent: Option<&'a Consent>,
    pub has_offline_session: bool,
}

impl Realm {
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
    /// client having an offline client session but no consent, as Keycloak's `UserResource`
    /// lists them.
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

    /// Keycloak's `UserConsentManager.revokeConsentToClient`: deletes the consent, always revokes
    /// the client's offline client sessions, and only if a consent existed ends the client's
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

    pub(crate) fn consent_entry(&self, key: (Id, Id)) -> Option<&Consent> {
        self.consents.get(&key)
    }

    pub(crate) fn insert_consent_unjournaled(&mut self, user: Id, client: Id, consent: Consent) {
        self.consents.insert((user, client), consent);
    }

    pub(crate) fn remove_consent_unjournaled(&mut self, user: Id, client: Id) {
        self.consents.remove(&(user, client));
    }
}
