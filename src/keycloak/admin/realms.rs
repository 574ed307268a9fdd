//! Realms: their representation and policy, session statistics, the not-before push.

use serde_json::Value;
use std::sync::Arc;

use super::types::*;
use super::Admin;
use crate::keycloak::{Bearer, KcError};
use crate::model::ids::RealmName;

impl<B: Bearer> Admin<'_, B> {
    pub async fn realms(&self) -> Result<Vec<RealmSummary>, KcError> {
        self.get(self.kc.url(&["admin", "realms"])).await
    }

    /// The realms this caller may see, possibly a few seconds old: every admin page's realm
    /// switcher lists them.
    pub async fn realms_cached(&self) -> Result<Arc<Vec<RealmSummary>>, KcError> {
        self.get_cached(self.kc.url(&["admin", "realms"])).await
    }

    pub async fn realm(&self, realm: &RealmName) -> Result<Realm, KcError> {
        self.get(self.url(realm, &[])).await
    }

    /// The realm representation, possibly a few seconds old (never older than
    /// this console's last change to a realm).
    pub async fn realm_cached(&self, realm: &RealmName) -> Result<Arc<Realm>, KcError> {
        self.get_cached(self.url(realm, &[])).await
    }

    /// Partial update: Keycloak applies only the fields present in `body`.
    pub async fn update_realm(&self, realm: &RealmName, body: &Value) -> Result<(), KcError> {
        let request = self.kc.http.put(self.url(realm, &[])).json(body);
        let result = self.kc.send_no_content(request, self.bearer).await;
        // Even a failed update may have been applied: cached reads must not outlive it.
        self.kc.cache.forget_all();
        result
    }

    pub async fn client_session_stats(
        &self,
        realm: &RealmName,
    ) -> Result<Vec<ClientSessionStats>, KcError> {
        self.get(self.url(realm, &["client-session-stats"])).await
    }

    /// Sends the realm's not-before to every client with an admin URL.
    pub async fn push_revocation(&self, realm: &RealmName) -> Result<GlobalRequestResult, KcError> {
        let request = self.kc.http.post(self.url(realm, &["push-revocation"]));
        self.kc.send_json(request, self.bearer).await
    }
}
