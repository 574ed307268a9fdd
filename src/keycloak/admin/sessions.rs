//! A client's offline sessions: the count, one page, and ending one.

use super::types::*;
use super::Admin;
use crate::keycloak::{Bearer, KcError};
use crate::model::ids::{ClientUuid, RealmName, SessionId};

impl<B: Bearer> Admin<'_, B> {
    pub async fn offline_session_count(
        &self,
        realm: &RealmName,
        client: &ClientUuid,
    ) -> Result<u64, KcError> {
        let count: Count = self
            .get(self.url(
                realm,
                &["clients", client.as_str(), "offline-session-count"],
            ))
            .await?;
        Ok(count.count)
    }

    pub async fn offline_sessions(
        &self,
        realm: &RealmName,
        client: &ClientUuid,
        first: u32,
        max: u32,
    ) -> Result<Vec<UserSession>, KcError> {
        let mut url = self.url(realm, &["clients", client.as_str(), "offline-sessions"]);
        url.query_pairs_mut()
            .append_pair("first", &first.to_string())
            .append_pair("max", &max.to_string());
        self.get(url).await
    }

    /// Removes a whole offline user session (every client in it).
    pub async fn delete_offline_session(
        &self,
        realm: &RealmName,
        session: &SessionId,
    ) -> Result<(), KcError> {
        let mut url = self.url(realm, &["sessions", session.as_str()]);
        url.query_pairs_mut().append_pair("isOffline", "true");
        let request = self.kc.http.delete(url);
        self.kc.send_no_content(request, self.bearer).await
    }
}
